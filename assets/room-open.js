/*
 * "Open a room" and "push to the room" on the playground's teacher panel (SPEC F28; the buttons in
 * exercise_layout.py), through the rooms' API (docs/rooms.md, rooms-api.js).
 *
 * - Open: the session's points, network and learn rate, with the weight-layers and single weights
 *   the panel locks or hides as the room's held ones (students' sliders leave them be, as an
 *   exercise link's do). The room's projector opens in a new tab with the teacher's token in its
 *   #fragment (a blocked pop-up: in this tab instead). This computer remembers the room and its
 *   token (localStorage, as the projector keeps it), so that
 * - Push sends the same to that room: every phone starts a new round on this network and points.
 *
 * The server's answer, or its error, is said on the panel's message line.
 */
(function (modules) {
  "use strict";

  const ID = () => window.playgroundContract.ids.playground;
  const LAST = "room-last";  // the code of the room this computer opened last; its token under room-teacher-<code>

  function say(text, kind) {
    window.dash_clientside.set_props(ID().exercise_message, { children: modules.messages.said(text, kind) });
  }

  /** The room's settings: the learn rate, and what the panel holds still (left out when nothing). */
  function roomSettings(settings, hideLayers, lockLayers, weights) {
    const layers = Array.from(new Set((lockLayers || []).concat(hideLayers || []))).sort((a, b) => a - b);
    const held = ((weights && weights.locked) || []).concat((weights && weights.hidden) || []);
    const chosen = { learn_rate: settings.learn_rate };
    if (layers.length) chosen.held_layers = layers;
    if (held.length) chosen.held_weights = held;
    return chosen;
  }

  function remember(code, token) {
    try {
      localStorage.setItem(LAST, code);
      localStorage.setItem("room-teacher-" + code, token);
    } catch (error) { /* private mode: the projector's tab still has its link */ }
  }

  function lastRoom() {
    try {
      const code = localStorage.getItem(LAST);
      return code ? { code: code, token: localStorage.getItem("room-teacher-" + code) } : null;
    } catch (error) { return null; }
  }

  async function open(clicks, data, network, settings, hideLayers, lockLayers, weights) {
    if (!clicks) return;
    say("opening a room…", "info");
    const answer = await modules.roomsApi.open({ data: data, network: network,
      settings: roomSettings(settings, hideLayers, lockLayers, weights) });
    if (!answer.ok) { say("No room: " + answer.body.error, "error"); return; }
    const room = answer.body;
    remember(room.code, room.teacher_token);
    const url = (room.room_url || "/room/" + encodeURIComponent(room.code)) + "#teacher=" + encodeURIComponent(room.teacher_token);
    say(`room ${room.code} is open: its projector is in a new tab (students join at ${room.join_url})`, "success");
    const tab = window.open(url, "_blank");
    if (tab) tab.opener = null;
    else window.location.assign(url);  // pop-ups blocked: the projector in this tab (back returns here)
  }

  async function push(clicks, data, network, settings, hideLayers, lockLayers, weights) {
    if (!clicks) return;
    const room = lastRoom();
    if (!room || !room.token) { say("Open a room first: this computer has none to push to.", "error"); return; }
    // A new network's held weights are named afresh: none held unless the panel holds some.
    const chosen = Object.assign({ held_layers: [], held_weights: [] },
      roomSettings(settings, hideLayers, lockLayers, weights), { data: data, network: network });
    const answer = await modules.roomsApi.settings(room.code, room.token, chosen);
    if (!answer.ok) { say(`Not pushed to room ${room.code}: ${answer.body.error}`, "error"); return; }
    say(`pushed to room ${room.code}: every phone starts round ${answer.body.round.id} on this network`, "success");
  }

  modules.roomOpen = { roomSettings: roomSettings };
  window.dash_clientside = Object.assign({}, window.dash_clientside);
  window.dash_clientside.roomOpen = Object.assign({}, window.dash_clientside.roomOpen, {
    open: function (...values) { open(...values); },
    push: function (...values) { push(...values); },
  });
})(window.neuralModules = window.neuralModules || {});

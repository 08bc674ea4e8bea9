/*
 * "Open a room" on the playground's teacher panel (SPEC F28; the button in exercise_layout.py): the
 * session's points, network and learn rate go to the rooms' API (docs/rooms.md, through
 * rooms-api.js), with the weight-layers and single weights the panel locks or hides as the room's
 * held ones (students' sliders leave them be, as an exercise link's do). The room's projector opens
 * in a new tab with the teacher's token in its #fragment (a blocked pop-up: in this tab instead);
 * an error of the server is said on the panel's message line.
 */
(function (modules) {
  "use strict";

  const ID = () => window.playgroundContract.ids.playground;

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

  async function open(clicks, data, network, settings, hideLayers, lockLayers, weights) {
    if (!clicks) return;
    say("opening a room…", "info");
    const answer = await modules.roomsApi.open({ data: data, network: network,
      settings: roomSettings(settings, hideLayers, lockLayers, weights) });
    if (!answer.ok) { say("No room: " + answer.body.error, "error"); return; }
    const room = answer.body;
    const url = (room.room_url || "/room/" + encodeURIComponent(room.code)) + "#teacher=" + encodeURIComponent(room.teacher_token);
    say(`room ${room.code} is open: its projector is in a new tab (join at ${room.join_url})`, "success");
    const tab = window.open(url, "_blank");
    if (tab) tab.opener = null;
    else window.location.assign(url);  // pop-ups blocked: the projector in this tab (back returns here)
  }

  modules.roomOpen = { roomSettings: roomSettings };
  window.dash_clientside = Object.assign({}, window.dash_clientside);
  window.dash_clientside.roomOpen = Object.assign({}, window.dash_clientside.roomOpen, {
    open: function (...values) { open(...values); },
  });
})(window.neuralModules = window.neuralModules || {});

/*
 * The rooms' HTTP API as the pages call it (docs/rooms.md): one function a request, each answering
 * {ok, status, body} (body: the JSON answer, or {error} with a sentence for a person), never throwing.
 *
 * The projector (assets/room.js) and a student's phone (assets/join.js) both use it. Tokens are the
 * caller's: the teacher's comes from the link's #teacher= fragment, a student's from localStorage.
 * A 429 is asked again after the server's Retry-After (a room of 200 phones is not refused).
 */
(function (root) {
  "use strict";

  const modules = root.neuralModules = root.neuralModules || {};
  const RETRIES = 3;
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  async function call(method, path, options) {
    const { token, body, etag } = options || {};
    const headers = {};
    if (token) headers.Authorization = "Bearer " + token;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (etag) headers["If-None-Match"] = etag;
    for (let attempt = 0; ; attempt++) {
      let response;
      try {
        response = await root.fetch("/api/rooms" + path, {
          method, headers, cache: "no-store", body: body === undefined ? undefined : JSON.stringify(body),
        });
      } catch (error) {
        return { ok: false, status: 0, body: { error: "the server cannot be reached: check the connection" } };
      }
      if (response.status === 429 && attempt < RETRIES) {
        const wait = Number(response.headers.get("Retry-After")) || 1;
        await sleep(1000 * wait * (0.5 + Math.random()));  // jittered: a room does not come back at once
        continue;
      }
      if (response.status === 304) return { ok: true, status: 304, body: null, etag };
      let answer;
      try { answer = await response.json(); } catch (error) { answer = { error: "the server's answer was not JSON" }; }
      return { ok: response.ok, status: response.status, body: answer, etag: response.headers.get("ETag") };
    }
  }

  const room = (code) => "/" + encodeURIComponent(code);

  modules.roomsApi = {
    call,
    open: (body) => call("POST", "", { body: body || {} }),
    describe: (code, etag) => call("GET", room(code), { etag }),
    join: (code, nickname) => call("POST", room(code) + "/students", { body: { nickname } }),
    me: (code, token) => call("GET", room(code) + "/me", { token }),
    submit: (code, token, network) => call("POST", room(code) + "/submissions", { token, body: { network } }),
    train: (code, token, request) => call("POST", room(code) + "/train", { token, body: request }),
    vote: (code, token, choice) => call("POST", room(code) + "/votes", { token, body: { choice } }),
    board: (code) => call("GET", room(code) + "/board"),
    gallery: (code, token) => call("GET", room(code) + "/gallery", { token }),
    settings: (code, token, settings) => call("POST", room(code) + "/settings", { token, body: settings }),
    round: (code, token, round) => call("POST", room(code) + "/round", { token, body: round }),
    close: (code, token) => call("POST", room(code) + "/close", { token, body: {} }),
    remove: (code, token, nickname) => call("DELETE", room(code) + "/students/" + encodeURIComponent(nickname), { token }),
    qrUrl: (code) => "/api/rooms" + room(code) + "/qr.svg",
  };
})(typeof window !== "undefined" ? window : globalThis);

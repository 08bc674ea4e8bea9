/**
 * The page's requests: each names its session, and a busy server is asked again.
 *
 * The server counts a request's share (requests in work, fair turns) per session, so a lecture
 * hall behind one address is 200 students, not one sender: every POST this page makes carries
 * the tab's session key (issued and signed by the server, kept in sessionStorage by the
 * session-key store) in an ``X-Playground-Session`` header.
 *
 * The server answers 429 (with Retry-After, in seconds) when a session or an address has too
 * many requests in work or its large-request pool is full. The pages' own routes retry it
 * themselves (runner.js); Dash's callback requests do not, so a refused one would leave its
 * outputs undrawn: a 429 to a callback is sent again after the server's wait (jittered, so a
 * room does not come back at once), up to RETRIES times; then the answer is handed to Dash as
 * it is, and the app's message line says the server was too busy.
 */
(function () {
  "use strict";
  const RETRIES = 8;
  const CALLBACKS = "/_dash-update-component";
  const KEY_STORE = "session-key";  // the store's id (playground/app/session/stores.py KEY)
  const HEADER = "X-Playground-Session";
  if (typeof window.fetch !== "function") return;  // not a browser (the maths run under Node)
  const original = window.fetch.bind(window);
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  const APP_MESSAGE = "app-message";  // the app's message line (playground/app/ui/components.py)
  const STILL_BUSY = "The server is very busy and did not take part of this page's work after several tries: "
    + "what it would have drawn is missing. Try again in a moment.";

  /** A note in the app's message line (Dash's own way to set a component's props from the page). */
  function say(text) {
    const clientside = window.dash_clientside;
    if (clientside && typeof clientside.set_props === "function") clientside.set_props(APP_MESSAGE, { children: text });
  }

  function sessionKey() {
    try {
      const key = JSON.parse(window.sessionStorage.getItem(KEY_STORE));
      return typeof key === "string" ? key : null;
    } catch (error) {
      return null;  // private mode, or nothing stored yet: counted by address
    }
  }

  function withSession(init) {
    const key = sessionKey();
    if (!init || String(init.method || "GET").toUpperCase() !== "POST" || !key) return init;
    const headers = new Headers(init.headers || {});
    headers.set(HEADER, key);
    return { ...init, headers };
  }

  // The page's own requests in flight (same origin): a page with none is settled, which is what
  // a person waits for before reading it, and what the browser tests wait for.
  const requests = window.neuralRequests = { inFlight: 0, sent: 0 };

  window.fetch = async function (input, init) {
    const url = typeof input === "string" ? input : (input && input.url) || "";
    const sameOrigin = !/^[a-z]+:\/\//i.test(url) || url.startsWith(window.location.origin);
    if (!sameOrigin) return original(input, init);
    requests.inFlight++;
    requests.sent++;
    try {
      return await send(input, withSession(init), url);
    } finally {
      requests.inFlight--;
    }
  };

  async function send(input, sent, url) {
    if (!url.includes(CALLBACKS)) return original(input, sent);
    for (let attempt = 0; ; attempt++) {
      const response = await original(input, sent);  // Dash sends its body as text: it can be sent again
      if (response.status === 429 && attempt >= RETRIES) say(STILL_BUSY);
      if (response.status !== 429 || attempt >= RETRIES) return response;
      const after = Number(response.headers.get("Retry-After")) || 1;
      await sleep(Math.min(after, 10) * 1000 * (0.5 + Math.random()));
    }
  }
})();

/**
 * A busy server is asked again. The server answers 429 (with Retry-After, in seconds) when an
 * address has too many requests in work or its large-request pool is full; a lecture hall behind
 * one address meets that first. The pages' own routes retry it themselves (runner.js); Dash's
 * callback requests do not, so a refused one would leave its outputs undrawn. This wraps
 * ``fetch`` for Dash's callback requests only: a 429 is sent again after the server's wait
 * (jittered, so a room does not come back at once), up to RETRIES times; then the answer is
 * handed to Dash as it is, and Dash shows its error.
 */
(function () {
  "use strict";
  const RETRIES = 8;
  const CALLBACKS = "/_dash-update-component";
  if (typeof window.fetch !== "function") return;  // not a browser (the maths run under Node)
  const original = window.fetch.bind(window);
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  window.fetch = async function (input, init) {
    const url = typeof input === "string" ? input : (input && input.url) || "";
    if (!url.includes(CALLBACKS)) return original(input, init);
    for (let attempt = 0; ; attempt++) {
      const response = await original(input, init);  // Dash sends its body as text: it can be sent again
      if (response.status !== 429 || attempt >= RETRIES) return response;
      const after = Number(response.headers.get("Retry-After")) || 1;
      await sleep(Math.min(after, 10) * 1000 * (0.5 + Math.random()));
    }
  };
})();

/*
 * The image page's browser module (page "/images"): the drawing canvas and the model upload.
 *
 * Drawing: strokes with the mouse, a pen or a finger (pointer events) on a 280×280 canvas.
 * While drawing (at most every 80 ms) and after each stroke, the canvas is averaged down to
 * 56×56 (ink high) and posted to the draw route; the server prepares it the way the data
 * set's images were made (playground/data/drawing.py) and answers with each step and the
 * network's ranking, painted here. Upload: the chosen .npz goes to the model route as raw
 * bytes (no base64 inside a callback), then a store tells the page a new model is there.
 * Everything binds to the page's root element; ids and routes come from Python's contract.
 */
(function (modules) {
  "use strict";

  const contract = window.playgroundContract;
  const ID = contract.ids.images;
  const SIDE = 56; // the drawing as sent: 280 / 5, each pixel the mean ink of a 5×5 block
  const SEND_EVERY_MS = 80;
  const STEP_NAMES = { raw: "your drawing", cropped: "cropped to its ink", fitted: "fitted in 20×20",
    centred: "centre of mass at the centre", network: "what the network sees" };
  const byId = (id) => document.getElementById(id);
  const state = { page: null, key: null, drawing: false, last: null, inked: false, sentAt: 0, pending: false,
    again: false, timings: [] };

  function setProps(id, props) {
    if (state.page && state.page.isConnected && window.dash_clientside && window.dash_clientside.set_props) {
      window.dash_clientside.set_props(id, props);
    }
  }

  // ------------------------------------------------------------------ drawing

  function canvas() { return byId(ID.canvas); }

  function clearCanvas() {
    const c = canvas();
    if (!c) return;
    const g = c.getContext("2d");
    g.fillStyle = "#ffffff";
    g.fillRect(0, 0, c.width, c.height);
    state.inked = false;
    const steps = byId(ID.draw_steps), ranking = byId(ID.ranking), message = byId(ID.draw_message);
    if (steps) steps.replaceChildren();
    if (ranking) ranking.replaceChildren();
    if (message) message.textContent = "";
  }

  function position(event) {
    const c = canvas(), box = c.getBoundingClientRect();
    return [(event.clientX - box.left) * (c.width / box.width), (event.clientY - box.top) * (c.height / box.height)];
  }

  function stroke(from, to) {
    const g = canvas().getContext("2d");
    g.strokeStyle = "#111111";
    g.lineWidth = 20; // MNIST strokes are about a tenth of the digit's height
    g.lineCap = "round";
    g.lineJoin = "round";
    g.beginPath();
    g.moveTo(from[0], from[1]);
    g.lineTo(to[0], to[1]);
    g.stroke();
    state.inked = true;
  }

  function onDown(event) {
    if (event.target !== canvas()) return;
    event.preventDefault();
    // Showing the tab again draws a new, transparent canvas: paper first.
    if (!canvas().dataset.paper) { clearCanvas(); canvas().dataset.paper = "1"; }
    canvas().setPointerCapture(event.pointerId);
    state.drawing = true;
    state.last = position(event);
    stroke(state.last, state.last);
  }

  function onMove(event) {
    if (!state.drawing) return;
    event.preventDefault();
    const here = position(event);
    stroke(state.last, here);
    state.last = here;
    if (performance.now() - state.sentAt > SEND_EVERY_MS) send();
  }

  function onUp() {
    if (!state.drawing) return;
    state.drawing = false;
    send();
  }

  /** The canvas as SIDE×SIDE bytes of ink (0 white … 255 black), base64. */
  function inkBytes() {
    const c = canvas(), block = c.width / SIDE;
    const pixels = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    const ink = new Uint8Array(SIDE * SIDE);
    for (let y = 0; y < SIDE; y++) {
      for (let x = 0; x < SIDE; x++) {
        let sum = 0;
        for (let dy = 0; dy < block; dy++) {
          const row = ((y * block + dy) * c.width + x * block) * 4;
          // Ink is dark paint: (255 − red), weighted by how opaque it is.
          for (let dx = 0; dx < block; dx++) sum += (255 - pixels[row + dx * 4]) * pixels[row + dx * 4 + 3] / 255;
        }
        ink[y * SIDE + x] = Math.round(sum / (block * block));
      }
    }
    let text = "";
    for (let i = 0; i < ink.length; i++) text += String.fromCharCode(ink[i]);
    return btoa(text);
  }

  /** The drawing route's body: the session's key and the drawing, averaged down to side × side bytes of ink. */
  function drawBody(key, side, pixels) { return { key: key, side: side, pixels: pixels }; }

  /** Post the drawing; one request at a time (the newest drawing goes next). */
  async function send() {
    if (!state.inked || !state.key) return;
    if (state.pending) { state.again = true; return; }
    state.pending = true;
    state.sentAt = performance.now();
    const started = performance.now();
    const message = byId(ID.draw_message);
    try {
      const answer = await modules.runner.post("draw", drawBody(state.key, SIDE, inkBytes()));
      if (message) message.textContent = "";
      paintSteps(answer.steps);
      paintRanking(answer.ranking);
      state.timings.push(performance.now() - started);
    } catch (error) {
      if (message) message.textContent = String(error.message || error);
    } finally {
      state.pending = false;
      if (state.again) { state.again = false; send(); }
    }
  }

  function paintImage(target, image) {
    const [height, width] = image.shape;
    target.width = width;
    target.height = height;
    const bytes = atob(image.pixels), picture = target.getContext("2d").createImageData(width, height);
    for (let i = 0; i < width * height; i++) {
      const shade = 255 - bytes.charCodeAt(i); // ink dark on white, as drawn
      picture.data.set([shade, shade, shade, 255], i * 4);
    }
    target.getContext("2d").putImageData(picture, 0, 0);
  }

  function paintSteps(steps) {
    const holder = byId(ID.draw_steps);
    if (!holder) return;
    const figures = steps.map(([name, image]) => {
      const figure = document.createElement("figure"), picture = document.createElement("canvas");
      const caption = document.createElement("figcaption");
      picture.className = "pixelated step";
      paintImage(picture, image);
      caption.textContent = STEP_NAMES[name] || name;
      figure.append(picture, caption);
      return figure;
    });
    holder.replaceChildren(...figures);
  }

  function paintRanking(ranking) {
    const holder = byId(ID.ranking);
    if (!holder) return;
    holder.replaceChildren(...ranking.map(([name, share], place) => {
      const row = document.createElement("div"), label = document.createElement("span");
      const bar = document.createElement("span"), value = document.createElement("span");
      row.className = place === 0 ? "rank top" : "rank";
      label.className = "rank-name"; label.textContent = name; // text, never markup
      bar.className = "rank-bar"; bar.style.width = (100 * share).toFixed(1) + "%";
      value.className = "rank-share"; value.textContent = (100 * share).toFixed(1) + "%";
      row.append(label, bar, value);
      return row;
    }));
  }

  // ------------------------------------------------------------------ model upload

  async function upload(event) {
    const file = event.target.files && event.target.files[0];
    const message = byId(ID.model_message);
    if (!file || !state.key) return;
    const data = state.dataset || "";
    const say = (text, kind) => modules.messages.sayIn(message, text, kind);
    say("loading " + file.name + "…", "info");
    const address = contract.routes.model + "?key=" + encodeURIComponent(state.key) + "&data=" + encodeURIComponent(data);
    const response = await fetch(address, { method: "POST", headers: { "Content-Type": "application/octet-stream" },
      body: file });
    const answer = await response.json().catch(() => ({ error: "the server's answer was not readable" }));
    if (!response.ok) {
      say(file.name + ": " + (answer.error || "not taken") + ". The page keeps its network.", "error");
      event.target.value = "";
      return;
    }
    if (answer.scoring) {  // too big to score within a request: a job does it, its progress on the Train tab
      say("scoring " + file.name + " (" + answer.network + ") on the test set: its progress is on the Train tab", "info");
    } else {
      say("loaded " + file.name + ": " + answer.network + ", test accuracy "
        + (100 * answer.test_accuracy).toFixed(2) + " %", "success");
    }
    setProps(ID.uploaded, { data: { job: answer.job, at: Date.now(), scoring: Boolean(answer.scoring) } });
  }

  // ------------------------------------------------------------------ binding to the page

  /** Things the shown tab needs that Dash cannot make: the file chooser (html has no Input). */
  function prepareTab() {
    const holder = byId(ID.upload);
    if (holder && !holder.querySelector("input")) {
      const chooser = document.createElement("input");
      chooser.type = "file";
      chooser.accept = ".npz";
      holder.append(chooser);
    }
  }

  function mount(key, dataset) {
    state.key = key;
    state.dataset = dataset;
    // A tab's content is drawn after this callback returns.
    setTimeout(prepareTab, 0);
    const element = byId(ID.page);
    if (!element || element === state.page) return;
    state.page = element;
    element.addEventListener("pointerdown", onDown);
    element.addEventListener("pointermove", onMove);
    element.addEventListener("pointerup", onUp);
    element.addEventListener("pointercancel", onUp);
    element.addEventListener("click", (event) => { if (event.target.id === ID.clear) clearCanvas(); });
    element.addEventListener("change", (event) => {
      if (event.target.closest && event.target.closest("#" + ID.upload)) upload(event);
    });
  }

  modules.images = { timings: state.timings, drawBody: drawBody };
  window.dash_clientside = Object.assign({}, window.dash_clientside);
  window.dash_clientside.images = Object.assign({}, window.dash_clientside.images, {
    /** Bind to the page's (new) root element; remember the session key and the data set. */
    mount: function (mounted, key, dataset, tab) {
      mount(key, dataset);
      return window.dash_clientside.no_update;
    },
  });
})(window.neuralModules = window.neuralModules || {});

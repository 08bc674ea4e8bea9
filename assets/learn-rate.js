/**
 * The learn-rate control (playground/app/ui/learn_rate.py): a log slider whose marks snap, and
 * a box to type the learn rate exactly, kept together here.
 */
(function (modules) {
  "use strict";
  const SIGNIFICANT = 4;  // digits a learn rate keeps (learn_rate.py: SIGNIFICANT)

  /** The learn rate for the slider's exponent, to four significant digits. */
  function fromExponent(exponent) { return +Math.pow(10, exponent).toPrecision(SIGNIFICANT); }

  /** The exponent on the nearest mark (a power of ten) when within ``reach`` decades of it, else as it is. */
  function snap(exponent, reach) {
    const mark = Math.round(exponent);
    return Math.abs(exponent - mark) <= reach ? mark : exponent;
  }

  // Marks snap a person's drag only, not a value a page sets (a lesson's 0.9 stays 0.9): the
  // pointer is down on a learn-rate slider, or came up a moment ago (a slider that updates on
  // mouse-up sends its value just after).
  const AFTER_RELEASE = 400;  // ms
  let pointer = { down: false, released: 0 };
  document.addEventListener("pointerdown", (event) => {
    if (event.target.closest && event.target.closest(".lr")) pointer = { down: true, released: 0 };
  }, true);
  document.addEventListener("pointerup", () => {
    if (pointer.down) pointer = { down: false, released: Date.now() };
  }, true);
  function dragging() { return pointer.down || Date.now() - pointer.released < AFTER_RELEASE; }

  /** A typed learn rate, or null when it is not a positive number. */
  function parse(typed) {
    const value = Number(String(typed == null ? "" : typed).trim().replace(",", "."));
    return Number.isFinite(value) && value > 0 ? value : null;
  }

  function text(rate) { return String(+rate.toPrecision(SIGNIFICANT)); }

  /**
   * The clientside callback: [the slider's exponent, the box's text] after either changed. A
   * person's drag near a mark lands on it; a typed number moves the slider (kept within its ends, and the box
   * says the value used); anything else typed puts the box back to the learn rate in use.
   */
  function sync(exponent, typed, low, high, sliderId, reach) {
    const none = window.dash_clientside.no_update;
    const triggered = (window.dash_clientside.callback_context.triggered || [])[0];
    if (!triggered || triggered.prop_id.startsWith(sliderId + ".")) {
      const snapped = dragging() ? snap(exponent, reach) : exponent;
      return [snapped === exponent ? none : snapped, text(fromExponent(snapped))];
    }
    const rate = parse(typed);
    if (rate === null) return [none, text(fromExponent(exponent))];
    const wanted = Math.log10(rate), kept = Math.min(Math.max(wanted, low), high);
    return [kept, kept === wanted ? none : text(fromExponent(kept))];
  }

  /** A slider's exponent snapped to its mark after a person's drag near it (else no update). */
  function snapped(exponent, reach) {
    const value = dragging() ? snap(exponent, reach) : exponent;
    return value === exponent ? window.dash_clientside.no_update : value;
  }

  modules.learnRate = { fromExponent: fromExponent, snap: snap, parse: parse, text: text, sync: sync, snapped: snapped };
})(window.neuralModules = window.neuralModules || {});

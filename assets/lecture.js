/**
 * Lecture mode (SPEC F21): big text, thick lines, big points and slider thumbs, for a room
 * looking at a projector. On every page: the navigation bar's button, the L key (anywhere
 * but in a text box), or a link with ?lecture=1 (a prepared link opens in it; ?lecture=0 does
 * not). It stays on while the class moves between pages (this tab's sessionStorage). The
 * look is CSS only (body.lecture in style.css); Plotly figures are told to fit their boxes anew.
 */
(function () {
  "use strict";
  const STORAGE = "playground-lecture";
  let keyBound = false;

  function isOn() { return document.body.classList.contains("lecture"); }

  function set(on) {
    document.body.classList.toggle("lecture", on);
    try { sessionStorage.setItem(STORAGE, on ? "1" : "0"); } catch (error) { /* private mode: this page only */ }
    const button = document.getElementById("lecture-toggle");
    if (button) button.setAttribute("aria-pressed", on ? "true" : "false");
    // Figures and canvases measure their boxes: let them redraw at the new size.
    window.dispatchEvent(new Event("resize"));
  }

  function initial() {
    const flag = new URLSearchParams(window.location.search).get("lecture");
    if (flag === "1" || flag === "0") return flag === "1";
    try { return sessionStorage.getItem(STORAGE) === "1"; } catch (error) { return false; }
  }

  function onKey(event) {
    if (event.key !== "l" && event.key !== "L") return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    set(!isOn());
  }

  window.lectureMode = {
    isOn: isOn,
    set: set,
    /** The button's clientside callback: its first call (no clicks) applies the link or the tab's choice. */
    clicked: function (clicks) {
      if (!keyBound) {
        // The app's root element, not the document: the key belongs to this app alone.
        const root = document.querySelector(".app");
        if (root) { root.addEventListener("keydown", onKey); keyBound = true; }
      }
      set(clicks ? !isOn() : initial());
      return "lecture mode";
    },
  };
})();

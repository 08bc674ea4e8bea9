/*
 * Messages that carry their kind (error, warning, success, info): the browser's twin of
 * playground/app/ui/components.py's said(). The colour and the mark before the text (✗ ⚠ ✓) come
 * from assets/messages.css, so a reader who cannot tell red from green still sees which it is.
 */
(function (root) {
  "use strict";

  const modules = root.neuralModules = root.neuralModules || {};
  const KINDS = ["error", "warning", "success", "info"];

  function className(kind) {
    if (!KINDS.includes(kind)) throw new Error("unknown message kind " + kind + "; the kinds are: " + KINDS.join(", "));
    return "said said-" + kind;
  }

  /** A message as Dash children (for set_props or a clientside callback): a span of its kind; "" stays "". */
  function said(text, kind) {
    const name = className(kind);
    return text ? { type: "Span", namespace: "dash_html_components", props: { children: text, className: name } } : "";
  }

  /** Write a message of ``kind`` into a page element directly (no Dash round trip); "" empties it. */
  function sayIn(element, text, kind) {
    if (!element) return;
    const name = className(kind);
    if (!text) { element.textContent = ""; return; }
    const span = document.createElement("span");
    span.className = name;
    span.textContent = text;
    element.replaceChildren(span);
  }

  modules.messages = { said, sayIn, KINDS };
})(window);

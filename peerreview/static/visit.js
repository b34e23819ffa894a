// Conversation page: select a passage of the notes and use it as a quote. Without this file the passage
// can be typed or pasted into the form, which is also how keyboard users work.
"use strict";

(() => {
  const source = document.querySelector("[data-quote-source]");
  const form = document.getElementById("quote-form");
  if (!source || !form) return;
  const passage = form.querySelector("textarea[name=passage]");
  const button = document.createElement("button");
  button.type = "button";
  button.className = "secondary small";
  button.textContent = "Gebruik selectie als citaat";
  button.disabled = true;
  source.before(button);
  const selected = () => {
    const selection = window.getSelection();
    if (!selection || selection.isCollapsed || !source.contains(selection.anchorNode)) return "";
    return selection.toString().trim();
  };
  let last = "";
  document.addEventListener("selectionchange", () => {
    const text = selected();
    if (text) last = text;
    button.disabled = !last;
  });
  button.addEventListener("click", () => {
    if (!last) return;
    passage.value = last;
    passage.focus();
  });
})();

// Reacties op het concept: select a passage and it fills in the section and the passage of the form.
// Without this file the section is chosen and the passage typed or pasted (the server finds it).
"use strict";

(() => {
  const form = document.getElementById("comment-form");
  if (!form) return;
  const section = form.querySelector("select[name=section_key]");
  const quote = form.querySelector("textarea[name=quote]");
  const kind = form.querySelector("select[name=kind]");

  function onSelection() {
    const selection = window.getSelection();
    if (!selection || selection.isCollapsed || selection.rangeCount === 0) return;
    const node = selection.getRangeAt(0).commonAncestorContainer;
    const element = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
    const container = element?.closest("[data-section]");
    if (!container) return;
    const text = selection.toString().replace(/\s+/g, " ").trim();
    if (!text) return;
    section.value = container.dataset.section;
    quote.value = text;
  }

  // Only the fields that belong to the chosen kind are shown.
  function showFields() {
    for (const field of form.querySelectorAll("[data-for-kind]")) {
      field.hidden = !field.dataset.forKind.split(" ").includes(kind.value);
    }
  }

  document.addEventListener("mouseup", () => setTimeout(onSelection, 0));
  document.addEventListener("keyup", (event) => { if (event.shiftKey) onSelection(); });
  kind.addEventListener("change", showFields);
  showFields();
})();

// Review workspace: turn a text selection into an annotation form.
// Without this file, reviewers choose the answer and type or paste the passage (server finds it).
// Needs selection.js (loaded before it).
"use strict";

(() => {
  const form = document.getElementById("annotation-form");
  if (!form) return;
  const start = form.querySelector("input[name=start]");
  const end = form.querySelector("input[name=end]");
  const question = form.querySelector("select[name=question_key]");
  const quote = form.querySelector("textarea[name=quote]");

  // Offsets of the selection in the answer's plain text (the container's textContent is that text).
  const offsetIn = window.PeerSelection.offsetIn; // selection.js

  let button = null;
  function hideButton() { button?.remove(); button = null; }

  function onSelection() {
    const selection = window.getSelection();
    if (!selection || selection.isCollapsed || selection.rangeCount === 0) return;
    const range = selection.getRangeAt(0);
    const container = range.commonAncestorContainer.nodeType === Node.ELEMENT_NODE
      ? range.commonAncestorContainer.closest(".answer-text")
      : range.commonAncestorContainer.parentElement?.closest(".answer-text");
    if (!container) return;
    let s = offsetIn(container, range.startContainer, range.startOffset);
    let e = offsetIn(container, range.endContainer, range.endOffset);
    const text = container.textContent;
    // Trim whitespace and the highlight numbers' digits at the edges are part of text; keep as selected.
    while (s < e && /\s/.test(text[s])) s += 1;
    while (e > s && /\s/.test(text[e - 1])) e -= 1;
    if (e <= s) return;
    // The numbered links after highlights are not part of the answer: recompute without them.
    const clean = plainOffsets(container, s, e);
    start.value = clean.start;
    end.value = clean.end;
    question.value = container.dataset.question;
    quote.value = clean.text;
    hideButton();
    button = document.createElement("button");
    button.type = "button";
    button.className = "small annotate-here";
    button.textContent = "Aantekening maken bij deze passage";
    button.addEventListener("click", () => {
      hideButton();
      form.scrollIntoView({ block: "start" });
      form.querySelector("input[name=themes]").focus();
    });
    container.after(button);
  }

  // Map offsets in textContent (which includes the reference numbers) to the answer's own text.
  function plainOffsets(container, s, e) {
    let visible = 0;
    let plain = 0;
    let ps = null;
    let pe = null;
    let out = "";
    const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode;
      // the reference numbers and a table's header row are in the page, not in the answer
      const isRef = node.parentElement.closest(".hl-ref, [data-not-answer]") !== null;
      for (const ch of node.textContent) {
        if (visible === s && ps === null && !isRef) ps = plain;
        if (visible >= s && visible < e && !isRef) out += ch;
        visible += 1;
        if (!isRef) plain += 1;
        if (visible === e && pe === null) pe = plain;
      }
    }
    return { start: ps ?? 0, end: pe ?? plain, text: out };
  }

  document.addEventListener("mouseup", () => setTimeout(onSelection, 0));
  document.addEventListener("keyup", (event) => { if (event.shiftKey) onSelection(); });
  quote.addEventListener("input", () => { start.value = ""; end.value = ""; });
  question.addEventListener("change", () => { start.value = ""; end.value = ""; });

  // "n" (outside a field, no modifier) jumps to the form: it is many Tab stops below the top.
  document.addEventListener("keydown", (event) => {
    if (event.key !== "n" || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest("input, textarea, select, [contenteditable]")) return;
    event.preventDefault();
    form.scrollIntoView({ block: "start" });
    question.focus();
  });

  // Jumping to a highlight or annotation moves focus there too (for screen readers).
  window.addEventListener("hashchange", () => {
    const target = document.getElementById(location.hash.slice(1));
    if (target && target.tabIndex < 0) target.focus();
  });
})();

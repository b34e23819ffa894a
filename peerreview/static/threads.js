// Rode draden workspace: a text selection in a passage fills in that passage's quote form (the quote and
// its offsets), so "Toevoegen als onderbouwing / tegenbewijs" adds exactly the selected text.
// Without this file the quote is typed or pasted (the server finds it in the passage) or left empty (the
// whole passage). Needs selection.js.
"use strict";

(() => {
  if (!window.PeerSelection || !document.querySelector(".passage-text")) return;

  function onSelection() {
    const found = window.PeerSelection.within(".passage-text");
    if (!found) return;
    const form = found.container.closest("article")?.querySelector("form.evidence-form");
    if (!form) return;
    form.querySelector("textarea[name=exact]").value = found.text;
    form.querySelector("input[name=start]").value = found.start;
    form.querySelector("input[name=end]").value = found.end;
    form.classList.add("has-selection");
  }

  document.addEventListener("mouseup", () => setTimeout(onSelection, 0));
  document.addEventListener("keyup", (event) => { if (event.shiftKey) onSelection(); });
  // A typed quote has no offsets: the server finds it in the passage.
  document.querySelectorAll("form.evidence-form textarea[name=exact]").forEach((field) => {
    field.addEventListener("input", () => {
      field.form.querySelector("input[name=start]").value = "";
      field.form.querySelector("input[name=end]").value = "";
    });
  });
})();

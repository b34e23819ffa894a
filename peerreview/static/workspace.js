// The portret section's writing workspace: "Invoegen" puts an evidence item as a cited block into the
// text (the rich text editor, or the plain textarea), at the end, and says so. Without this file the
// item's HTML can be copied from its "HTML om te kopiëren" box; the server does the rest on saving.
"use strict";

(() => {
  const panel = document.querySelector(".workspace-panel");
  const textarea = document.querySelector("textarea#html");
  if (!panel || !textarea) return;
  const status = panel.querySelector("[data-workspace-status]");
  panel.querySelectorAll(".js-only").forEach((el) => { el.hidden = false; });
  panel.querySelectorAll(".no-js, .ws-copy").forEach((el) => { el.hidden = true; });

  function insert(block) {
    const area = textarea.editor; // set by richtext.js
    if (area) {
      area.insertAdjacentHTML("beforeend", block);
      textarea.value = area.innerHTML;
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
      const last = area.lastElementChild;
      if (last) last.scrollIntoView({ block: "nearest" });
    } else {
      textarea.value = `${textarea.value.trimEnd()}\n${block}`;
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    }
  }

  panel.querySelectorAll(".ws-insert").forEach((button) => {
    button.hidden = false;
    button.addEventListener("click", () => {
      insert(button.dataset.block);
      button.textContent = "Ingevoegd";
      if (status) status.textContent = "Het fragment staat nu onderaan de tekst. Sla op om het te bewaren.";
    });
  });
})();

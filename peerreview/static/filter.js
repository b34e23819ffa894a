// A filter box for a long list of checkboxes ([data-filter-list] names the list's id). Without this
// file the list is a plain list and the box stays hidden. Checked boxes stay visible, so a choice
// made earlier never disappears from sight.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-filter-list]").forEach((box) => {
    const list = document.getElementById(box.dataset.filterList);
    const input = box.querySelector("input");
    const status = box.querySelector("[role=status]");
    if (!list || !input) return;
    const items = Array.from(list.querySelectorAll(".choice"));
    box.hidden = false;
    const apply = () => {
      const text = input.value.trim().toLocaleLowerCase("nl");
      let shown = 0;
      items.forEach((item) => {
        const checked = item.querySelector("input:checked") !== null;
        const match = !text || item.textContent.toLocaleLowerCase("nl").includes(text) || checked;
        item.hidden = !match;
        if (match) shown += 1;
      });
      if (status) status.textContent = text ? `${shown} van ${items.length} gemeenten zichtbaar` : "";
    };
    input.addEventListener("input", apply);
    // Enter in the filter would submit the form of checkboxes: filter instead.
    input.addEventListener("keydown", (event) => { if (event.key === "Enter") { event.preventDefault(); apply(); } });
  });
});

// Portret page: while the draft is being compiled, follow its progress without reloading the page.
// Without this file a <noscript> refresh reloads the page every few seconds instead.
"use strict";

(() => {
  const box = document.querySelector("[data-generation-status]");
  if (!box) return;
  const bar = box.querySelector("progress");
  const text = box.querySelector("[data-step]");
  const poll = async () => {
    try {
      const response = await fetch(box.dataset.generationStatus, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (!response.ok) throw new Error(response.status);
      const data = await response.json();
      if (data.status === "queued" || data.status === "running") {
        bar.value = data.progress;
        bar.textContent = `${data.progress} %`;
        text.textContent = `${data.progress} % — ${data.step}`;
        window.setTimeout(poll, 1000);
      } else {
        window.location.reload();
      }
    } catch (error) {
      window.setTimeout(() => window.location.reload(), 3000);
    }
  };
  window.setTimeout(poll, 1000);
})();

// Uploads: refuse a file over the limit before sending it, so the form stays as it is. The limit comes
// from the server (data-max-bytes on the file field); without JavaScript the server checks the same.
(function () {
  "use strict";

  function sizeText(bytes) {
    const tenths = Math.ceil((bytes * 10) / (1024 * 1024));
    const whole = Math.floor(tenths / 10), tenth = tenths % 10;
    return (tenth ? whole + "," + tenth : String(whole)) + " MB";
  }

  function check(input) {
    const max = Number(input.dataset.maxBytes);
    const error = document.getElementById(input.id + "-error");
    const file = input.files && input.files[0];
    const tooLarge = Boolean(file && max && file.size > max);
    const message = tooLarge
      ? "Het bestand ‘" + file.name + "’ is " + sizeText(file.size) + "; het maximum is " + input.dataset.maxText +
        ". Verklein het bestand of splits het op."
      : "";
    input.setCustomValidity(message);
    if (error) {
      error.textContent = message;
      error.hidden = !tooLarge;
      input.closest(".field").classList.toggle("field-error", tooLarge);
      const described = (input.getAttribute("aria-describedby") || "").split(" ").filter((id) => id && id !== error.id);
      if (tooLarge) described.push(error.id);
      input.setAttribute("aria-describedby", described.join(" "));
    }
    return !tooLarge;
  }

  document.querySelectorAll("input[type=file][data-max-bytes]").forEach((input) => {
    input.addEventListener("change", () => check(input));
    input.form.addEventListener("submit", (event) => {
      if (!check(input)) {
        event.preventDefault();
        input.focus();
      }
    });
  });
})();

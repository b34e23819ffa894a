// Small, optional enhancements; every page works without this file.
"use strict";

// Unsaved drafts live in this browser's localStorage under "peerreview:u<user id>:...", so on a shared
// PC one user never sees another's text. draftKey() gives the key for the signed-in user.
const DRAFTS = "peerreview:";
window.draftKey = (rest) => `${DRAFTS}u${document.body.dataset.user}:${rest}`;

function clearDrafts(keep) {
  try {
    Object.keys(localStorage)
      .filter((key) => key.startsWith(DRAFTS) && !(keep && key.startsWith(keep)))
      .forEach((key) => localStorage.removeItem(key));
  } catch (e) { /* storage blocked: nothing stored either */ }
}

// A signed-in page removes every other user's drafts (and unkeyed ones from older versions): when a
// different user logs in on this browser, the previous user's text is gone. The same user coming back
// after an idle logout finds theirs.
if (document.body && document.body.dataset.user) clearDrafts(window.draftKey(""));
document.addEventListener("DOMContentLoaded", () => {
  // Move focus to an error summary so keyboard and screen-reader users hear what went wrong.
  const summary = document.querySelector("[data-focus-on-load]");
  if (summary) summary.focus();

  // Logging out removes this app's drafts from the browser.
  document.querySelectorAll("form[data-clear-drafts]").forEach((form) => {
    form.addEventListener("submit", () => clearDrafts(null));
  });

  // Ask before destructive actions.
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
});

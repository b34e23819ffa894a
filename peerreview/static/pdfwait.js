// The PDF waiting page: ask quietly whether the PDF is ready (HEAD: 200 when it is, 202 while it is
// being made, with its job's state in X-Job-State) and open it then. Nothing on the page moves meanwhile, so a screen reader keeps its place;
// without JavaScript the page has a link to look again.
(function () {
  "use strict";
  var status = document.querySelector("[data-pdf-wait]");
  if (!status || !window.fetch) return;
  var url = status.getAttribute("data-pdf-wait");
  var tries = 0;
  function check() {
    tries += 1;
    fetch(url, { method: "HEAD", credentials: "same-origin" }).then(function (response) {
      var state = response.headers.get("X-Job-State");
      if (response.status === 200) {
        window.location.assign(url);
      } else if (response.status === 202 && (state === "waiting" || state === "running") && tries < 200) {
        window.setTimeout(check, 3000);
      } else {
        window.location.reload(); // failed or interrupted: the page says so and offers to start again
      }
    }).catch(function () { window.setTimeout(check, 10000); });
  }
  window.setTimeout(check, 3000);
})();

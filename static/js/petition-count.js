// The opprop's live count. The campaign page may be a stored copy a little older than the
// count (spero_site/page_cache.py), so the count and the progress bar are brought up to date
// from count.json when the page opens, and again every minute while it is in view. Without
// this script the page still shows the count it was made with.
(function () {
  "use strict";
  var progress = document.querySelector("[data-petition-count-url]");
  if (!progress || !window.fetch) {
    return;
  }
  var url = progress.getAttribute("data-petition-count-url");
  var number = progress.querySelector(".progress__count strong");
  var bar = progress.querySelector("progress");
  var REFRESH_MS = 60 * 1000;

  function show(values) {
    // The sentence around the number is the same for every count in Norwegian.
    if (number) {
      number.textContent = values.count_text;
    }
    if (bar) {
      bar.value = values.percent;
      bar.textContent = values.percent + " %";
    }
  }

  function refresh() {
    fetch(url, { cache: "no-cache", credentials: "omit" })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (values) {
        if (values) {
          show(values);
        }
      })
      .catch(function () {
        // Offline or the server away: the count shown stays.
      });
  }

  refresh();
  window.setInterval(function () {
    if (document.visibilityState === "visible") {
      refresh();
    }
  }, REFRESH_MS);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") {
      refresh();
    }
  });
})();

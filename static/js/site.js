// Small enhancements; every page works without them.
(function () {
  "use strict";

  // A form with errors: the summary at the top takes the focus (GOV.UK pattern).
  function focusErrorSummary() {
    var summary = document.querySelector(".error-summary");
    if (summary) { summary.focus(); }
  }

  // The booking wizard forgets its data after a while: warn shortly before, offer more time.
  var WARN_SECONDS = 5 * 60;

  function sessionTimer(box) {
    var deadline = Date.now() + Number(box.dataset.expiresIn) * 1000;
    var warning = box.querySelector(".session-warning");
    var expired = box.querySelector(".session-expired");
    var countdown = box.querySelector(".session-countdown");
    var form = box.querySelector(".session-extend");
    var template = box.dataset.countdown || "";

    function tick() {
      var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      warning.hidden = left === 0 || left > WARN_SECONDS;
      expired.hidden = left > 0;
      var minutes = Math.ceil(left / 60);
      countdown.textContent = template.replace("%(minutes)s", String(minutes));
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { "Accept": "application/json" },
        credentials: "same-origin"
      }).then(function (response) { return response.json(); }).then(function (data) {
        deadline = Date.now() + Number(data.expires_in) * 1000;
        tick();
        var note = box.querySelector(".session-timer-note");
        note.textContent = (box.dataset.extended || "").replace(
          "%(minutes)s", String(Math.round(Number(data.expires_in) / 60)));
        note.focus();
      });
    });
    tick();
    window.setInterval(tick, 5000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusErrorSummary();
    document.querySelectorAll(".session-timer").forEach(sessionTimer);
  });
})();

// Ticket page: a print button, and back to the kiosk start after a while.
(function () {
  "use strict";
  document.querySelectorAll("[data-kz-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  // At the kiosk, "Fertig" (pressed or not) brings the next visitor a German start page.
  var restart = document.querySelector("[data-kz-return-form]");
  if (restart) {
    window.setTimeout(function () { restart.submit(); }, 60000);
  }
  var back = document.querySelector("[data-kz-return]");
  if (back && back.href.indexOf("/kiosk/") !== -1) {
    window.setTimeout(function () { window.location.href = back.href; }, 60000);
  }
})();

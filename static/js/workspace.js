// Staff pages of the working day: a print button (without JavaScript the browser's own print works).
document.querySelectorAll("[data-ws-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});

// Waiting-room display: polls the feed every 2 s with ETag (304 when unchanged), flashes new
// calls, plays a short gong (Web Audio, no file) and announces them in an aria-live region.
// A failed poll shows a notice and simply tries again; nothing is lost.
(function () {
  "use strict";
  var root = document.getElementById("kz-calls");
  if (!root) { return; }
  var rows = root.querySelector("[data-kz-rows]");
  var announce = document.querySelector("[data-kz-announce]");
  var offline = document.querySelector("[data-kz-offline]");
  var soundButton = document.querySelector("[data-kz-sound]");
  var url = root.dataset.feedUrl;
  var etag = '"' + root.dataset.version + '"';
  var seen = {};
  rows.querySelectorAll("tr[data-key]").forEach(function (tr) { seen[tr.dataset.key] = true; });
  var audio = null;

  function ensureAudio() {
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) { return null; }
    if (!audio) { audio = new Ctx(); }
    if (audio.state === "suspended") { audio.resume(); }
    return audio;
  }

  function gong() {
    var ctx = ensureAudio();
    if (!ctx || ctx.state !== "running") { if (soundButton) { soundButton.hidden = false; } return; }
    [659.25, 523.25].forEach(function (freq, i) {
      var osc = ctx.createOscillator();
      var gain = ctx.createGain();
      var start = ctx.currentTime + i * 0.45;
      osc.type = "sine";
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, start);
      gain.gain.exponentialRampToValueAtTime(0.5, start + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + 1.2);
      osc.connect(gain).connect(ctx.destination);
      osc.start(start);
      osc.stop(start + 1.3);
    });
  }

  if (soundButton) {
    soundButton.addEventListener("click", function () { ensureAudio(); soundButton.hidden = true; });
  }

  function cell(text, cls) {
    var td = document.createElement("td");
    td.textContent = text;
    if (cls) { td.className = cls; }
    return td;
  }

  function render(feed) {
    var fresh = [];
    rows.textContent = "";
    if (!feed.calls.length) {
      var empty = document.createElement("tr");
      empty.className = "kz-empty";
      var td = cell(root.dataset.labelEmpty);
      td.colSpan = 3;
      empty.appendChild(td);
      rows.appendChild(empty);
    }
    feed.calls.forEach(function (call, index) {
      var tr = document.createElement("tr");
      tr.dataset.key = call.key;
      if (index === 0) { tr.classList.add("kz-latest"); }
      if (!seen[call.key]) { tr.classList.add("kz-flash"); fresh.push(call); seen[call.key] = true; }
      tr.appendChild(cell(call.number, "kz-call-number"));
      var arrow = cell("→");
      arrow.setAttribute("aria-hidden", "true");
      tr.appendChild(arrow);
      tr.appendChild(cell(call.desk, "kz-call-desk"));
      rows.appendChild(tr);
    });
    if (fresh.length) {
      announce.textContent = fresh.map(function (c) {
        return c.number + " " + root.dataset.labelTo + " " + c.desk;
      }).join(". ");
      gong();
    }
  }

  function poll() {
    // A half-open connection would leave fetch pending for ever and stop the board: give up
    // after 5 s and poll again.
    var controller = "AbortController" in window ? new AbortController() : null;
    var timer = controller ? window.setTimeout(function () { controller.abort(); }, 5000) : null;
    fetch(url, { headers: { "If-None-Match": etag }, cache: "no-store", signal: controller ? controller.signal : undefined })
      .then(function (response) {
        offline.hidden = true;
        if (response.status === 304) { return null; }
        if (!response.ok) { throw new Error(String(response.status)); }
        etag = response.headers.get("ETag") || etag;
        return response.json();
      })
      .then(function (feed) { if (feed) { render(feed); } })
      .catch(function () { offline.hidden = false; })
      .finally(function () {
        if (timer) { window.clearTimeout(timer); }
        window.setTimeout(poll, 2000);
      });
  }
  window.setTimeout(poll, 2000);
})();

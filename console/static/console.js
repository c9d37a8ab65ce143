// The console's only script: live queue and chat over server-sent events, the emergency alert (title,
// favicon count, a sound after the first click, repeated until seen), countdowns and keyboard shortcuts.
// No message text ever goes into a notification: the queue carries codes and labels only.
(function () {
  "use strict";
  var baseTitle = document.title;
  var audio = null;        // AudioContext, created on the first click (browsers require a user gesture)
  var unseen = 0;          // new emergencies since the user last interacted
  var lastEmergencies = null;
  var repeat = null;

  function unlockSound() {
    if (!audio) {
      var Ctx = window.AudioContext || window.webkitAudioContext;
      if (Ctx) { audio = new Ctx(); }
      var hint = document.getElementById("sound-hint");
      if (hint) { hint.textContent = "Bunyi peringatan aktif."; }
    }
    seen();
  }
  function beep() {
    if (!audio) { return; }
    var osc = audio.createOscillator(), gain = audio.createGain();
    osc.frequency.value = 880; gain.gain.value = 0.2;
    osc.connect(gain); gain.connect(audio.destination);
    osc.start(); osc.stop(audio.currentTime + 0.35);
  }
  function favicon(count) {
    var link = document.getElementById("favicon");
    if (!link) { return; }
    if (!count) { link.href = "data:,"; return; }
    var c = document.createElement("canvas"); c.width = c.height = 32;
    var g = c.getContext("2d");
    g.fillStyle = "#b00020"; g.beginPath(); g.arc(16, 16, 16, 0, 2 * Math.PI); g.fill();
    g.fillStyle = "#fff"; g.font = "bold 20px sans-serif"; g.textAlign = "center"; g.textBaseline = "middle";
    g.fillText(count > 9 ? "9+" : String(count), 16, 17);
    link.href = c.toDataURL("image/png");
  }
  function showAlert(emergencies) {
    document.title = emergencies ? "(" + emergencies + ") DARURAT · " + baseTitle : baseTitle;
    favicon(emergencies);
  }
  function seen() {
    unseen = 0;
    if (repeat) { clearInterval(repeat); repeat = null; }
  }
  document.addEventListener("click", unlockSound);
  document.addEventListener("keydown", function () { if (audio) { seen(); } });

  // ---- live queue
  var rows = document.getElementById("queue-rows");
  if (rows) {
    var table = document.getElementById("queue");
    lastEmergencies = parseInt(table.getAttribute("data-emergencies") || "0", 10);
    showAlert(lastEmergencies);
    var status = document.getElementById("live-status");
    var es = new EventSource("/console/queue/events");
    es.addEventListener("queue", function (e) {
      var d = JSON.parse(e.data);
      var selected = currentCode();
      rows.innerHTML = d.html;
      select(selected);
      showAlert(d.emergencies);
      if (d.emergencies > lastEmergencies) {
        unseen += d.emergencies - lastEmergencies;
        status.textContent = "Kasus darurat baru: " + d.emergencies + " menunggu.";
        beep();
        if (!repeat) { repeat = setInterval(function () { if (unseen) { beep(); } }, 10000); }
      }
      lastEmergencies = d.emergencies;
    });
    // keyboard: j / k next / previous, Enter opens
    var index = -1;
    function items() { return Array.prototype.slice.call(rows.querySelectorAll("tr[data-code]")); }
    function currentCode() { var it = items()[index]; return it ? it.getAttribute("data-code") : null; }
    function select(code) {
      var list = items();
      list.forEach(function (tr) { tr.classList.remove("selected"); });
      index = code ? list.findIndex(function (tr) { return tr.getAttribute("data-code") === code; }) : index;
      if (list[index]) { list[index].classList.add("selected"); list[index].querySelector("a").focus(); }
    }
    document.addEventListener("keydown", function (e) {
      if (e.target.matches("input, textarea, select")) { return; }
      var list = items();
      if (e.key === "j") { index = Math.min(list.length - 1, index + 1); select(null); }
      if (e.key === "k") { index = Math.max(0, index - 1); select(null); }
    });
  }

  // ---- live chat on a case page
  var transcript = document.getElementById("transcript");
  if (transcript) {
    transcript.scrollTop = transcript.scrollHeight;
    var code = transcript.getAttribute("data-code");
    var after = transcript.getAttribute("data-last") || "0";
    var chat = new EventSource("/console/cases/" + encodeURIComponent(code) + "/events?after=" + after);
    chat.addEventListener("messages", function (e) {
      var d = JSON.parse(e.data);
      transcript.insertAdjacentHTML("beforeend", d.html);
      transcript.setAttribute("data-last", d.last);
      transcript.scrollTop = transcript.scrollHeight;
    });
    var text = document.getElementById("chat-text");
    if (text) {
      text.addEventListener("keydown", function (e) {
        if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); if (text.value.trim()) { text.form.submit(); } }
      });
    }
    document.addEventListener("keydown", function (e) {
      if (e.target.matches("input, textarea, select") || e.ctrlKey || e.metaKey || e.altKey) { return; }
      if (e.key === "n") { e.preventDefault(); document.getElementById("note-text").focus(); }
      if (e.key === "a") { var b = document.getElementById("claim"); if (b) { b.click(); } }
      if (e.key === "c") { var o = document.getElementById("outcome"); if (o) { e.preventDefault(); o.focus(); } }
    });
  }

  // ---- UU TPKS countdowns
  function tick() {
    document.querySelectorAll(".countdown").forEach(function (el) {
      var left = new Date(el.getAttribute("data-due")) - new Date();
      var h = Math.floor(Math.abs(left) / 3600000), m = Math.floor(Math.abs(left) % 3600000 / 60000);
      el.textContent = left >= 0 ? "sisa " + h + " jam " + m + " menit" : "lewat " + h + " jam " + m + " menit";
      el.classList.toggle("late", left < 0);
    });
  }
  tick(); setInterval(tick, 30000);
})();

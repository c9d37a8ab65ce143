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
      cannedReplies(text);
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

  // ---- canned replies: "/" in the chat box lists the region's and the national replies, filtered as you
  // type; arrows move, Enter or Tab inserts the text in place of "/word" to edit before sending, Escape closes.
  // Registered before the Enter-sends handler so that Enter picks a reply while the list is open.
  function cannedReplies(text) {
    var data = document.getElementById("canned-data"), list = document.getElementById("canned-list");
    if (!data || !list) { return; }
    var canned = JSON.parse(data.textContent || "[]");
    var shown = [], active = 0, slash = -1;
    function query() {
      var upto = text.value.slice(0, text.selectionStart);
      var m = /(^|\s)\/([^\s\/]*)$/.exec(upto);
      if (!m) { return null; }
      slash = upto.length - m[2].length - 1;
      return m[2].toLowerCase();
    }
    function close() {
      list.hidden = true; list.innerHTML = ""; shown = []; active = 0;
      text.setAttribute("aria-expanded", "false"); text.removeAttribute("aria-activedescendant");
    }
    function render(q) {
      shown = canned.filter(function (r) {
        return (r.key + " " + r.title + " " + r.text).toLowerCase().indexOf(q) !== -1;
      });
      if (!shown.length) { close(); return; }
      active = Math.min(Math.max(active, 0), shown.length - 1);
      list.innerHTML = "";
      shown.forEach(function (r, i) {
        var li = document.createElement("li"), head = document.createElement("strong");
        var body = document.createElement("span");
        li.id = "canned-" + i; li.setAttribute("role", "option");
        li.setAttribute("aria-selected", i === active ? "true" : "false");
        head.textContent = "/" + r.key + " · " + r.title; body.textContent = r.text;
        li.appendChild(head); li.appendChild(body);
        li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(i); });
        list.appendChild(li);
      });
      list.hidden = false;
      text.setAttribute("aria-expanded", "true"); text.setAttribute("aria-activedescendant", "canned-" + active);
    }
    function choose(i) {
      var r = shown[i];
      if (!r) { return; }
      var caret = text.selectionStart;
      text.value = text.value.slice(0, slash) + r.text + text.value.slice(caret);
      var pos = slash + r.text.length;
      close(); text.focus(); text.setSelectionRange(pos, pos);
    }
    text.addEventListener("input", function () {
      var q = query();
      active = 0;
      if (q === null) { close(); } else { render(q); }
    });
    text.addEventListener("keydown", function (e) {
      if (list.hidden) { return; }
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        active = (active + (e.key === "ArrowDown" ? 1 : -1) + shown.length) % shown.length;
        var q = query();
        render(q === null ? "" : q);
      } else if (e.key === "Enter" || e.key === "Tab") {
        e.preventDefault(); e.stopImmediatePropagation(); choose(active);
      } else if (e.key === "Escape") {
        e.preventDefault(); close();
      }
    });
    text.addEventListener("blur", close);
    text.setAttribute("data-canned", String(canned.length));  // ready (the script is deferred)
  }

  // ---- review inbox: one key per label outside fields (the selects carry their keys in data-keys), Enter
  // confirms, x discards, i goes to the intent, j / k next / previous; the list takes j / k and Enter.
  var reviewForm = document.getElementById("review-form");
  if (reviewForm) {
    var said = document.getElementById("review-status");
    var keyed = Array.prototype.slice.call(reviewForm.querySelectorAll("select[data-keys]"));
    document.addEventListener("keydown", function (e) {
      if (e.target.matches("input, textarea, select") || e.ctrlKey || e.metaKey || e.altKey) { return; }
      if (e.key === "Enter") {
        if (e.target.matches("a, button, summary")) { return; }  // their own Enter
        e.preventDefault(); document.getElementById("confirm").click(); return;
      }
      if (e.key === "j" || e.key === "k") {
        var go = document.getElementById(e.key === "j" ? "next" : "prev");
        if (go) { e.preventDefault(); go.click(); }
        return;
      }
      if (e.key === "x") { e.preventDefault(); document.getElementById("discard").click(); return; }
      if (e.key === "i") { e.preventDefault(); document.getElementById("intent").focus(); return; }
      keyed.forEach(function (sel) {
        var value = JSON.parse(sel.getAttribute("data-keys"))[e.key];
        if (value) {
          e.preventDefault();
          sel.value = value;
          var label = document.querySelector("label[for='" + sel.id + "']");
          said.textContent = (label ? label.textContent : sel.name) + ": " + sel.options[sel.selectedIndex].text;
        }
      });
    });
    reviewForm.setAttribute("data-ready", "1");  // the script is deferred: tests wait for this
  }
  var reviewRows = document.getElementById("review-items");
  if (reviewRows) {
    var at = -1;
    document.addEventListener("keydown", function (e) {
      if (e.target.matches("input, textarea, select") || e.ctrlKey || e.metaKey || e.altKey) { return; }
      var list = Array.prototype.slice.call(reviewRows.querySelectorAll("tr[data-id]"));
      if (e.key !== "j" && e.key !== "k") { return; }
      at = e.key === "j" ? Math.min(list.length - 1, at + 1) : Math.max(0, at - 1);
      list.forEach(function (tr) { tr.classList.remove("selected"); });
      if (list[at]) { list[at].classList.add("selected"); list[at].querySelector("a").focus(); }
    });
    reviewRows.setAttribute("data-ready", "1");
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

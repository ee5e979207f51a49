// The alert board, live: reads the API's event stream (same origin, the
// session cookie) and puts each new alert at the top of the table, with the
// same Acknowledge form as the rows the server rendered, and each reminder
// or notice in a short list. Without this script the board still works; it
// just needs a reload.
(function () {
  "use strict";
  var status = document.getElementById("live-status");
  var body = document.getElementById("alerts-open");
  var rowTpl = document.getElementById("alert-row-template");
  var labelTpl = document.getElementById("alert-labels");
  if (!status || !body || !rowTpl || !window.EventSource) { return; }
  var streamURL = status.getAttribute("data-stream") || "/api/v1/alerts/stream";
  var en = document.documentElement.lang === "en";

  function label(key, fallback) {
    var el = labelTpl && labelTpl.content.querySelector('[data-key="' + key + '"]');
    return el ? el.textContent : (fallback || "");
  }

  // Vietnam time, as the server writes it: "15:04 02/01/2006" or
  // "2 Jan 2006 15:04".
  var fmt = null;
  try {
    fmt = new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Ho_Chi_Minh", year: "numeric", month: en ? "short" : "2-digit",
      day: en ? "numeric" : "2-digit", hour: "2-digit", minute: "2-digit", hour12: false });
  } catch (e) { fmt = null; }
  function when(iso) {
    var d = new Date(iso);
    if (!fmt || isNaN(d)) { return iso || ""; }
    var p = {};
    fmt.formatToParts(d).forEach(function (x) { p[x.type] = x.value; });
    var hm = p.hour + ":" + p.minute;
    return en ? p.day + " " + p.month + " " + p.year + " " + hm : hm + " " + p.day + "/" + p.month + "/" + p.year;
  }

  function slot(root, name) { return root.querySelector('[data-slot="' + name + '"]'); }
  function setText(root, name, text) { var el = slot(root, name); if (el) { el.textContent = text || ""; } }
  function link(root, name, href) {
    var a = slot(root, name);
    if (a && href) { a.setAttribute("href", href); a.hidden = false; }
  }

  function addAlert(a) {
    if (!a || !/^[0-9a-fA-F-]+$/.test(a.id || "") || a.status === "acknowledged") { return; }
    if (body.querySelector('tr[data-alert-id="' + a.id + '"]')) { return; }
    var frag = rowTpl.content.cloneNode(true);
    var tr = frag.querySelector("tr");
    tr.setAttribute("data-alert-id", a.id);
    setText(tr, "time", when(a.created_at));
    setText(tr, "kind", label("kind." + a.kind, a.kind));
    setText(tr, "title", en && a.title_en ? a.title_en : a.title);
    setText(tr, "body", en && a.body_en ? a.body_en : a.body);
    setText(tr, "level", String(a.level || ""));
    setText(tr, "unit", label("unit." + a.unit_id, ""));
    setText(tr, "role", label("role." + a.recipient_role, a.recipient_role) + (a.recipient ? " · " + a.recipient : ""));
    if (a.task_id) { link(tr, "task", "/tasks/" + encodeURIComponent(a.task_id)); }
    if (a.dialogue_id) { link(tr, "dialogue", "/dialogues/" + encodeURIComponent(a.dialogue_id)); }
    var form = slot(tr, "ack");
    if (form) { form.setAttribute("action", "/alerts/" + encodeURIComponent(a.id) + "/ack"); }
    var empty = document.getElementById("alerts-empty");
    if (empty) { empty.parentNode.removeChild(empty); }
    body.insertBefore(frag, body.firstChild);
    var count = document.getElementById("alerts-open-count");
    if (count) { count.textContent = String((parseInt(count.textContent, 10) || 0) + 1); }
  }

  var notices = document.getElementById("live-notices");
  var noticesBox = document.getElementById("live-notices-box");
  function addNotice(kind, n) {
    if (!notices || !n) { return; }
    var li = document.createElement("li");
    li.className = "new";
    var head = document.createElement("strong");
    head.textContent = label(kind, kind) + " · " + when(n.created_at) + ": ";
    li.appendChild(head);
    li.appendChild(document.createTextNode(en && n.subject_en ? n.subject_en : (n.subject || "")));
    if (n.task_id) {
      li.appendChild(document.createTextNode(" "));
      var a = document.createElement("a");
      a.href = "/tasks/" + encodeURIComponent(n.task_id);
      a.textContent = label("task", "");
      li.appendChild(a);
    }
    notices.insertBefore(li, notices.firstChild);
    while (notices.children.length > 20) { notices.removeChild(notices.lastChild); }
    if (noticesBox) { noticesBox.hidden = false; }
  }

  function say(which) { status.textContent = status.getAttribute("data-msg-" + which) || ""; status.setAttribute("data-state", which); }

  function parse(ev) { try { return JSON.parse(ev.data); } catch (e) { return null; } }

  var retry = null;
  function connect() {
    say("connecting");
    var es = new EventSource(streamURL);
    es.addEventListener("open", function () { say("on"); });
    es.addEventListener("error", function () {
      say("off");
      // EventSource retries by itself unless the server refused the
      // stream; then try again a little later.
      if (es.readyState === EventSource.CLOSED && !retry) {
        retry = setTimeout(function () { retry = null; connect(); }, 10000);
      }
    });
    es.addEventListener("alert", function (ev) { addAlert(parse(ev)); });
    es.addEventListener("reminder", function (ev) { addNotice("reminder", parse(ev)); });
    es.addEventListener("notice", function (ev) { addNotice("notice", parse(ev)); });
  }
  connect();
})();

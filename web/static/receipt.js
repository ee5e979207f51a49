// doithoai receipt lookup: while the page is open, ask the public API every
// few seconds (data-poll-ms) what became of the receipt; when it changed,
// read this page again and swap in its live part (status, what happened,
// rating), so the holder sees an accepted result without reloading. The
// page works without this script.
(function () {
  "use strict";

  var live = document.getElementById("rc-live");
  if (!live || !window.fetch || !window.DOMParser) { return; }
  var url = live.getAttribute("data-poll-url");
  var every = parseInt(live.getAttribute("data-poll-ms"), 10);
  if (!url || !(every > 0)) { return; }

  // The same key as receiptStateKey in web/citizen.go.
  var stateKey = function (r) {
    var b = function (x) { return x ? "1" : "0"; };
    var p = [r.status, b(r.can_rate), r.rating ? "rated:" + b(r.rating.satisfied) : "-"];
    (r.opinions || []).forEach(function (o) {
      p.push(o.outcome);
      (o.conclusions || []).forEach(function (c) {
        (c.tasks || []).forEach(function (t) {
          p.push(t.status, b(t.overdue), t.due_at);
          if (t.result) { p.push(t.result.accepted_at); }
        });
      });
    });
    return p.join("|");
  };

  var current = function () { return document.getElementById("rc-live"); };

  // rerender reads this page again (in its language) and replaces the live
  // part; a comment being typed in the rating form is kept.
  var rerender = function () {
    var page = location.pathname + "?lang=" + encodeURIComponent(document.documentElement.lang || "vi");
    return fetch(page, { credentials: "same-origin", cache: "no-store" }).then(function (res) {
      if (!res.ok) { throw new Error("page " + res.status); }
      return res.text();
    }).then(function (html) {
      var doc = new DOMParser().parseFromString(html, "text/html");
      var fresh = doc.getElementById("rc-live");
      var old = current();
      if (!fresh || !old) { return; }
      var typed = old.querySelector("textarea[name=comment]");
      var node = document.importNode(fresh, true);
      var box = node.querySelector("textarea[name=comment]");
      if (typed && box && typed.value) { box.value = typed.value; }
      old.replaceWith(node);
      var said = document.getElementById("rc-announce");
      var status = node.querySelector("#rc-status-text");
      if (said && status) { said.textContent = status.textContent; }
    });
  };

  var tick = function () {
    var el = current();
    fetch(url, { credentials: "omit", cache: "no-store", headers: { Accept: "application/json" } }).then(function (res) {
      if (!res.ok) { throw new Error("receipt " + res.status); }
      return res.json();
    }).then(function (r) {
      if (el && stateKey(r) !== el.getAttribute("data-state")) { return rerender(); }
    }).catch(function () {
      // Offline or the server busy: try again at the next tick.
    }).then(function () {
      window.setTimeout(tick, every);
    });
  };
  window.setTimeout(tick, every);
})();

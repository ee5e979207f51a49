// doithoai dialogue page: the survey counts refresh every 10 seconds while
// the survey is open, and the survey link gets a copy button. The page
// works without this script.
(function () {
  "use strict";

  var live = document.getElementById("survey-live");
  var url = live && live.getAttribute("data-summary-url");
  if (url && window.fetch) {
    var total = document.getElementById("survey-total");
    var rows = document.getElementById("survey-fields");
    var updated = document.getElementById("survey-updated");
    var none = live.getAttribute("data-none") || "";
    var cell = function (tr, text) {
      var td = document.createElement("td");
      td.textContent = text;
      tr.appendChild(td);
    };
    var show = function (s) {
      if (!s || typeof s.total !== "number") { return; }
      if (total && total.textContent !== String(s.total)) {
        total.textContent = String(s.total);
        total.classList.remove("new");
        void total.offsetWidth; // restart the highlight
        total.classList.add("new");
      }
      if (rows) {
        while (rows.firstChild) { rows.removeChild(rows.firstChild); }
        var fields = s.by_field || [];
        if (fields.length === 0) {
          var tr = document.createElement("tr");
          var td = document.createElement("td");
          td.colSpan = 2;
          td.textContent = none;
          tr.appendChild(td);
          rows.appendChild(tr);
        }
        fields.forEach(function (f) {
          var tr = document.createElement("tr");
          cell(tr, f.field);
          cell(tr, String(f.count));
          rows.appendChild(tr);
        });
      }
      if (updated && s.computed_at) {
        var d = new Date(s.computed_at);
        if (!isNaN(d)) { updated.textContent = d.toLocaleTimeString(document.documentElement.lang === "en" ? "en-GB" : "vi-VN"); }
      }
      if (s.final) { window.clearInterval(timer); }
    };
    var refresh = function () {
      if (document.hidden) { return; }
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(show)
        .catch(function () { /* keep the last counts */ });
    };
    var timer = window.setInterval(refresh, 10000);
  }

  // A copy button next to the survey link.
  var link = document.getElementById("survey-link");
  if (link && navigator.clipboard) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "secondary";
    b.textContent = link.getAttribute("data-copy") || "Copy";
    var status = document.createElement("span");
    status.setAttribute("role", "status");
    status.className = "muted";
    b.addEventListener("click", function () {
      navigator.clipboard.writeText(link.value).then(function () {
        status.textContent = " " + (link.getAttribute("data-copied") || "");
      });
    });
    link.insertAdjacentElement("afterend", status);
    link.insertAdjacentElement("afterend", b);
  }
  if (link) {
    link.addEventListener("focus", function () { link.select(); });
  }
})();

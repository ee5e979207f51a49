// doithoai pages: small progressive enhancements; every page works
// without them.
(function () {
  "use strict";
  // Buttons with data-confirm ask before submitting their form.
  document.addEventListener("submit", function (ev) {
    var b = ev.submitter;
    var msg = (b && b.getAttribute("data-confirm")) || ev.target.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) { ev.preventDefault(); }
  });
  // Forms carry a fresh idempotency key so a double click or a resent
  // form applies once.
  document.querySelectorAll("form[method=post] input[name=idempotency_key]").forEach(function (i) {
    if (!i.value && window.crypto && crypto.randomUUID) { i.value = crypto.randomUUID(); }
  });
})();

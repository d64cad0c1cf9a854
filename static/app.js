// Progressive enhancement only: every page works without JavaScript.
document.querySelectorAll("button[data-copy]").forEach(function (b) {
  b.hidden = false;
  b.addEventListener("click", function () {
    navigator.clipboard.writeText(b.getAttribute("data-copy")).then(function () {
      var label = b.textContent; b.textContent = b.getAttribute("data-copied");
      setTimeout(function () { b.textContent = label; }, 1500);
    });
  });
});

// Practice form: "add a row" copies a dimension's last indicator row, numbered next, empty.
document.querySelectorAll("button.add-indicator").forEach(function (b) {
  b.hidden = false;
  b.addEventListener("click", function () {
    var body = b.parentNode.querySelector("tbody");
    var rows = body.querySelectorAll("tr");
    var last = rows[rows.length - 1];
    var row = last.cloneNode(true);
    var n = rows.length;
    row.querySelectorAll(".error").forEach(function (e) { e.remove(); });
    row.querySelectorAll("input").forEach(function (input) {
      input.name = input.name.replace(/-\d+-(\w+)$/, "-" + n + "-$1");
      if (input.id) { input.id = input.name; }
      input.value = "";
      input.removeAttribute("aria-invalid");
      input.removeAttribute("aria-describedby");
      var label = input.getAttribute("aria-label");
      if (label) { input.setAttribute("aria-label", label.replace(/\d+$/, String(n + 1))); }
    });
    body.appendChild(row);
    row.querySelector("input").focus();
  });
});

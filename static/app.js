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
    row.querySelectorAll("input, select").forEach(function (input) {
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

// Place search: a field marked data-places suggests communes as one types (GET /places?q=…);
// picking one fills the field and the coordinates fields it names. Without JavaScript the
// server looks the typed name up when the form is saved.
document.querySelectorAll("input[data-places]").forEach(function (input) {
  var list = document.getElementById(input.getAttribute("data-suggestions"));
  var lat = document.getElementById(input.getAttribute("data-latitude"));
  var lon = document.getElementById(input.getAttribute("data-longitude"));
  var timer = null, asked = "";
  function close() { list.hidden = true; list.replaceChildren(); }
  function show(places) {
    list.replaceChildren();
    places.forEach(function (p) {
      var li = document.createElement("li");
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = p.label + (p.postcode ? " — " + p.postcode : "");
      b.setAttribute("data-code", p.code);
      b.addEventListener("click", function () {
        input.value = p.name;
        if (lat && lon) {
          lat.value = p.latitude === null ? "" : String(p.latitude);
          lon.value = p.longitude === null ? "" : String(p.longitude);
        }
        close();
        input.focus();
      });
      li.appendChild(b);
      list.appendChild(li);
    });
    list.hidden = places.length === 0;
  }
  input.addEventListener("input", function () {
    clearTimeout(timer);
    var q = input.value.trim();
    if (q.length < 2) { close(); return; }
    timer = setTimeout(function () {
      asked = q;
      fetch(input.getAttribute("data-places") + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (places) { if (asked === q) { show(places); } })
        .catch(close);
    }, 150);
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Escape") { close(); }
    if (e.key === "ArrowDown" && !list.hidden) { e.preventDefault(); list.querySelector("button").focus(); }
  });
});
// The signing journey. The signing form shows only the section of the kind chosen (without
// JavaScript both stay, each under its heading); after an error, focus goes to the summary so
// that a phone shows it and a screen reader reads it, and its links focus their field.
(function () {
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
    summary.querySelectorAll("a[href^='#']").forEach(function (a) {
      a.addEventListener("click", function (e) {
        var field = document.getElementById(a.getAttribute("href").slice(1));
        if (!field) return;
        e.preventDefault();
        var section = field.closest("[data-for-kind]");
        if (section) section.hidden = false;
        var label = document.querySelector("label[for='" + field.id + "']");
        (field.closest("fieldset") || label || field).scrollIntoView();
        field.focus({ preventScroll: true });
      });
    });
  }
  var sections = document.querySelectorAll("[data-for-kind]");
  var radios = document.querySelectorAll("input[name=kind]");
  if (!sections.length || !radios.length) return;
  function show() {
    var chosen = document.querySelector("input[name=kind]:checked");
    sections.forEach(function (s) {
      s.hidden = !chosen || s.getAttribute("data-for-kind") !== chosen.value;
    });
  }
  radios.forEach(function (r) { r.addEventListener("change", show); });
  show();
})();

// Coordinator's console: one button ticks (or unticks) every row of a bulk form.
document.querySelectorAll("button[data-check-all]").forEach(function (b) {
  b.hidden = false;
  b.addEventListener("click", function () {
    var boxes = document.querySelectorAll('input[type=checkbox][form="' + b.getAttribute("data-check-all") + '"]');
    var all = Array.prototype.every.call(boxes, function (c) { return c.checked; });
    boxes.forEach(function (c) { c.checked = !all; });
  });
});
// A refused console action re-renders the page with its field focused: bring it into view
// (on a phone it may be far below the top).
(function () {
  var field = document.querySelector('[aria-invalid="true"][autofocus]');
  if (field) { field.scrollIntoView({ block: "center" }); }
})();

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

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

// storyline: small touches only; every page works without this script.
(function () {
  "use strict";
  // Timeline: clicking a dot marks its date below (the link already scrolls there).
  function mark(day) {
    document.querySelectorAll(".dates > li.on, svg.timeline a.on").forEach(function (el) {
      el.classList.remove("on");
    });
    var item = document.getElementById("d-" + day);
    if (item) item.classList.add("on");
    var dot = document.querySelector('svg.timeline a[data-day="' + day + '"]');
    if (dot) dot.classList.add("on");
  }
  document.addEventListener("click", function (event) {
    var dot = event.target.closest && event.target.closest("svg.timeline a[data-day]");
    if (dot) mark(dot.getAttribute("data-day"));
  });
  // Filters: open on wide screens; on a phone they stay folded until asked for.
  var box = document.querySelector("details.filterbox");
  if (box && window.matchMedia && window.matchMedia("(min-width: 40rem)").matches) {
    box.open = true;
  }
  // Filters: changing the outlet menu applies it at once.
  var outlet = document.querySelector(".filters select[name=source]");
  if (outlet) outlet.addEventListener("change", function () { outlet.form.submit(); });
  // Article: bring the cited sentence into view.
  var hl = document.getElementById("hl");
  if (hl && hl.scrollIntoView) hl.scrollIntoView({ block: "center" });
})();

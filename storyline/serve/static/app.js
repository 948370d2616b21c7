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
  // -- issue 21: what changed since the reader's last visit, kept in this browser only --
  function store() {
    try { return window.localStorage; } catch (e) { return null; }
  }
  var local = store();
  // Story page: the last visit is the newest article time the reader was shown.
  var since = document.getElementById("new-since");
  if (since && local) {
    var key = "storyline.visit." + since.getAttribute("data-story");
    var last = local.getItem(key);
    var current = since.getAttribute("data-last");
    if (last && current && Date.parse(current) > Date.parse(last)) {
      fetch("/stories/" + encodeURIComponent(since.getAttribute("data-story")) +
            "/new?since=" + encodeURIComponent(last))
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) {
          if (html === null) return;
          // Rendered and escaped by the server; parsed apart (its scripts never run) and
          // moved in node by node, never through innerHTML.
          var doc = new DOMParser().parseFromString(html, "text/html");
          since.replaceChildren.apply(since, Array.prototype.map.call(
            doc.body.childNodes, function (n) { return document.importNode(n, true); }));
          since.hidden = false;
          local.setItem(key, current);
        })
        .catch(function () {});
    } else if (current) {
      local.setItem(key, current);
    }
  }
  // Story list: a "new" mark on stories that changed since the last visit of the list.
  var cards = document.querySelectorAll("ol.stories li.story[data-story]");
  if (cards.length && local) {
    var seen = null;
    try { seen = JSON.parse(local.getItem("storyline.list") || "null"); } catch (e) { seen = null; }
    var now = seen && typeof seen === "object" ? seen : {};
    cards.forEach(function (card) {
      var id = card.getAttribute("data-story"), version = card.getAttribute("data-version");
      if (seen && seen[id] !== version) {
        var mark = card.querySelector(".new-mark");
        if (mark) mark.hidden = false;
        card.classList.add("changed");
      }
      now[id] = version;
    });
    var ids = Object.keys(now);
    if (ids.length > 5000) ids.slice(0, ids.length - 5000).forEach(function (i) { delete now[i]; });
    local.setItem("storyline.list", JSON.stringify(now));
  }
  // -- end issue 21 --
})();

// storyline (issue 20): pages that follow the store. A page rendered with a cursor
// (main[data-live]) asks /api/changes every few seconds; when stories changed, it fetches
// itself again and puts the new parts in place. Article text only ever arrives inside HTML
// the server rendered with escaping (parsed by DOMParser, whose scripts never run); what
// this script writes itself goes through textContent.
(function () {
  "use strict";
  var main = document.querySelector("main[data-live]");
  if (!main || !window.fetch || !window.DOMParser) return;
  var every = Number(main.getAttribute("data-live-every")) * 1000;
  if (!(every > 0)) return;
  var cursor = main.getAttribute("data-live");
  var head = document.getElementById("story-head");
  var story = head ? head.getAttribute("data-story") : null;
  var list = document.querySelector("ol.stories");
  var failures = 0, busy = false;

  function note(text) {
    var el = main.querySelector(".live-note");
    if (!el) return;
    el.textContent = text;
    el.hidden = !text;
  }
  function later(ms) { window.setTimeout(poll, ms); }

  // The page's own address, made distinct per cursor so the server's short page cache
  // cannot hand back the copy from before the change.
  function fresh(at) {
    var url = new URL(window.location.href);
    url.hash = "";
    url.searchParams.set("live", at);
    return url.toString();
  }
  function fetchPage(at) {
    return fetch(fresh(at), { cache: "no-store", credentials: "same-origin" })
      .then(function (r) {
        if (r.redirected) { window.location.replace(r.url); return null; }  // merged story
        return r.ok ? r.text() : null;
      })
      .then(function (html) {
        return html === null ? null : new DOMParser().parseFromString(html, "text/html");
      });
  }
  function swap(doc, selector) {
    var now = document.querySelector(selector), next = doc.querySelector(selector);
    if (now && next) now.replaceWith(document.importNode(next, true));
    else if (now) now.remove();
    return next;
  }

  function refreshList(changed, at) {
    return fetchPage(at).then(function (doc) {
      if (!doc) return;
      swap(doc, ".listhead");
      swap(doc, "ol.stories");
      var pager = doc.querySelector("nav.pager"), old = document.querySelector("nav.pager");
      if (old) swap(doc, "nav.pager");
      else if (pager) document.querySelector("ol.stories").after(document.importNode(pager, true));
      var shown = 0;
      changed.forEach(function (s) {
        var cards = document.querySelectorAll("ol.stories li.story[data-story]");
        for (var i = 0; i < cards.length; i++) {
          if (cards[i].getAttribute("data-story") !== s.id) continue;
          cards[i].classList.add("changed");
          var mark = cards[i].querySelector(".new-mark");
          if (mark) mark.hidden = false;
          shown += 1;
        }
      });
      if (shown) note(shown + " stor" + (shown === 1 ? "y" : "ies") + " new or updated just now");
      remember();
    });
  }
  // The list's versions as seen, so that the next visit does not mark them again (app.js).
  function remember() {
    var seen = null;
    try { seen = JSON.parse(window.localStorage.getItem("storyline.list") || "null"); }
    catch (e) { return; }
    if (!seen || typeof seen !== "object") return;
    document.querySelectorAll("ol.stories li.story[data-story]").forEach(function (card) {
      seen[card.getAttribute("data-story")] = card.getAttribute("data-version");
    });
    try { window.localStorage.setItem("storyline.list", JSON.stringify(seen)); } catch (e) {}
  }

  // A story page: its header and article list at once; the summary and the rest once the
  // server has built the new digest (asked again every few seconds until then).
  function refreshStory(at, tries) {
    return fetchPage(at).then(function (doc) {
      if (!doc) return;
      var pending = doc.querySelector('meta[http-equiv="refresh"]');
      if (pending && tries < 60) {
        swap(doc, "#story-head");
        swap(doc, "#articles");
        note("New articles in this story; the summary is being updated.");
        window.setTimeout(function () { refreshStory(at, tries + 1); }, 5000);
        return;
      }
      var body = doc.querySelector("main");
      if (!body) return;
      var keep = main.querySelector(".live-note");
      main.replaceChildren.apply(main, Array.prototype.map.call(
        body.childNodes, function (n) { return document.importNode(n, true); }));
      var added = main.querySelector(".live-note");
      if (added && keep) added.replaceWith(keep);
      document.title = doc.title;
      note("This story was updated just now.");
    });
  }

  function poll() {
    if (busy || document.hidden) { later(every); return; }
    busy = true;
    fetch("/api/changes?after=" + encodeURIComponent(cursor), { cache: "no-store" })
      .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); })
      .then(function (data) {
        failures = 0;
        var at = String(data.cursor), changed = data.stories || [], work = null;
        if (story) {
          var mine = changed.filter(function (s) { return s.id === story; })[0];
          if (mine && mine.moved_to) {
            window.location.replace("/stories/" + encodeURIComponent(mine.moved_to));
            return;
          }
          if (mine || data.more) work = refreshStory(at, 0);
        } else if (list && (changed.length || data.more)) {
          work = refreshList(changed, at);
        }
        cursor = at;
        return work;
      })
      .catch(function () { failures += 1; })
      .then(function () {
        busy = false;
        later(every * Math.min(8, Math.pow(2, failures)));  // back off while the server is away
      });
  }
  later(every);
})();

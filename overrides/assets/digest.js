/* Paper Digest: filter and sort paper lists in place. The list is complete
   without this script; the form stays hidden until the script runs. */
(function () {
  "use strict";

  function setup(form) {
    var article = form.closest("article") || document;
    var list = article.querySelector("ol.pd-list");
    if (!list) return;
    var items = Array.prototype.slice.call(list.querySelectorAll("li.pd-item"));
    items.forEach(function (li, i) {
      li.dataset.index = String(i);
      li.dataset.text = li.textContent.toLowerCase();
    });
    var count = form.querySelector(".pd-count");

    function apply() {
      var q = form.elements.q.value.trim().toLowerCase();
      var year = form.elements.year.value;
      var code = form.elements.code.checked;
      var sort = form.elements.sort.value;
      var shown = 0;
      items.forEach(function (li) {
        var ok = (!q || li.dataset.text.indexOf(q) !== -1) &&
          (!year || li.dataset.year === year) &&
          (!code || li.dataset.code === "yes");
        li.hidden = !ok;
        if (ok) shown += 1;
      });
      var ordered = items.slice().sort(function (a, b) {
        if (sort === "upvotes") {
          var d = Number(b.dataset.upvotes) - Number(a.dataset.upvotes);
          if (d !== 0) return d;
        }
        return Number(a.dataset.index) - Number(b.dataset.index);
      });
      ordered.forEach(function (li) { list.appendChild(li); });
      if (count) count.textContent = shown + " of " + items.length + " papers shown";
    }

    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.hidden = false;
    apply();
  }

  function init() {
    // Material's search dialog has no accessible name; screen readers need one.
    var search = document.querySelector(".md-search[role=dialog]");
    if (search && !search.hasAttribute("aria-label")) search.setAttribute("aria-label", "Search");
    Array.prototype.forEach.call(document.querySelectorAll("form.pd-filters"), setup);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

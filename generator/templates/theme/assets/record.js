/* RedNote Record: the timeline filter and sortable tables. Both only add to pages that work
   without JavaScript: every event is visible and every table readable when this never runs. */
(function () {
  "use strict";

  function words(value) {
    return (value || "").split(/\s+/).filter(Boolean);
  }

  /* Timeline: show only the events with the chosen tag and actor; hide emptied months. */
  function setUpFilter(form) {
    var content = form.parentNode;
    var events = Array.prototype.slice.call(content.querySelectorAll(".record-event"));
    var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-record-filter-by]"));
    var count = form.querySelector(".record-filter__count");
    var headings = Array.prototype.slice.call(content.querySelectorAll("h2"));

    function apply() {
      var shown = 0;
      events.forEach(function (event) {
        var visible = selects.every(function (select) {
          var wanted = select.value;
          var field = select.getAttribute("data-record-filter-by");
          return !wanted || words(event.getAttribute("data-" + field)).indexOf(wanted) !== -1;
        });
        event.hidden = !visible;
        if (visible) shown += 1;
      });
      headings.forEach(function (heading) {
        var node = heading.nextElementSibling;
        var any = false;
        var hasEvents = false;
        while (node && node.tagName !== "H2") {
          if (node.classList.contains("record-event")) {
            hasEvents = true;
            if (!node.hidden) any = true;
          }
          node = node.nextElementSibling;
        }
        if (hasEvents) heading.hidden = !any;
      });
      var filtering = selects.some(function (select) { return select.value; });
      count.textContent = filtering ? shown + " of " + events.length + " events" : "";
    }

    selects.forEach(function (select) { select.addEventListener("change", apply); });
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    form.hidden = false;
    apply();
  }

  /* Tables: a button in each column heading sorts by that column (data-sort if present). */
  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) return "";
    var sort = cell.getAttribute("data-sort");
    return sort !== null ? sort : cell.textContent.trim();
  }

  function setUpTable(table) {
    var head = table.tHead;
    var body = table.tBodies[0];
    if (!head || !body) return;
    var collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });
    Array.prototype.forEach.call(head.rows[0].cells, function (th, index) {
      var button = document.createElement("button");
      button.type = "button";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(head.rows[0].cells, function (other) {
          other.removeAttribute("aria-sort");
        });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var order = collator.compare(cellValue(a, index), cellValue(b, index));
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  }

  function init() {
    document.querySelectorAll("form[data-record-filter]").forEach(setUpFilter);
    document.querySelectorAll(".record-sortable table").forEach(setUpTable);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

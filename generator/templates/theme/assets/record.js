/* Sourceline: the timeline filter and sortable tables. Both only add to pages that work
   without JavaScript: every event is visible and every table readable when this never runs. */
(function () {
  "use strict";

  var FIELDS = { tag: "tags", actor: "actors" }; // URL parameter → the rows' data-* attribute

  function words(value) {
    return (value || "").split(/\s+/).filter(Boolean);
  }

  function number(n) {
    return n.toLocaleString("en");
  }

  function plural(n, nouns) { // nouns: [singular, plural]
    return number(n) + " " + (n === 1 ? nouns[0] : nouns[1]);
  }

  /* "{shown} of {total}" with its values: the words come from the page (data-record-*, in
     the interface's language), or are the English given here. */
  function fill(pattern, values) {
    return pattern.replace(/\{(\w+)\}/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : whole;
    });
  }

  function wording(node, name, english) {
    return (node && node.getAttribute("data-record-" + name)) || english;
  }

  /* Timeline filter. The filter lives in the URL of the timeline's first page
     (timeline/?tag=…&actor=…), so a filtered view can be shared and reloaded. On that page it
     filters the events in place when they are all there, or searches the whole record
     (events.json) when they span several pages; anywhere else, choosing goes there. */
  function setUpFilter(form) {
    var selects = Array.prototype.slice.call(form.querySelectorAll("select[name]"));
    var here = form.hasAttribute("data-record-here");
    var source = form.getAttribute("data-record-events");
    var content = form.parentNode;
    var count = form.querySelector(".record-filter__count");
    var clearButton = form.querySelector("button[data-record-filter-clear]");
    var empty = content.querySelector("[data-record-filter-empty]");
    var results = content.querySelector("[data-record-filter-results]");
    var rows = Array.prototype.slice.call(content.querySelectorAll(".record-row"));
    var headings = Array.prototype.slice.call(content.querySelectorAll("[data-record-period]"));
    var unfiltered = Array.prototype.slice.call(content.querySelectorAll("[data-record-unfiltered]"));
    var runs = Array.prototype.slice.call(content.querySelectorAll("ol.record-rows:not([data-record-filter-results])"));
    var railLinks = Array.prototype.slice.call(content.querySelectorAll(".record-rail a"));
    var total = content.querySelector("[data-record-filter-total]");
    var totalText = total && total.textContent;
    var follow = content.querySelector("[data-record-follow]");
    var followed = follow && Array.prototype.map.call(follow.querySelectorAll("a, span"), function (node) {
      return [node, node.getAttribute("href"), node.textContent];
    });
    var expand = form.querySelector("[data-record-expand]");
    var nouns = (form.getAttribute("data-record-nouns") || "event|events").split("|");
    var counted = form.getAttribute("data-record-counted"); // "{num}个事件|{num}个事件"
    function say(name, english, values) {
      return fill(wording(form, name, english), values || {});
    }
    function countOf(n) {
      if (!counted) return plural(n, nouns);
      return fill(counted.split("|")[n === 1 ? 0 : 1], { num: number(n) });
    }
    var index = null; // events.json, once fetched

    function chosen() {
      var out = {};
      selects.forEach(function (select) {
        if (select.value) out[select.name] = select.value;
      });
      return out;
    }

    function describe(wanted) {
      var parts = [];
      selects.forEach(function (select) {
        if (wanted[select.name]) {
          var chosenText = select.options[select.selectedIndex].text;
          parts.push(fill(wording(select, "chosen", select.name + " {name}"), { name: chosenText }));
        }
      });
      var text = parts.shift() || "";
      parts.forEach(function (part) {
        text = say("both", "{first} and {second}", { first: text, second: part });
      });
      return text;
    }

    function matches(tags, actors, wanted) {
      return (!wanted.tag || tags.indexOf(wanted.tag) !== -1) &&
        (!wanted.actor || actors.indexOf(wanted.actor) !== -1);
    }

    /* The table of contents follows what is shown: a heading's entry hides with it. */
    function syncToc() {
      document.querySelectorAll(".md-sidebar--secondary a.md-nav__link").forEach(function (link) {
        var id = decodeURIComponent((link.getAttribute("href") || "").replace(/^#/, ""));
        var target = id && document.getElementById(id);
        if (target && target.hasAttribute("data-record-period")) {
          link.parentNode.hidden = target.hidden;
        }
      });
    }

    function showCount(shown, all, wanted) {
      var filtering = Object.keys(wanted).length > 0;
      count.textContent = filtering ? say("count", "{shown} of {total}, {filter}", {
        shown: number(shown), total: countOf(all), filter: describe(wanted)
      }) : "";
      clearButton.hidden = !filtering;
      empty.hidden = !filtering || shown > 0;
      if (total) {
        total.textContent = filtering ? say("of", "{shown} of {total}", { shown: number(shown), total: totalText }) : totalText;
      }
      showFeeds(wanted);
    }

    /* The feed links name the chosen tag's feed, which holds what the filter shows. */
    function showFeeds(wanted) {
      if (!follow) return;
      followed.forEach(function (saved) {
        var node = saved[0];
        var feed = saved[1] !== null && saved[1].match(/\.(atom|rss)\.xml$/);
        if (!wanted.tag) {
          if (saved[1] !== null) node.setAttribute("href", saved[1]);
          else node.textContent = saved[2];
        } else if (node.tagName === "SPAN") {
          node.textContent = say("tagged", "entries tagged {tag}", { tag: wanted.tag });
        } else if (feed) {
          node.setAttribute("href", follow.getAttribute("data-record-follow") + encodeURIComponent(wanted.tag) + feed[0]);
        }
      });
    }

    /* "Open every event" and back: one button for every row on the page. */
    function setUpExpand() {
      var details = content.querySelectorAll(".record-row details");
      if (!expand || !details.length) return;
      function allOpen() {
        return Array.prototype.every.call(details, function (d) {
          return d.open || d.closest(".record-row").hidden;
        });
      }
      var openText = expand.textContent; // "Open every event", as the page words it
      var closeText = wording(expand, "close", "Close every event");
      function label() {
        expand.textContent = allOpen() ? closeText : openText;
      }
      expand.addEventListener("click", function () {
        var open = !allOpen();
        details.forEach(function (d) { d.open = open; });
        label();
      });
      details.forEach(function (d) { d.addEventListener("toggle", label); });
      expand.hidden = false;
    }

    function filterInPlace(wanted) {
      var shown = 0;
      var visible = {};
      rows.forEach(function (row) {
        var ok = matches(words(row.getAttribute("data-tags")), words(row.getAttribute("data-actors")), wanted);
        row.hidden = !ok;
        if (ok) {
          shown += 1;
          words(row.getAttribute("data-periods")).forEach(function (p) { visible[p] = true; });
        }
      });
      headings.forEach(function (heading) {
        heading.hidden = !visible[heading.getAttribute("data-record-period")];
      });
      // No empty run of rows, and no rail link to a period with nothing shown.
      runs.forEach(function (run) {
        run.hidden = !run.querySelector(".record-row:not([hidden])");
      });
      railLinks.forEach(function (link) {
        var id = decodeURIComponent((link.getAttribute("href") || "").split("#")[1] || "");
        if (id && document.getElementById(id)) link.parentNode.hidden = !visible[id];
      });
      showCount(shown, rows.length, wanted);
      syncToc();
    }

    function resultRow(event) {
      var li = document.createElement("li");
      li.className = "record-row record-row--result";
      var when = document.createElement("span");
      when.className = "record-row__when";
      when.textContent = event.when;
      var link = document.createElement("a");
      link.className = "record-row__title";
      link.href = event.url;
      link.textContent = event.title;
      if (event.lang) link.lang = event.lang; // a title the interface's language lacks
      var main = document.createElement("span");
      main.className = "record-row__main";
      main.appendChild(link);
      event.tags.forEach(function (tag) {
        var badge = document.createElement("span");
        badge.className = "record-badge";
        badge.textContent = tag;
        main.appendChild(document.createTextNode(" "));
        main.appendChild(badge);
      });
      li.appendChild(when);
      li.appendChild(document.createTextNode(" "));
      li.appendChild(main);
      return li;
    }

    function filterIndex(wanted) {
      var filtering = Object.keys(wanted).length > 0;
      results.hidden = !filtering;
      while (results.firstChild) results.removeChild(results.firstChild);
      if (!filtering) {
        showCount(0, 0, wanted);
        return;
      }
      var matched = index.events.filter(function (event) {
        return matches(event.tags, event.actors, wanted);
      });
      matched.forEach(function (event) { results.appendChild(resultRow(event)); });
      showCount(matched.length, index.events.length, wanted);
    }

    function apply() {
      var wanted = chosen();
      // What describes the whole record (the chart, the list of pages) steps aside.
      var filtering = Object.keys(wanted).length > 0;
      unfiltered.forEach(function (node) { node.hidden = filtering; });
      if (!source) {
        filterInPlace(wanted);
      } else if (index) {
        filterIndex(wanted);
      } else if (Object.keys(wanted).length) {
        count.textContent = say("searching", "Searching every event…");
        fetch(source).then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.json();
        }).then(function (data) {
          index = data;
          apply();
        }).catch(function () {
          count.textContent = say("failed", "The events could not be loaded; the pages below list them all.");
        });
      } else {
        showCount(0, 0, wanted);
      }
    }

    function query(wanted) {
      var params = new URLSearchParams();
      Object.keys(FIELDS).forEach(function (name) {
        if (wanted[name]) params.set(name, wanted[name]);
      });
      var text = params.toString();
      return text ? "?" + text : "";
    }

    function changed() {
      var wanted = chosen();
      if (!here) { // only the timeline's first page holds the filter
        window.location.href = form.action + query(wanted);
        return;
      }
      history.replaceState(null, "", window.location.pathname + query(wanted) + window.location.hash);
      apply();
    }

    function clear(e) {
      e.preventDefault();
      selects.forEach(function (select) { select.value = ""; });
      changed();
      selects[0].focus();
    }

    function start() {
      if (here) { // the URL says what to show; a value the page does not offer is ignored
        var params = new URLSearchParams(window.location.search);
        selects.forEach(function (select) {
          var value = params.get(select.name);
          if (value && select.querySelector('option[value="' + CSS.escape(value) + '"]')) {
            select.value = value;
          }
        });
      }
      selects.forEach(function (select) { select.addEventListener("change", changed); });
      form.addEventListener("submit", function (e) { e.preventDefault(); changed(); });
      content.querySelectorAll("[data-record-filter-clear]").forEach(function (control) {
        control.addEventListener("click", clear);
      });
      setUpExpand();
      form.hidden = false;
      if (here) apply();
    }

    /* The choices (filters.json): tags as names, actors as [id, name], in the order offered.
       One file for every page of the timeline, which the browser fetches once. */
    function offer(name, choices) {
      var select = form.querySelector('select[name="' + name + '"]');
      choices.forEach(function (choice) {
        var pair = Array.isArray(choice) ? choice : [choice, choice];
        var option = document.createElement("option");
        option.value = pair[0];
        option.textContent = pair[1];
        select.appendChild(option);
      });
    }

    fetch(form.getAttribute("data-record-options")).then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.json();
    }).then(function (choices) {
      offer("tag", choices.tags);
      offer("actor", choices.actors);
      start();
    }).catch(function () {
      // The form stays hidden, as without JavaScript: every event is listed on the pages.
    });
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

  /* Tables on a phone: each row stacked as lines, each cell named by its column's heading
     (record.css shows data-label before it), instead of a table wider than the screen. */
  function stackTable(table) {
    var head = table.tHead;
    if (!head || !head.rows.length) return;
    var labels = Array.prototype.map.call(head.rows[0].cells, function (th) {
      return th.textContent.trim();
    });
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        Array.prototype.forEach.call(row.cells, function (cell, i) {
          if (labels[i] && !cell.hasAttribute("data-label")) cell.setAttribute("data-label", labels[i]);
        });
      });
    });
    table.setAttribute("data-record-stack", "");
  }

  function init() {
    document.querySelectorAll("form[data-record-filter]").forEach(setUpFilter);
    document.querySelectorAll(".md-content table").forEach(stackTable);
    document.querySelectorAll(".record-sortable table").forEach(setUpTable);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

/* Sourceline's search, on Pagefind (generator/publish/search.py builds the index).
 *
 * The header box (partials/record-search.html) shows results as you type; `/` or `s`
 * focuses it and Esc closes it. The search page (/search/?q=…&kind=…&tag=…) shows every
 * result with filters and a sort, read from and written to its URL so that a search can be
 * shared. A result page opened with ?h=… highlights the words searched for, and any page
 * opened with ?q=… (Material's shared searches) opens the box with that query.
 *
 * Pagefind loads only the chunks of the index a query needs. Everything an entry holds is
 * put on the page as text (textContent); an excerpt keeps only Pagefind's <mark>s.
 */
(function () {
  "use strict";

  var HEADER_RESULTS = 8;
  var PAGE_SIZE = 20;
  var FILTERS = ["kind", "tag", "actor", "year", "language"];
  var config = JSON.parse(document.getElementById("__config").textContent);
  var root = new URL(config.base.replace(/\/?$/, "/"), location.href);
  var loading = null;

  function pagefind() {
    if (!loading) {
      loading = import(new URL("pagefind/pagefind.js", root).href).then(function (pf) {
        return pf.options({ highlightParam: "h", excerptLength: 30 }).then(function () {
          return pf;
        });
      });
    }
    return loading;
  }

  // --- drawing results, as text --------------------------------------------------------

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function excerpt(html) {
    // Pagefind escapes the text it was given and marks the words found; rebuild it from
    // text nodes and <mark>s only, whatever it holds.
    var out = el("p", "record-search-excerpt");
    var body = new DOMParser().parseFromString("<p>" + html + "</p>", "text/html").body;
    body.firstChild.childNodes.forEach(function (node) {
      if (node.nodeName === "MARK") out.appendChild(el("mark", "", node.textContent));
      else out.appendChild(document.createTextNode(node.textContent));
    });
    return out;
  }

  function result(data) {
    var item = el("li", "md-search-result__item");
    var link = el("a", "md-search-result__link");
    link.href = data.url;
    var article = el("article", "md-search-result__article md-typeset");
    var meta = data.meta || {};
    article.appendChild(
      el("div", "record-search-kind", [meta.kind, meta.date].filter(Boolean).join(" · "))
    );
    article.appendChild(el("h2", "record-search-title", meta.title || data.url));
    article.appendChild(excerpt(data.excerpt || ""));
    link.appendChild(article);
    item.appendChild(link);
    return item;
  }

  function show(list, datas) {
    list.replaceChildren.apply(list, datas.map(result));
  }

  function failed(status) {
    status.textContent =
      "Search is unavailable: its index could not be loaded. Try again, or browse the timeline and tags.";
  }

  // --- the header box ------------------------------------------------------------------

  function header(box) {
    var toggle = document.getElementById("__search");
    var input = box.querySelector("[data-record-search-input]");
    var status = box.querySelector("[data-record-search-status]");
    var list = box.querySelector("[data-record-search-results]");
    var more = box.querySelector("[data-record-search-more]");
    var moreLink = more.querySelector("a");
    var idle = status.textContent;

    var phone = window.matchMedia("(max-width: 59.984375em)");

    function open() {
      if (toggle) toggle.checked = true;
      // As Material does for its own search on small screens: the page behind stays put, and
      // the opening circle does not widen the page.
      if (phone.matches) document.body.setAttribute("data-md-scrolllock", "");
      pagefind().catch(function () {
        failed(status);
      });
    }
    function close() {
      if (toggle) toggle.checked = false;
      document.body.removeAttribute("data-md-scrolllock");
      input.blur();
    }

    input.addEventListener("focus", open);
    if (toggle) {
      // The header's magnifier and the back arrow are labels of the toggle.
      toggle.addEventListener("change", function () {
        if (toggle.checked) {
          open();
          input.focus();
        } else {
          document.body.removeAttribute("data-md-scrolllock");
        }
      });
    }
    input.addEventListener("input", function () {
      var q = input.value.trim();
      if (!q) {
        status.textContent = idle;
        list.replaceChildren();
        more.hidden = true;
        return;
      }
      pagefind()
        .then(function (pf) {
          return pf.debouncedSearch(q, {}, 120);
        })
        .then(function (found) {
          if (found === null || input.value.trim() !== q) return; // overtaken by typing
          var shown = found.results.slice(0, HEADER_RESULTS);
          return Promise.all(shown.map(function (r) { return r.data(); })).then(function (datas) {
            if (input.value.trim() !== q) return;
            var n = found.results.length;
            status.textContent = n
              ? n + (n === 1 ? " result" : " results")
              : "No results for “" + q + "”. Try other words, or fewer.";
            show(list, datas);
            moreLink.href = new URL("search/?q=" + encodeURIComponent(q), root).href;
            moreLink.textContent = n > shown.length ? "All " + n + " results, with filters" : "Filter these results";
            more.hidden = n === 0;
          });
        })
        .catch(function () {
          failed(status);
        });
    });
    // Material's shared searches were ?q=… on any page: open the box with that query.
    var shared = new URLSearchParams(location.search).get("q");
    if (shared && !document.querySelector("form[data-record-search-page]")) {
      input.value = shared;
      open();
      input.focus();
      input.dispatchEvent(new Event("input"));
    }
    box.querySelector("form").addEventListener("reset", function () {
      status.textContent = idle;
      list.replaceChildren();
      more.hidden = true;
    });
    document.addEventListener("keydown", function (event) {
      var target = event.target;
      var typing =
        target instanceof HTMLElement &&
        (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
      if (event.key === "Escape" && (target === input || (toggle && toggle.checked))) {
        close();
      } else if (!typing && !event.ctrlKey && !event.metaKey && !event.altKey &&
                 (event.key === "/" || event.key === "s")) {
        event.preventDefault();
        open();
        input.focus();
      }
    });
  }

  // --- the search page -----------------------------------------------------------------

  function page(form) {
    var input = form.querySelector("[name=q]");
    var sort = form.querySelector("[name=sort]");
    var status = document.querySelector("[data-record-search-page-status]");
    var list = document.querySelector("[data-record-search-page-results]");
    var moreButton = document.querySelector("[data-record-search-page-more]");
    var languages = form.getAttribute("data-record-languages");
    var params = new URLSearchParams(location.search);
    var found = [];
    var shownCount = 0;
    var run = 0;

    form.querySelectorAll("[hidden][data-record-js]").forEach(function (node) {
      node.hidden = false;
    });
    input.value = params.get("q") || "";
    if (params.get("sort")) sort.value = params.get("sort");

    function selected() {
      var filters = {};
      FILTERS.forEach(function (name) {
        var value = form.querySelector("[name=" + name + "]").value;
        if (value) filters[name] = value;
      });
      return filters;
    }

    function writeUrl() {
      var next = new URLSearchParams();
      if (input.value.trim()) next.set("q", input.value.trim());
      var filters = selected();
      FILTERS.forEach(function (name) {
        if (filters[name]) next.set(name, filters[name]);
      });
      if (sort.value) next.set("sort", sort.value);
      var query = next.toString();
      history.replaceState(null, "", location.pathname + (query ? "?" + query : ""));
    }

    function showMore() {
      var batch = found.slice(shownCount, shownCount + PAGE_SIZE);
      var mine = run;
      return Promise.all(batch.map(function (r) { return r.data(); })).then(function (datas) {
        if (mine !== run) return;
        datas.forEach(function (d) { list.appendChild(result(d)); });
        shownCount += batch.length;
        moreButton.hidden = shownCount >= found.length;
      });
    }

    function search() {
      var q = input.value.trim();
      var filters = selected();
      var filtered = Object.keys(filters).length > 0;
      var mine = ++run;
      writeUrl();
      if (!q && !filtered) {
        status.textContent =
          "Type words to search for" + (languages ? ", in " + languages : "") + ", or choose a filter.";
        list.replaceChildren();
        moreButton.hidden = true;
        return;
      }
      var options = { filters: filters };
      if (sort.value) options.sort = { date: sort.value };
      pagefind()
        .then(function (pf) {
          return pf.debouncedSearch(q || null, options, 120);
        })
        .then(function (res) {
          if (res === null || mine !== run) return;
          found = res.results;
          shownCount = 0;
          list.replaceChildren();
          return showMore().then(function () {
            if (mine !== run) return;
            var n = found.length; // said once the first results are on the page
            if (n) {
              status.textContent = n + (n === 1 ? " result" : " results") + (q ? " for “" + q + "”" : "");
            } else {
              status.textContent = "No results" + (q ? " for “" + q + "”" : "") + "." +
                (filtered ? " Try removing a filter." : " Try other words, or fewer.");
            }
          });
        })
        .catch(function () {
          failed(status);
        });
    }

    pagefind()
      .then(function (pf) {
        return pf.filters();
      })
      .then(function (available) {
        FILTERS.forEach(function (name) {
          var select = form.querySelector("[name=" + name + "]");
          var values = Object.keys(available[name] || {}).sort(function (a, b) {
            return name === "year" ? b.localeCompare(a) : a.localeCompare(b);
          });
          values.forEach(function (value) {
            var option = el("option", "", value + " (" + available[name][value] + ")");
            option.value = value;
            select.appendChild(option);
          });
          var wanted = params.get(name);
          if (wanted && values.indexOf(wanted) >= 0) select.value = wanted;
        });
        search();
      })
      .catch(function () {
        failed(status);
      });

    form.addEventListener("input", search);
    form.addEventListener("change", search);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      search();
    });
    moreButton.addEventListener("click", showMore);
  }

  // --- highlighting on a result page ---------------------------------------------------

  function highlight() {
    if (!new URLSearchParams(location.search).get("h")) return;
    import(new URL("pagefind/pagefind-highlight.js", root).href)
      .then(function (mod) {
        new mod.default({ highlightParam: "h", markOptions: { className: "record-highlight" } });
      })
      .catch(function () {}); // highlighting is a nicety: the page itself is there
  }

  var box = document.querySelector("[data-record-search]");
  if (box) header(box);
  var form = document.querySelector("form[data-record-search-page]");
  if (form) page(form);
  highlight();
})();

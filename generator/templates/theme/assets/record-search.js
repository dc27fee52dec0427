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
 *
 * The index is Chinese (generator/publish/search.py), its text cut into words; Pagefind cuts
 * a query into words only on a page whose own language is Chinese, so `words` does it here.
 * Without a chosen order, an entry whose name is exactly what was typed comes first.
 *
 * What the script says is English here; an interface in another language gives its own words
 * as JSON in the search form's (or the header box's) data-record-words (search.md.j2).
 */
(function () {
  "use strict";

  var HEADER_RESULTS = 8;
  var PAGE_SIZE = 20;
  var FILTERS = ["kind", "tag", "actor", "year", "language"];
  var config = JSON.parse(document.getElementById("__config").textContent);
  // This interface's root, and the site's (where the search bundle is): the same but on a
  // site in several languages, whose others are under /<language>/ (data-record-site-root).
  var here = new URL(config.base.replace(/\/?$/, "/"), location.href);
  var holder = document.querySelector("[data-record-site-root]");
  var root = holder ? new URL(holder.getAttribute("data-record-site-root"), here) : here;
  var language = document.documentElement.lang;
  var loading = null;

  function pagefind() {
    if (!loading) {
      loading = import(new URL("pagefind/pagefind.js", root).href).then(function (pf) {
        return pf.options({ excerptLength: 30 }).then(function () {
          return pf;
        });
      });
    }
    return loading;
  }

  // --- the interface's words ------------------------------------------------------------

  var ENGLISH = {
    unavailable: "Search is unavailable: its index could not be loaded. Try again, or browse the timeline and tags.",
    one: "1 result",
    many: "{n} results",
    oneFor: "1 result for “{q}”",
    manyFor: "{n} results for “{q}”",
    none: "No results.",
    noneFor: "No results for “{q}”.",
    tryFilter: "Try removing a filter.",
    tryWords: "Try other words, or fewer.",
    then: "{first} {next}",
    all: "All {n} results, with filters",
    filter: "Filter these results",
    type: "Type words to search for, or choose a filter.",
    typeIn: "Type words to search for, in {languages}, or choose a filter.",
    by: "{kind} by {by}"
  };

  function phrases(node) {
    // say(key, {n: 3}): the element's words for key, or the English, with {n} filled in.
    var own = {};
    try {
      own = JSON.parse((node && node.getAttribute("data-record-words")) || "{}");
    } catch (e) {
      own = {};
    }
    return function (key, values) {
      var text = typeof own[key] === "string" ? own[key] : ENGLISH[key];
      return text.replace(/\{(\w+)\}/g, function (whole, name) {
        return values && name in values ? String(values[name]) : whole;
      });
    };
  }

  function counted(say, n, q) {
    // "3 results", "1 result for “q”".
    return say((n === 1 ? "one" : "many") + (q ? "For" : ""), { n: n, q: q });
  }

  // --- searching ----------------------------------------------------------------------

  var HAN = /\p{Script=Han}+/gu;
  var HAN_CHAR = /\p{Script=Han}/u;
  var segmenter = typeof Intl.Segmenter === "function" ? new Intl.Segmenter("zh", { granularity: "word" }) : null;

  function words(q) {
    // As Pagefind cuts a query on a Chinese page (and the index's text at build time): 北京大学
    // is 北京 大学, two words of the index; uncut, it would find only the words starting 北京.
    if (!segmenter) return q;
    return q.replace(HAN, function (run) {
      return " " + Array.from(segmenter.segment(run), function (s) { return s.segment; }).join(" ") + " ";
    }).replace(/\s+/g, " ").trim();
  }

  function nameKey(text) {
    // As search.py's name_key: the names an entry is known by are its "name" filter's values.
    return text.normalize("NFKC").toLowerCase().split(/\s+/).filter(Boolean).join(" ");
  }

  function find(pf, q, options) {
    // Pagefind's results, best first; with no order chosen, the entries named q come first,
    // also one the words missed (its name cut into other words by the index than here).
    return pf.debouncedSearch(q ? words(q) : null, options, 120).then(function (found) {
      if (found === null || !q || options.sort) return found;
      var filters = Object.assign({}, options.filters, { name: nameKey(q) });
      return pf.search(null, { filters: filters }).then(function (named) {
        if (!named.results.length) return found;
        var ids = {};
        named.results.forEach(function (r) { ids[r.id] = true; });
        var first = found.results.filter(function (r) { return ids[r.id]; });
        var rest = found.results.filter(function (r) { return !ids[r.id]; });
        first.forEach(function (r) { delete ids[r.id]; });
        var unmatched = named.results.filter(function (r) { return ids[r.id]; });
        return Object.assign({}, found, { results: first.concat(unmatched, rest) });
      });
    });
  }

  // --- drawing results, as text --------------------------------------------------------

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // Chinese inside English (a name, a quoted term) says it is Chinese, as on the pages
  // (generator/site/langmark.py): screen readers switch voice and browsers pick Chinese glyphs.
  var CJK = "\\p{Script=Han}\\u3000-\\u303f\\uff00-\\uffef";
  var CJK_RUN = new RegExp("[" + CJK + "](?:[" + CJK + "\\u00b7]*[" + CJK + "])?", "gu");
  var NO_BREAK = 16; // as langmark.py: a run this short (a name) stays on one line

  function markChinese(root) {
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    var nodes = [];
    while (walker.nextNode()) nodes.push(walker.currentNode);
    nodes.forEach(function (node) {
      var text = node.nodeValue;
      var holder = node.parentElement && node.parentElement.closest("[lang]");
      if (holder && /^(zh|ja|ko|yue)(-|$)/i.test(holder.getAttribute("lang"))) return;
      var out = document.createDocumentFragment();
      var at = 0;
      text.replace(CJK_RUN, function (run, offset) {
        if (offset > at) out.appendChild(document.createTextNode(text.slice(at, offset)));
        var span = el("span", run.length <= NO_BREAK ? "record-nobreak" : "", run);
        span.lang = "zh";
        out.appendChild(span);
        at = offset + run.length;
        return run;
      });
      if (!at) return;
      if (at < text.length) out.appendChild(document.createTextNode(text.slice(at)));
      node.parentNode.replaceChild(out, node);
    });
    return root;
  }

  // A text to draw is a list of parts, {marked, text}: drawn as text nodes and <mark>s only.

  function draw(node, parts) {
    parts.forEach(function (part) {
      if (!part.marked) {
        node.appendChild(document.createTextNode(part.text));
        return;
      }
      var word = part.text.replace(/\s+$/, ""); // Pagefind's words end with their space
      if (word) node.appendChild(el("mark", "", word));
      node.appendChild(document.createTextNode(part.text.slice(word.length)));
    });
    return node;
  }

  function excerptParts(html) {
    // Pagefind escapes the text it was given and marks the words found; keep its text and
    // marks, whatever it holds. Marks next to each other are one: a Chinese word is marked
    // in the index's pieces (北京 大学).
    var body = new DOMParser().parseFromString("<p>" + html + "</p>", "text/html").body;
    var parts = [];
    body.firstChild.childNodes.forEach(function (node) {
      var marked = node.nodeName === "MARK";
      var last = parts[parts.length - 1];
      if (last && last.marked === marked) last.text += node.textContent;
      else parts.push({ marked: marked, text: node.textContent });
    });
    return parts;
  }

  function narrowed(parts, q) {
    // Pagefind marks a whole piece of the index that starts with a word searched for (大学生
    // for 大学): a mark holding Chinese typed in the box is narrowed to it.
    var typed = q.match(HAN) || [];
    var out = [];
    parts.forEach(function (part) {
      var word = part.marked && typed.filter(function (w) { return part.text.indexOf(w) >= 0; })[0];
      if (!word) {
        out.push(part);
        return;
      }
      var at = part.text.indexOf(word);
      out.push(
        { marked: false, text: part.text.slice(0, at) },
        { marked: true, text: word },
        { marked: false, text: part.text.slice(at + word.length) }
      );
    });
    return out;
  }

  function bare(text) {
    return text.replace(/[“”"‘’…]/g, "").replace(/\s+/g, " ").trim().toLowerCase();
  }

  function text(parts) {
    return parts.map(function (p) { return p.text; }).join("");
  }

  function fields(parts) {
    // The excerpt cut where each field of the record ends (search.py's FIELD_BREAK, " · ").
    var out = [[]];
    parts.forEach(function (part) {
      if (part.marked) {
        out[out.length - 1].push(part);
        return;
      }
      part.text.split(/(?:^|\s)·\s/).forEach(function (piece, i) {
        if (i > 0) out.push([]);
        out[out.length - 1].push({ marked: false, text: piece });
      });
    });
    return out;
  }

  function afterStart(parts, shown) {
    // A field without the first words of it that the title shows (a quote's title is its
    // first words): from the first word the title does not hold.
    var whole = text(parts);
    var cut = 0;
    for (var i = 1; i <= whole.length; i++) {
      var boundary = i === whole.length || /\s/.test(whole[i]) || HAN_CHAR.test(whole[i - 1]);
      if (!boundary) continue;
      if (shown.indexOf(bare(whole.slice(0, i))) < 0) break;
      cut = i;
    }
    if (bare(whole.slice(0, cut)).length < 12) return parts; // a word or two in common
    var out = [{ marked: false, text: "…" }];
    parts.forEach(function (part) {
      var skip = Math.min(cut, part.text.length);
      cut -= skip;
      if (skip < part.text.length) {
        var rest = part.text.slice(skip);
        out.push({ marked: part.marked, text: skip ? rest.replace(/^\s+/, "") : rest });
      }
    });
    return out;
  }

  function withoutTitle(parts, title) {
    // The excerpt without what the title (and names) above it show: a field they hold whole (a
    // quote's translation) or begins with, and no end of a field cut off by the excerpt's
    // start ("[3] · ").
    var shown = bare(title);
    var kept = fields(parts).filter(function (field, i) {
      var words = bare(text(field));
      return i === 0 ? /\p{L}/u.test(words) && shown.indexOf(words) < 0 : shown.indexOf(words) < 0;
    });
    var out = [];
    kept.forEach(function (field, i) {
      if (i > 0) out.push({ marked: false, text: " · " });
      out.push.apply(out, afterStart(field, shown));
    });
    return out;
  }

  function titleParts(text, q) {
    // The words searched for, marked where a title or name holds them (Chinese anywhere,
    // other words at the start of a word).
    var words = q.split(/\s+/).filter(Boolean).map(function (w) {
      var escaped = w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      return HAN_CHAR.test(w) ? escaped : "(?<![\\p{L}\\p{N}])" + escaped;
    });
    if (!words.length) return [{ marked: false, text: text }];
    var found = new RegExp("(" + words.join("|") + ")", "giu");
    return text.split(found).map(function (piece, i) {
      return { marked: i % 2 === 1, text: piece };
    });
  }

  function localMeta(meta) {
    // A record's meta in this interface's language (title_zh, kind_zh, date_zh), where it has it.
    var shown = {};
    Object.keys(meta).forEach(function (key) {
      shown[key] = meta[key + "_" + language] || meta[key];
    });
    return shown;
  }

  function href(url, q) {
    // The result page marks the words as typed (?h=北京大学), not as cut for the index.
    var target = new URL(url, location.href);
    if (here.href !== root.href && target.pathname.indexOf(root.pathname) === 0) {
      target.pathname = here.pathname + target.pathname.slice(root.pathname.length);
    }
    q.split(/\s+/).filter(Boolean).forEach(function (word) {
      target.searchParams.append("h", word);
    });
    return target.href;
  }

  function result(q, data, say) {
    var item = el("li", "md-search-result__item");
    var link = el("a", "md-search-result__link");
    link.href = href(data.url, q);
    var article = el("article", "md-search-result__article md-typeset");
    var meta = localMeta(data.meta || {});
    var kind = meta.by ? say("by", { kind: meta.kind, by: meta.by }) : meta.kind;
    article.appendChild(el("p", "record-search-kind", [kind, meta.date].filter(Boolean).join(" · ")));
    var heading = [meta.title || data.url, meta.names].filter(Boolean).join(" ");
    var title = draw(el("h2", "record-search-title"), titleParts(meta.title || data.url, q));
    if (meta.names) {
      title.appendChild(document.createTextNode(" "));
      title.appendChild(draw(el("span", "record-search-names"), titleParts(meta.names, q)));
    }
    article.appendChild(title);
    if (meta.facts) article.appendChild(el("p", "record-search-facts", meta.facts));
    var parts = withoutTitle(narrowed(excerptParts(data.excerpt || ""), q), heading);
    if (parts.some(function (p) { return /\S/.test(p.text); })) {
      article.appendChild(draw(el("p", "record-search-excerpt"), parts));
    }
    link.appendChild(article);
    item.appendChild(link);
    return markChinese(item);
  }

  function show(list, q, datas, say) {
    list.replaceChildren.apply(list, datas.map(function (d) { return result(q, d, say); }));
  }

  function failed(status, say) {
    status.textContent = say("unavailable");
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
    var say = phrases(box);

    var phone = window.matchMedia("(max-width: 59.984375em)");

    function open() {
      if (toggle) toggle.checked = true;
      // As Material does for its own search on small screens: the page behind stays put, and
      // the opening circle does not widen the page.
      if (phone.matches) document.body.setAttribute("data-md-scrolllock", "");
      pagefind().catch(function () {
        failed(status, say);
      });
    }
    function close() {
      if (toggle) toggle.checked = false;
      document.body.removeAttribute("data-md-scrolllock");
      input.blur();
    }

    input.addEventListener("focus", open);
    // A keyboard that moves on past the box closes it, rather than leave the page dimmed
    // behind it. (A click on nothing focusable is Material's to handle: its overlay closes.)
    box.addEventListener("focusout", function (event) {
      var next = event.relatedTarget;
      if (next && !box.contains(next) && toggle && toggle.checked) close();
    });
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
          return find(pf, q, {});
        })
        .then(function (found) {
          if (found === null || input.value.trim() !== q) return; // overtaken by typing
          var shown = found.results.slice(0, HEADER_RESULTS);
          return Promise.all(shown.map(function (r) { return r.data(); })).then(function (datas) {
            if (input.value.trim() !== q) return;
            var n = found.results.length;
            status.textContent = n
              ? counted(say, n, "")
              : say("then", { first: say("noneFor", { q: q }), next: say("tryWords") });
            markChinese(status);
            show(list, q, datas, say);
            moreLink.href = new URL("search/?q=" + encodeURIComponent(q), here).href;
            moreLink.textContent = n > shown.length ? say("all", { n: n }) : say("filter");
            more.hidden = n === 0;
          });
        })
        .catch(function () {
          failed(status, say);
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
    var say = phrases(form);
    var params = new URLSearchParams(location.search);
    var found = [];
    var foundFor = "";
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
        datas.forEach(function (d) { list.appendChild(result(foundFor, d, say)); });
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
        status.textContent = languages ? say("typeIn", { languages: languages }) : say("type");
        list.replaceChildren();
        moreButton.hidden = true;
        return;
      }
      var options = { filters: filters };
      if (sort.value) options.sort = { date: sort.value };
      pagefind()
        .then(function (pf) {
          return find(pf, q, options);
        })
        .then(function (res) {
          if (res === null || mine !== run) return;
          found = res.results;
          foundFor = q;
          shownCount = 0;
          list.replaceChildren();
          return showMore().then(function () {
            if (mine !== run) return;
            var n = found.length; // said once the first results are on the page
            if (n) {
              status.textContent = counted(say, n, q);
            } else {
              status.textContent = say("then", {
                first: say(q ? "noneFor" : "none", { q: q }),
                next: say(filtered ? "tryFilter" : "tryWords")
              });
            }
            markChinese(status);
          });
        })
        .catch(function () {
          failed(status, say);
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
        failed(status, say);
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

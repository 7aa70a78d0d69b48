/* The search page: scores the sections of window.SITE_SEARCH_INDEX (written at build time by
   site_builder/render/search.py) against the words typed, and lists the best with a snippet.

   The index holds each section's text, not its words: this script splits the text into words and
   builds the inverted index (wordIndexer) in the browser, as MkDocs' search does with lunr, so a
   one-word edit never makes the build recount a whole site's words. It indexes a slice of sections
   whenever the reader is idle, and the first query finishes whatever is left.

   Scoring is BM25 over each section's words, plus a bonus for words in its heading or its page's
   title. A query word also matches the words it begins ("neuron" finds "neurons") at half weight,
   so results come while typing. A section must hold every query word; when none does, sections
   holding any of them are listed. Results are built with textContent only, never innerHTML. The
   address keeps the query (?q=...), so a search can be shared and the back button returns to it.

   Plain script: in a browser it attaches itself to the page's search form; under Node, require()
   returns { words, wordIndex } for the tests (tests/test_search.py holds them to a Python
   definition). */
(function (root, define) {
  var search = define();
  if (typeof module === "object" && module && module.exports) module.exports = search;
  else search.attach(root.SITE_SEARCH_INDEX, root.document, root);
})(typeof globalThis !== "undefined" ? globalThis : this, function () {
  var MAX_RESULTS = 20, K1 = 1.2, B = 0.75, PREFIX_WEIGHT = 0.5, HEADING_BONUS = 2, TITLE_BONUS = 1;

  // The words search matches on: accents removed, lower case, letters and digits only ("x²" -> "x2").
  // Whitespace never joins or splits a word, so the text is taken a whitespace-separated chunk at a
  // time, and a chunk met before (most of them: prose repeats its words) is not worked out again.
  var chunkWords = new Map();
  function words(text) {
    var found = [];
    String(text).split(/\s+/).forEach(function (chunk) {
      var known = chunkWords.get(chunk);
      if (!known) chunkWords.set(chunk, (known = wordsOfChunk(chunk)));
      for (var i = 0; i < known.length; i++) found.push(known[i]);
    });
    return found;
  }

  function wordsOfChunk(chunk) {
    var bare = chunk.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
    return bare.match(/[\p{L}\p{N}]+/gu) || [];
  }

  // Builds the inverted index of the sections (rows [page, anchor, heading, text]) a section at a
  // time: add(row) for each in order, then result() gives every word (`terms`, sorted, for prefix
  // search by binary search), where it occurs (`postings`: word -> [section, count, section, count,
  // ...], sections ascending) and each section's length in words.
  function wordIndexer() {
    var postings = new Map(), lengths = [];
    function add(row) {
      var section = lengths.length, found = words(row[3]), counts = new Map();
      found.forEach(function (word) { counts.set(word, (counts.get(word) || 0) + 1); });
      counts.forEach(function (count, word) {
        var list = postings.get(word);
        if (!list) postings.set(word, (list = []));
        list.push(section, count);
      });
      lengths.push(found.length);
    }
    return {
      add: add,
      added: function () { return lengths.length; },
      result: function () { return { terms: Array.from(postings.keys()).sort(), postings: postings, lengths: lengths }; }
    };
  }

  function wordIndex(sections) {
    var indexer = wordIndexer();
    sections.forEach(function (row) { indexer.add(row); });
    return indexer.result();
  }

  function attach(index, document, window) {
    var form = document && document.querySelector(".search__form");
    if (!index || !form) return;
    var input = form.querySelector(".search__input");
    var status = document.querySelector(".search__status");
    var list = document.querySelector(".search__results");
    var indexer = wordIndexer(), indexed = null;  // indexed: the finished word index, with the mean section length

    function indexNext() { indexer.add(index.sections[indexer.added()]); }

    function wordsIndexed() {
      if (!indexed) {
        while (indexer.added() < index.sections.length) indexNext();
        indexed = indexer.result();
        indexed.averageLength = indexed.lengths.reduce(function (a, b) { return a + b; }, 0) / Math.max(indexed.lengths.length, 1);
      }
      return indexed;
    }

    // While the reader is idle, index a slice of sections at a time, so a large site's index is
    // ready by the first query without one long task; that query finishes whatever is left.
    var whenIdle = window.requestIdleCallback ? function (work) { window.requestIdleCallback(work); } : function (work) {
      window.setTimeout(function () {
        var end = Date.now() + 10;
        work({ timeRemaining: function () { return end - Date.now(); } });
      }, 50);
    };
    function indexWhileIdle(deadline) {
      while (!indexed && indexer.added() < index.sections.length && deadline.timeRemaining() > 1) {
        indexNext();
      }
      if (!indexed && indexer.added() < index.sections.length) whenIdle(indexWhileIdle);
    }

    // Index terms that equal `word` (weight 1) or start with it (PREFIX_WEIGHT), by binary search.
    function matchingTerms(word) {
      var terms = wordsIndexed().terms;
      var low = 0, high = terms.length;
      while (low < high) {
        var middle = (low + high) >> 1;
        if (terms[middle] < word) low = middle + 1; else high = middle;
      }
      var found = [];
      for (var i = low; i < terms.length && terms[i].lastIndexOf(word, 0) === 0; i++) {
        found.push({ term: terms[i], weight: terms[i] === word ? 1 : PREFIX_WEIGHT });
      }
      return found;
    }

    // Section -> score for one query word, BM25 summed over the terms it matches.
    function scoresFor(word) {
      var scores = {};
      var count = index.sections.length, built = wordsIndexed();
      matchingTerms(word).forEach(function (match) {
        var postings = built.postings.get(match.term);
        var sections = postings.length / 2;
        var idf = Math.log(1 + (count - sections + 0.5) / (sections + 0.5));
        for (var i = 0; i < postings.length; i += 2) {
          var section = postings[i], tf = postings[i + 1];
          var norm = tf + K1 * (1 - B + B * built.lengths[section] / built.averageLength);
          scores[section] = (scores[section] || 0) + match.weight * idf * tf * (K1 + 1) / norm;
        }
      });
      return scores;
    }

    function bonus(section, queryWords) {
      var row = index.sections[section];
      var heading = words(row[2]), title = words(index.pages[row[0]][0]);
      var extra = 0;
      queryWords.forEach(function (word) {
        if (heading.some(function (w) { return w.lastIndexOf(word, 0) === 0; })) extra += HEADING_BONUS;
        if (title.some(function (w) { return w.lastIndexOf(word, 0) === 0; })) extra += TITLE_BONUS;
      });
      return extra;
    }

    function search(query) {
      var queryWords = words(query).filter(function (w, i, all) { return all.indexOf(w) === i; });
      if (!queryWords.length) return [];
      var perWord = queryWords.map(scoresFor);
      var total = {}, hits = {};
      perWord.forEach(function (scores) {
        Object.keys(scores).forEach(function (section) {
          total[section] = (total[section] || 0) + scores[section];
          hits[section] = (hits[section] || 0) + 1;
        });
      });
      var sections = Object.keys(total);
      var all = sections.filter(function (s) { return hits[s] === queryWords.length; });
      if (all.length) sections = all;
      return sections
        .map(function (s) { return { section: Number(s), score: total[s] + bonus(Number(s), queryWords) }; })
        .sort(function (a, b) { return b.score - a.score || a.section - b.section; })
        .slice(0, MAX_RESULTS);
    }

    // About 160 characters of the section's text around the first query word found in it, with
    // every query word in that stretch (or a word it begins) marked.
    function snippet(text, queryWords) {
      var lower = text.toLowerCase(), at = -1;
      queryWords.forEach(function (word) {
        var found = lower.indexOf(word);
        if (found >= 0 && (at < 0 || found < at)) at = found;
      });
      var start = at < 0 ? 0 : Math.max(0, at - 60), end = Math.min(text.length, at < 0 ? 160 : at + 100);
      var marks = [];
      queryWords.forEach(function (word) {
        for (var i = lower.indexOf(word, start); i >= 0 && i < end; i = lower.indexOf(word, i + word.length)) {
          marks.push([i, Math.min(end, i + word.length)]);
        }
      });
      marks.sort(function (a, b) { return a[0] - b[0]; });
      var paragraph = document.createElement("p");
      paragraph.className = "search__snippet";
      var position = start;
      paragraph.appendChild(document.createTextNode(start > 0 ? "\u2026" : ""));
      marks.forEach(function (mark) {
        if (mark[0] < position) return;  // inside a longer mark already shown
        paragraph.appendChild(document.createTextNode(text.slice(position, mark[0])));
        var element = document.createElement("mark");
        element.textContent = text.slice(mark[0], mark[1]);
        paragraph.appendChild(element);
        position = mark[1];
      });
      paragraph.appendChild(document.createTextNode(text.slice(position, end) + (end < text.length ? "\u2026" : "")));
      return paragraph;
    }

    function show(query) {
      var results = search(query);
      var queryWords = words(query);
      list.textContent = "";
      results.forEach(function (result) {
        var row = index.sections[result.section], page = index.pages[row[0]];
        var item = document.createElement("li");
        item.className = "search__result";
        var link = document.createElement("a");
        link.href = page[1] + (row[1] ? "#" + encodeURIComponent(row[1]) : "");
        link.textContent = row[1] ? page[0] + " › " + row[2] : page[0];
        var heading = document.createElement("h2");
        heading.className = "search__result-title";
        heading.appendChild(link);
        item.appendChild(heading);
        item.appendChild(snippet(row[3], queryWords));
        list.appendChild(item);
      });
      if (!words(query).length) status.textContent = "";
      else if (!results.length) status.textContent = "Nothing found for \u201c" + query.trim() + "\u201d.";
      else status.textContent = results.length + (results.length === 1 ? " result" : " results") + " for \u201c" + query.trim() + "\u201d.";
    }

    function remember(query) {
      try {
        var url = new URL(window.location.href);
        if (query) url.searchParams.set("q", query); else url.searchParams.delete("q");
        window.history.replaceState(null, "", url.href);
      } catch (error) { /* some browsers refuse to change a file: address; the search still works */ }
    }

    // Keys: Down from the box goes to the first result, Down and Up move between results (Up from the
    // first goes back to the box); Enter on a result opens it, as on any link.
    function resultLinks() { return Array.prototype.slice.call(list.querySelectorAll(".search__result a")); }
    input.addEventListener("keydown", function (event) {
      if (event.key !== "ArrowDown") return;
      var links = resultLinks();
      if (!links.length) return;
      event.preventDefault();
      links[0].focus();
    });
    list.addEventListener("keydown", function (event) {
      if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
      var links = resultLinks(), at = links.indexOf(document.activeElement);
      if (at < 0) return;
      event.preventDefault();
      if (event.key === "ArrowDown") links[Math.min(at + 1, links.length - 1)].focus();
      else if (at === 0) input.focus();
      else links[at - 1].focus();
    });

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      remember(input.value);
      show(input.value);
    });
    input.addEventListener("input", function () {
      remember(input.value);
      show(input.value);
    });
    var initial = new URLSearchParams(window.location.search).get("q") || "";
    if (initial) {
      input.value = initial;
      show(initial);
    } else {
      whenIdle(indexWhileIdle);
    }
  }

  return { words: words, wordIndex: wordIndex, attach: attach };
});

/* Search as patients type, around the theme's own search worker (lunr), which
 * assets/search-on-demand.js starts through this file once the reader opens search.
 *
 * The one definition of how words are matched, used on both sides: `fold` turns every word
 * lunr indexes (the theme's tokenizer, wrapped below) and every word of a query into the
 * same form, so a query finds the text whatever accents, tone marks or Arabic prefixes it
 * was typed with. The index file keeps the page's own text: results show it, accents and
 * all, with the matched words marked.
 *
 *  - Latin script (any language that writes in it): lower case, accents and tone marks
 *    removed (NFD, marks dropped; đ ø ł ß æ œ ı by the table below): "sedacion" finds
 *    "sedación", "ong thong" finds "ống thông". An exact-accent query folds to the same
 *    form, so it finds the same pages in the same order (never lower).
 *  - Arabic script: diacritics and tatweel removed; the prefixes و ف (and, so), ب ك ل
 *    (with, like, for) and the article ال (لل after ل) stripped while a word of at least
 *    3 letters (2 after the article) remains; then أ إ آ ٱ → ا, ى → ي, ة → ه.
 *  - Other scripts are only lower-cased; Chinese is segmented into words by the build
 *    (jieba) and its query by the theme, as before.
 *  - Words of a script that separates words with spaces also make pairs ("ong_thong"), on
 *    both sides: a query of several words ranks first the pages that have them in that
 *    order (Vietnamese terms are several syllables: "ống thông", "gây tê").
 *  - Latin-script words also give their stem, with the language's lunr stemmer where it has
 *    one ("sedated" finds "sedation"); queries match word beginnings, as the theme does.
 *  - A query word listed in the language's synonyms (l10n/<lang>/synonyms.yml, written
 *    into the index by overrides/hooks/language_outputs.py) also searches for the words
 *    the pages use.
 *
 * Results: the spaces the build inserts between Chinese words (U+200B) are removed, and
 * the words to highlight on the opened page are the page's own marked words. */
(function (scope) {
  "use strict";

  var LATIN_LETTERS = { "đ": "d", "ø": "o", "ł": "l", "ß": "ss", "æ": "ae", "œ": "oe", "ı": "i", "ð": "d", "þ": "th" };
  var ARABIC_MARKS = /[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]/g; // harakat, Quranic marks, tatweel
  var ARABIC_LETTERS = { "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه" };
  var RUN = /[\p{L}\p{M}\p{N}]+/gu; // a word: letters, their marks, digits
  var PAIR_BOOST = 1000; // a pair of query words in that order counts as much as a word of a title
  var UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;

  function foldRun(run) {
    run = run.toLowerCase();
    if (/\p{Script=Arabic}/u.test(run)) return arabic(run);
    if (/\p{Script=Latin}/u.test(run)) {
      return run.normalize("NFD").replace(/\p{M}/gu, "").replace(/[đøłßæœıðþ]/g, function (c) { return LATIN_LETTERS[c]; });
    }
    return run;
  }

  function arabic(word) {
    word = word.replace(ARABIC_MARKS, "");
    for (;;) {
      var rest = word.replace(/^[وف](?=...)|^لل(?=..)|^[بكل]?ال(?=..)|^[بكل](?=...)/, "");
      if (rest === word) break;
      word = rest;
    }
    return word.replace(/[أإآٱىة]/g, function (c) { return ARABIC_LETTERS[c]; });
  }

  /** The searchable form of a word or token: every word in it folded, edges trimmed. */
  function fold(text) {
    return trim(text.replace(RUN, foldRun));
  }

  function trim(text) {
    return text.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, "");
  }

  function spaced(word) {
    return word !== "" && !UNSPACED.test(word);
  }

  function pair(a, b) {
    return a + "_" + b;
  }

  /** The forms a token of the page is indexed under: folded, its stem, and its pair with the next. */
  function indexForms(word, next, stem) {
    var forms = [], folded = fold(word);
    if (folded === "") return forms;
    forms.push(folded);
    var stemmed = stem(trim(word));
    if (stemmed && stemmed !== folded) forms.push(stemmed);
    var following = next === undefined ? "" : fold(next);
    if (spaced(folded) && spaced(following)) forms.push(pair(folded, following));
    return forms;
  }

  /** A query, as the theme's search gets it: each word folded (stop words dropped while
   * other words remain), then what it should also find: stems, synonyms, and each pair of
   * neighbouring words, boosted so that pages with the words in that order come first.
   * `words`: what was typed, with the forms that count as finding it. */
  function expandQuery(query, synonyms, stem, isStopWord) {
    var typed = query.match(RUN) || [], extra = [], boosted = [], words = [];
    var folded = typed.map(foldRun);
    folded.forEach(function (word, i) {
      var forms = [word], stemmed = stem(typed[i]);
      if (stemmed && stemmed !== word) forms.push(stemmed);
      words.push({ typed: typed[i], folded: word, forms: forms });
    });
    Object.keys(synonyms).forEach(function (key) {
      var keyWords = key.split(" ");
      for (var i = 0; i + keyWords.length <= folded.length; i++) {
        if (folded.slice(i, i + keyWords.length).join(" ") !== key) continue;
        synonyms[key].forEach(function (target) {
          var targetWords = target.split(" ");
          words.slice(i, i + keyWords.length).forEach(function (word) { word.forms.push.apply(word.forms, targetWords); });
          extra.push.apply(extra, targetWords);
          boosted.push.apply(boosted, pairs(targetWords));
        });
      }
    });
    pairs(folded).forEach(function (both, i) {
      if (both) { boosted.push(both); words[i].forms.push(both); words[i + 1].forms.push(both); }
    });
    words.forEach(function (word) { extra.push.apply(extra, word.forms.slice(1)); });
    extra = unique(extra.concat(boosted)).filter(function (term) { return folded.indexOf(term) < 0; });
    var main;
    if (/["+\-:^~*]/.test(query)) {
      main = query.replace(RUN, foldRun); // the theme's query syntax: kept as typed
    } else {
      var kept = folded.filter(function (word, i) { return !isStopWord(typed[i]); });
      main = (kept.length ? kept : folded).join(" ");
    }
    var also = extra.map(function (term) { return boosted.indexOf(term) < 0 ? term : term + "*^" + PAIR_BOOST; });
    return { query: [main].concat(also).join(" ").trim(), words: words, extra: extra };
  }

  function unique(list) {
    return list.filter(function (item, i) { return item && list.indexOf(item) === i; });
  }

  function pairs(words) {
    var result = [];
    for (var i = 0; i + 1 < words.length; i++) result.push(spaced(words[i]) && spaced(words[i + 1]) ? pair(words[i], words[i + 1]) : "");
    return result;
  }

  /** Synonyms from the index, folded: {"sonda": ["cateter"]}. */
  function foldSynonyms(synonyms) {
    var result = {};
    Object.keys(synonyms || {}).forEach(function (key) {
      var words = (key.match(RUN) || []).map(foldRun).join(" ");
      var targets = [].concat(synonyms[key]).map(function (target) { return (target.match(RUN) || []).map(foldRun).join(" "); });
      if (words) result[words] = (result[words] || []).concat(targets.filter(Boolean));
    });
    return result;
  }

  /** A result as readers see it: no inserted word spaces; the query terms the theme shows
   * (highlighted on the opened page, or struck out as missing) in the words typed and found. */
  function presentDocument(doc, analysis) {
    if (typeof doc.title === "string") doc.title = doc.title.replace(/\u200b/g, "");
    if (typeof doc.text === "string") doc.text = doc.text.replace(/\u200b/g, "");
    var given = doc.terms || {}, terms = {};
    ((doc.title || "") + " " + (doc.text || "")).replace(/<mark[^>]*>([^<]*)<\/mark>/g, function (_, word) {
      if (trim(word)) terms[trim(word).toLowerCase()] = true;
    });
    if (!Object.keys(terms).length) Object.keys(given).forEach(function (key) { if (given[key]) terms[key] = true; });
    var covered = {};
    analysis.words.forEach(function (word) {
      word.forms.forEach(function (form) { covered[form] = true; });
      var found = word.forms.some(function (form) { return given[form]; });
      if (!found && given[word.folded] === false) terms[word.typed] = false;
    });
    Object.keys(given).forEach(function (key) {
      if (given[key] === false && !covered[key] && analysis.extra.indexOf(key) < 0) terms[key] = false;
    });
    doc.terms = terms;
  }

  scope.ppSearch = { fold: fold, indexForms: indexForms, expandQuery: expandQuery, foldSynonyms: foldSynonyms, presentDocument: presentDocument };

  if (typeof WorkerGlobalScope === "undefined" || !(scope instanceof WorkerGlobalScope)) return;

  // --- inside the search worker --------------------------------------------------------
  var SETUP = 0, QUERY = 2, RESULT = 3; // the theme's SearchMessageType values
  var theme = decodeURIComponent(location.hash.slice(1)); // the theme's worker, named by search-on-demand.js
  var synonyms = {}, language = "en", config = { pipeline: [] }, analysis = { words: [], extra: [] };

  function stopWords(config) {
    var lunr = scope.lunr, own = language === "en" ? lunr.stopWordFilter : lunr[language] && lunr[language].stopWordFilter;
    var used = own && config.pipeline.indexOf("stopWordFilter") >= 0;
    return function (word) { return used && !own(new lunr.Token(word.toLowerCase())); };
  }

  function stemmer() {
    var lunr = scope.lunr, own = language === "en" ? lunr.stemmer : lunr[language] && lunr[language].stemmer;
    return function (word) {
      if (!own || !/^[\p{Script=Latin}\p{M}]+$/u.test(word)) return "";
      return fold(String(own(new lunr.Token(word.toLowerCase()))));
    };
  }

  // Before the theme's listener: fold the query, read the synonyms and language at setup.
  scope.addEventListener("message", function (event) {
    var message = event.data;
    if (message.type === SETUP) {
      config = message.data.config;
      synonyms = foldSynonyms(config.synonyms);
      language = config.lang[0];
    } else if (message.type === QUERY && typeof message.data === "string") {
      analysis = expandQuery(message.data, synonyms, stemmer(), stopWords(config));
      message.data = analysis.query;
    }
  });

  var post = scope.postMessage.bind(scope);
  scope.postMessage = function (message) {
    if (message && message.type === RESULT && message.data && message.data.items) {
      message.data.items.forEach(function (group) {
        group.forEach(function (doc) { presentDocument(doc, analysis); });
      });
    }
    post(message);
  };

  // The theme loads its language files relative to its own worker's address.
  var load = scope.importScripts;
  scope.importScripts = function () {
    return load.apply(scope, Array.prototype.map.call(arguments, function (url) { return new URL(url, theme).href; }));
  };
  scope.importScripts(theme);

  // Every document the theme indexes goes through its tokenizer: index the folded forms.
  var lunr = scope.lunr, ref = lunr.Builder.prototype.ref;
  lunr.Builder.prototype.ref = function () {
    var tokenize = this.tokenizer, stem = stemmer();
    this.tokenizer = function () {
      var tokens = tokenize.apply(this, arguments), result = [];
      tokens.forEach(function (token, i) {
        var next = tokens[i + 1] && tokens[i + 1].toString();
        indexForms(token.toString(), next, stem).forEach(function (form) {
          result.push(new lunr.Token(form, token.metadata));
        });
      });
      return result;
    };
    return ref.apply(this, arguments);
  };

  // A word found under several forms (itself, its stem, a pair) is one place in the text:
  // the theme marks each position once.
  var query = lunr.Index.prototype.query;
  lunr.Index.prototype.query = function () {
    var results = query.apply(this, arguments);
    results.forEach(function (result) {
      var seen = {}, metadata = result.matchData.metadata;
      Object.keys(metadata).forEach(function (term) {
        Object.keys(metadata[term]).forEach(function (field) {
          var found = metadata[term][field];
          if (!found.position) return;
          found.position = found.position.filter(function (position) {
            var key = field + ":" + position;
            return seen[key] ? false : (seen[key] = true);
          });
        });
      });
    });
    return results;
  };
})(typeof self !== "undefined" ? self : globalThis);

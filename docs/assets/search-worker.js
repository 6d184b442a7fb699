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
 *  - Words of a script that separates words with spaces also make pairs ("_ong_thong"), on
 *    both sides: a query of several words ranks first the pages that have them in that
 *    order (Vietnamese terms are several syllables: "ống thông", "gây tê").
 *    Two Latin-script words typed also find the word a page writes as one ("blood work":
 *    "Bloodwork").
 *  - Latin-script words also give their stem, with the language's lunr stemmer where it has
 *    one ("sedated" finds "sedation"); queries match word beginnings, as the theme does.
 *  - A query word listed in the language's synonyms (l10n/<lang>/synonyms.yml, written
 *    into the index by scripts/sitekit/build/language_outputs.py) also searches for the words
 *    the pages use; a query word in its stop words (l10n/<lang>/stopwords.yml, the same way)
 *    neither matches nor pairs while other words remain (lunr's own lists are not used).
 *  - Ranking: rankPages (a page holding the words typed before a short title holding one,
 *    each word weighed by how few pages hold it, more on the one page whose titles hold it,
 *    less on a page holding it only in another form when another holds it as typed;
 *    of equally good pages the one whose title is the words typed first, then the one that
 *    opens with them, then the guide's order, the home page last).
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
  var HAN = /^\p{Script=Han}+$/u;
  var LATIN = /^\p{Script=Latin}+$/u;
  var EXACT_BOOST = 10; // a Chinese word of the index typed whole ranks before the words found inside others
  var CONTAINING = 8; // at most this many index words holding a Chinese piece the index lacks as a word
  var FUZZY_LENGTH = 5; // words of this many letters or more also match with one letter wrong
  // A word in a section's title counts this many times one in its text (the theme's 1000
  // made a short title holding one word typed, "pump" in the site's name, beat the page
  // whose text answers).
  var TITLE_BOOST = 10;
  var COVERAGE = 4; // a page's score × (the share of the words typed it holds) to this power
  var FUZZY_SHARE = 0.25; // a word a page holds only with one letter wrong counts this share of its weight
  // A Latin-script word a page holds only in another form of it (the same stem: "moving" for
  // "move", "evaluate" for "evaluation") counts this share of its weight where another page
  // holds it as typed (or as its synonym), as search engines rank the form typed before its
  // other forms: "can the catheter move" finds the page that says "dislodging" (move's
  // synonym) before the one that says "moving forward". Where no page holds the form typed
  // ("refilled": refill), its other forms count whole; so does a word cut short ("cath").
  var INFLECTED = 0.75;
  // Pages whose scores are this close (the lower at least 80 % of the higher) are equally
  // good: on pages this short one mention more of a word typed moves a score by 10-20 %
  // (麻醉, anesthesia: three times on the implantation page, twice on the trial's), which
  // says nothing of which page answers.
  var EVEN = 0.8;
  // A word typed that the titles (the page's or its sections') of one page only hold is that
  // page's subject: it weighs this many times more there ("what happens if the trial works":
  // "trial", in the trial page's headings, outweighs "works", which one other page holds).
  var HEADING = 2;
  var UNTITLED = 1e9; // the place of a page none of whose titles holds a word typed

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

  /** Two neighbouring words as one index term. It starts with "_", so a word's search (the
   * theme looks words up as beginnings: `catheter*`) never also counts the pairs it begins,
   * which made a page where the word is followed by more different words rank higher. */
  function pair(a, b) {
    return "_" + a + "_" + b;
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
   * other words remain), then what it should also find: stems, synonyms, each pair of
   * neighbouring words (boosted, so that pages with the words in that order come first),
   * the word with one letter wrong (words of five letters or more), and, for Chinese, the
   * words of the index a run of characters is made of (`vocabulary`: the index's words).
   * `words`: what was typed, with the forms that count as finding it. */
  function expandQuery(query, synonyms, stem, isStopWord, vocabulary) {
    var typed = query.match(RUN) || [], extra = [], boosted = [], words = [], direct = [];
    var folded = typed.map(foldRun), wordStems = typed.map(function (word) { return stem(word); });
    var stop = folded.map(function (word, i) { return isStopWord(typed[i], word); });
    if (stop.every(Boolean)) stop = stop.map(function () { return false; });
    folded.forEach(function (word, i) {
      var forms = [word], stemmed = wordStems[i];
      if (stemmed && stemmed !== word) forms.push(stemmed);
      words.push({ typed: typed[i], folded: word, forms: forms, stop: stop[i], stem: stemmed && stemmed !== word ? stemmed : "" });
    });
    // A word typed in another form of a word the synonyms list holds alone (the same stem:
    // "spasm" for "spasms", "exercising" for "exercise") has its synonyms too, as search
    // engines find synonyms after stemming; never a stop word ("get" is no "getting") nor a
    // word the index holds as typed (the pages' own word: "implanted" is no "implant").
    var restemmed = folded.map(function (word, i) {
      return !stop[i] && !(vocabulary && vocabulary.indexed && vocabulary.indexed(word)) && wordStems[i];
    });
    Object.keys(synonyms).forEach(function (key) {
      var keyWords = key.split(" "), keyStem = keyWords.length === 1 && stem(key);
      for (var i = 0; i + keyWords.length <= folded.length; i++) {
        var sameStem = Boolean(keyStem) && restemmed[i] === keyStem;
        if (folded.slice(i, i + keyWords.length).join(" ") !== key && !sameStem) continue;
        synonyms[key].forEach(function (target) {
          var targetWords = indexWords(target.split(" "), vocabulary, isStopWord), forms = targetForms(target, vocabulary, isStopWord);
          words.slice(i, i + keyWords.length).forEach(function (word) {
            word.forms.push.apply(word.forms, forms);
            if (keyWords.length > 1) word.phrase = true;
          });
          extra.push.apply(extra, targetWords);
          boosted.push.apply(boosted, pairs(targetWords));
        });
      }
    });
    pairs(folded).forEach(function (both, i) {
      if (!both || stop[i] || stop[i + 1]) return;
      // Two words typed also find the word the page writes as one ("blood work": "Bloodwork").
      var joined = LATIN.test(folded[i]) && LATIN.test(folded[i + 1]) ? [folded[i] + folded[i + 1]] : [];
      [both].concat(joined).forEach(function (term) { boosted.push(term); words[i].forms.push(term); words[i + 1].forms.push(term); });
    });
    var main = [];
    folded.forEach(function (word, i) {
      if (stop[i]) return;
      if (HAN.test(word) && vocabulary && !synonyms[word]) {
        var found = segmentHan(word, vocabulary, isStopWord, synonyms);
        found.pieces.forEach(function (piece) { main.push(piece); });
        found.exact.forEach(function (piece) { direct.push(piece + "^" + EXACT_BOOST); });
        words[i].forms.push.apply(words[i].forms, found.pieces.concat(found.exact, found.inside));
        words[i].units = found.units; // each piece a word of its own, for rankPages
        words[i].pieces = found.pieces;
        words[i].chars = found.chars; // pieces that are single characters the index holds in no word of its own
        extra.push.apply(extra, found.inside);
        return;
      }
      if (words[i].phrase) return; // a word of a phrase the synonyms list: searched as the phrase means
      main.push(word);
      if (spaced(word) && Array.from(word).length >= FUZZY_LENGTH && !/\p{N}/u.test(word)) direct.push(word + "~1");
    });
    words.forEach(function (word) { extra.push.apply(extra, flat(word.forms.slice(1))); });
    extra = unique(extra.concat(boosted)).filter(function (term) { return folded.indexOf(term) < 0 && main.indexOf(term) < 0; });
    if (/["+\-:^~*]/.test(query)) main = [query.replace(RUN, foldRun)]; // the theme's query syntax: kept as typed
    var also = extra.map(function (term) { return boosted.indexOf(term) < 0 ? term : term + "*^" + PAIR_BOOST; });
    return { query: unique(main).concat(unique(direct), also).join(" ").trim(), words: words, extra: extra };
  }

  /** A run of Chinese characters as the index's words: the fewest pieces, each a word of
   * the index (`exact`) or a synonym (its pages' words count as exact), else part of a word
   * (`inside`: the index words holding it), else a single character (with the index words
   * holding it), so an unknown word never drops the query; stop words are left out. `vocabulary`: {words: the index's Chinese words, has(word)}. */
  function segmentHan(run, vocabulary, isStopWord, synonyms) {
    synonyms = synonyms || {};
    var chars = Array.from(run), n = chars.length, best = [{ cost: 0 }];
    function holding(piece) {
      var found = [];
      for (var k = 0; k < vocabulary.words.length && found.length < CONTAINING; k++) {
        if (vocabulary.words[k] !== piece && vocabulary.words[k].indexOf(piece) >= 0) found.push(vocabulary.words[k]);
      }
      return found;
    }
    for (var end = 1; end <= n; end++) {
      for (var start = 0; start < end; start++) {
        if (!best[start]) continue;
        var piece = chars.slice(start, end).join(""), kind = null, cost;
        if (isStopWord(piece, piece)) { kind = "stop"; cost = 1; }
        else if (vocabulary.has(piece)) { kind = "exact"; cost = 1; }
        else if (synonyms[piece]) { kind = "synonym"; cost = 1; }
        else if (end - start > 1 && holding(piece).length) { kind = "inside"; cost = 1.5; }
        else if (end - start === 1) { kind = "char"; cost = 3; }
        if (!kind) continue;
        cost += best[start].cost;
        if (!best[end] || cost < best[end].cost) best[end] = { cost: cost, start: start, kind: kind, piece: piece };
      }
    }
    var pieces = [], exact = [], inside = [], parts = [], units = [], chars = [];
    for (var at = n; at > 0; at = best[at].start) parts.unshift(best[at]);
    var meaningful = parts.filter(function (part) { return part.kind !== "stop"; });
    (meaningful.length ? meaningful : parts).forEach(function (part) {
      var found = [], forms;
      pieces.push(part.piece);
      if (part.kind === "exact") found = [part.piece];
      else if (part.kind === "synonym") found = indexWords(synonyms[part.piece], vocabulary, isStopWord); // the pages' words
      else inside.push.apply(inside, (found = holding(part.piece)));
      if (part.kind === "exact" && synonyms[part.piece]) found = unique(found.concat(indexWords(synonyms[part.piece], vocabulary, isStopWord))); // an index word the list holds too: 几天
      if (part.kind === "exact" || part.kind === "synonym") exact.push.apply(exact, found);
      if (part.kind === "synonym" || (part.kind === "exact" && synonyms[part.piece])) {
        forms = [].concat.apply(part.kind === "exact" ? [part.piece] : [], synonyms[part.piece].map(function (target) { return targetForms(target, vocabulary, isStopWord); }));
      }
      units.push([part.piece].concat(forms || found));
      if (part.kind === "char") chars.push(units.length - 1);
    });
    return { pieces: pieces, exact: exact, inside: unique(inside), units: units, chars: chars };
  }

  /** Words of the pages (a synonym's targets) as the index holds them: a Chinese word the
   * segmentation split (镇痛泵 indexed as 镇痛 and 泵) becomes the index's words. */
  function indexWords(targets, vocabulary, isStopWord) {
    var result = [];
    targets.forEach(function (target) {
      if (!vocabulary || !HAN.test(target) || vocabulary.has(target)) return result.push(target);
      var found = segmentHan(target, vocabulary, isStopWord);
      result.push.apply(result, found.exact.length || found.inside.length ? found.exact.concat(found.inside) : found.pieces);
    });
    return unique(result);
  }

  /** A synonym's target as what finds the word typed: a target of several words (stop words
   * aside), or a Chinese word the index holds split, only where a page holds every one of
   * them (a list: "painkiller" is found by "pain medications", never by "pain" alone, which
   * every page holds; 伤口 by 植入部位, indexed as 植入 and 部位, never by 植入 alone). */
  function targetForms(target, vocabulary, isStopWord) {
    var parts = target.split(" ").filter(function (word) { return word && !isStopWord(word, word); });
    if (parts.length > 1) return [parts];
    if (!vocabulary || !HAN.test(target) || vocabulary.has(target)) return [target];
    var found = segmentHan(target, vocabulary, isStopWord);
    return found.exact.length > 1 && !found.inside.length ? [found.exact] : indexWords([target], vocabulary, isStopWord);
  }

  /** Forms as index terms: a list of words that count only together (targetForms) is its words. */
  function flat(forms) {
    return [].concat.apply([], forms);
  }

  /** The index's Chinese words, for segmentHan (`words`, `has`), and whether the index holds
   * a term at all (`indexed`). */
  function hanVocabulary(terms) {
    var words = terms.filter(function (term) { return HAN.test(term); }).sort(function (a, b) { return a.length - b.length || (a < b ? -1 : 1); });
    var known = {}, all = new Set(terms);
    words.forEach(function (word) { known[word] = true; });
    return { words: words, has: function (word) { return known[word] === true; }, indexed: function (term) { return all.has(term); } };
  }

  /** Whether a word is one of `words`, the language's stop words (l10n/<lang>/stopwords.yml,
   * which the build writes into the index), as folded. */
  function ownStopWords(words) {
    var list = {};
    (words || []).forEach(function (word) { list[word.replace(RUN, foldRun)] = true; });
    return function (typed, folded) { return list[folded === undefined ? typed.replace(RUN, foldRun) : folded] === true; };
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
      flat(word.forms).forEach(function (form) { covered[form] = true; });
      var found = word.forms.some(function (form) { return [].concat(form).every(function (part) { return given[part]; }); });
      if (!found && given[word.folded] === false) terms[word.typed] = false;
    });
    Object.keys(given).forEach(function (key) {
      if (given[key] === false && !covered[key] && analysis.extra.indexOf(key) < 0) terms[key] = false;
    });
    doc.terms = terms;
  }

  /** The query words (not stop words) a result's matched index terms (`found`) contain:
   * a term found through one of the word's forms (as a beginning, as the theme searches;
   * its stem only as the whole stem of a word of the page, the index holds each word's stem:
   * "numbing", stem "numb", is not in "number"), or within the one edit of tolerance.
   * `whole`: a single Chinese character the index holds in no word of its own counts only
   * as such a word, never inside others (what
   * reads as found to the reader, markMissing; the ranking counts it inside words too).
   * `exactly`: only the words found through their forms, never within the edit.
   * `inflected(term, word)`: when given, whether a term found holds a Latin-script word typed
   * only in another form of it (INFLECTED): such a word counts only when a page holds it
   * otherwise too (as typed, cut short, or through a synonym or a pair). */
  function wordsFound(analysis, found, whole, exactly, inflected) {
    var covered = [], at = 0;
    analysis.words.forEach(function (word) {
      if (word.stop) return;
      var fuzzy = !exactly && !word.phrase && spaced(word.folded) && Array.from(word.folded).length >= FUZZY_LENGTH;
      var own = word.phrase ? word.forms.filter(function (form) { return form !== word.folded && form !== word.stem; }) : word.forms;
      (word.units || [own]).forEach(function (forms, i) { // a Chinese run: each of its pieces
        var alone = whole && word.chars && word.chars.indexOf(i) >= 0;
        var tellForms = inflected && LATIN.test(word.folded); // a Latin-script word: its form typed is told apart
        function holds(form) { // a form, or every word of a list of them (targetForms)
          if (Array.isArray(form)) return form.every(holds);
          if (tellForms && (form === word.folded || form === word.stem)) {
            return found.some(function (term) { return term.indexOf(form) === 0 && (form !== word.stem || term === form) && !inflected(term, word); });
          }
          return found.some(function (term) { return form === word.stem ? term === form : term.indexOf(form) === 0; });
        }
        var hit = alone ? found.indexOf(forms[0]) >= 0 : forms.some(holds) || (fuzzy && found.some(function (term) { return oneEditApart(term, word.folded); }));
        if (hit) covered.push(at);
        at++;
      });
    });
    return covered;
  }

  /** What was typed for each query word wordsFound counts (a Chinese run: its pieces). */
  function wordLabels(analysis) {
    var labels = [];
    analysis.words.forEach(function (word) {
      if (word.stop) return;
      if (word.units) word.units.forEach(function (unit, i) { labels.push(word.pieces[i]); });
      else labels.push(word.typed);
    });
    return labels;
  }

  /** The best page, as search-on-demand.js reads it: a word typed that no section of it
   * holds is marked missing (false) in its first result's terms, so the help under the
   * results says that no page has every word (and offers the clinic). */
  function markMissing(group, covered, analysis) {
    if (!group || !group[0]) return;
    var found = {};
    group.forEach(function (doc) { (covered[doc.location] || []).forEach(function (i) { found[i] = true; }); });
    var terms = group[0].terms || (group[0].terms = {});
    wordLabels(analysis).forEach(function (label, i) { if (!found[i]) terms[label] = false; });
  }

  function oneEditApart(a, b) {
    if (Math.abs(a.length - b.length) > 1) return false;
    var i = 0, j = 0, edits = 0;
    while (i < a.length && j < b.length) {
      if (a[i] === b[j]) { i++; j++; continue; }
      if (++edits > 1) return false;
      if (a.length > b.length) i++;
      else if (b.length > a.length) j++;
      else { i++; j++; }
    }
    return edits + (a.length - i) + (b.length - j) <= 1;
  }

  /** How much each word typed says about a page: the fewer pages hold it, the more
   * (inverse document frequency: ln(1 + pages / pages holding it)), so a word every page
   * holds ("pump" in the site's name) counts little and the incidental words of a long
   * question count less than the word that carries it. `held`: for each page, the indexes
   * of the words it holds; `pages`: how many pages the language has. */
  function wordWeights(held, pages) {
    var holding = {}, weights = {};
    held.forEach(function (words) { Object.keys(words).forEach(function (i) { holding[i] = (holding[i] || 0) + 1; }); });
    var total = Math.max(pages, held.length);
    Object.keys(holding).forEach(function (i) { weights[i] = Math.log(1 + total / holding[i]); });
    return weights;
  }

  /** How nearly a page's title is the words typed: the share of its words (stop words aside)
   * that are words found (the theme marks them, <mark>) and the share of the words found
   * (`found`: how many words typed any page holds) that its title holds, combined as their
   * harmonic mean. Among equally good pages the more specific comes first: "what is a pain
   * pump" finds the guide's home, "Pain pump implantation", before "Conditions a pain pump
   * can help with"; "what conditions can a pain pump treat" the conditions. */
  function titleShare(group, isStopWord, found) {
    var page = group.filter(function (doc) { return doc.location.indexOf("#") < 0; })[0] || group[0];
    var title = (page && page.title) || "", marked = 0, distinct = {};
    title.replace(/<mark[^>]*>([^<]*)<\/mark>/g, function (_, word) {
      (word.match(RUN) || []).forEach(function (run) { marked++; distinct[foldRun(run)] = true; });
    });
    var words = (title.replace(/<[^>]*>/g, "").match(RUN) || []).filter(function (word) { return !isStopWord(word); }).length;
    if (!words || !marked || !found) return 0;
    var ofTitle = Math.min(1, marked / words), ofQuery = Math.min(1, Object.keys(distinct).length / found);
    return (2 * ofTitle * ofQuery) / (ofTitle + ofQuery);
  }

  /** The result pages in the order readers get them. Each page's score (the theme's: its
   * best section) is multiplied by the share of the words typed it holds, each word
   * weighted by how few pages hold it (wordWeights; stop words aside; a word counts when any
   * section of the page holds it; the share of the most any page holds), to the power
   * COVERAGE: a page with every word beats a short title with one, and a page with the rare
   * word beats one with the words every page has; a word the titles of one page only hold
   * counts HEADING times for that page. Pages whose scores are within EVEN of each other
   * are equally good: the more specific page first (titleShare: the more of its title the
   * words found make up), then the page with a title holding a word typed nearest its
   * start (a page that opens with the subject is about it; one that ends with it hands the
   * reader on: the implantation page's last section, "Going home", sends the reader to the
   * page after it, which opens with "When can I go home?"), then the guide's order
   * (`guide`: the pages' addresses as the build orders them, the home page last), the page
   * where the reader meets the subject first. `covered`: result location → indexes of the
   * words it holds; `exact`: those it holds as typed (not only within the one edit of
   * tolerance: such a word counts FUZZY_SHARE of its weight, so "tengo" found as "tenga" on
   * one page does not outweigh the word that carries the question; without `exact`, every
   * word is exact); `headed`: those its title holds as typed; `places`: each location's
   * place in its page (sectionPlaces); `typed`: when given, those of `exact` it holds in the
   * form typed (a word it holds only in another form counts INFLECTED of its weight where
   * another page holds it as typed). */
  function rankPages(groups, covered, guide, exact, isStopWord, headed, places, typed) {
    guide = guide || [];
    isStopWord = isStopWord || function () { return false; };
    exact = exact || covered;
    headed = headed || {};
    places = places || {};
    var ranked = groups.map(function (group, order) {
      var words = {}, score = 0, page = group[0] ? group[0].location.split("#")[0] : "";
      group.forEach(function (doc) {
        (covered[doc.location] || []).forEach(function (i) { words[i] = words[i] || FUZZY_SHARE; });
        score = Math.max(score, doc.score || 0);
      });
      group.forEach(function (doc) { (exact[doc.location] || []).forEach(function (i) { words[i] = typed ? Math.max(words[i], INFLECTED) : 1; }); });
      if (typed) group.forEach(function (doc) { (typed[doc.location] || []).forEach(function (i) { words[i] = 1; }); });
      var titled = {}, opens = UNTITLED;
      group.forEach(function (doc) {
        var held = headed[doc.location] || [];
        held.forEach(function (i) { titled[i] = true; });
        if (held.length) opens = Math.min(opens, places[doc.location] || 0);
      });
      var place = guide.indexOf(page);
      return { group: group, words: words, titled: titled, opens: opens, score: score, order: order, place: place < 0 ? guide.length : place };
    });
    if (typed) { // a word no page holds as typed: its other forms are the best there is
      var asTyped = {};
      Object.keys(typed).forEach(function (location) { typed[location].forEach(function (i) { asTyped[i] = true; }); });
      ranked.forEach(function (entry) {
        Object.keys(entry.words).forEach(function (i) { if (entry.words[i] === INFLECTED && !asTyped[i]) entry.words[i] = 1; });
      });
    }
    var weights = wordWeights(ranked.map(function (entry) { return entry.words; }), guide.length);
    var titling = {}; // word → how many pages' titles hold it
    ranked.forEach(function (entry) { Object.keys(entry.titled).forEach(function (i) { titling[i] = (titling[i] || 0) + 1; }); });
    ranked.forEach(function (entry) {
      Object.keys(entry.titled).forEach(function (i) { if (titling[i] === 1) entry.words[i] = HEADING; });
    });
    ranked.forEach(function (entry) { entry.specific = titleShare(entry.group, isStopWord, Object.keys(weights).length); });
    ranked.forEach(function (entry) {
      entry.weight = Object.keys(entry.words).reduce(function (sum, i) { return sum + weights[i] * entry.words[i]; }, 0);
    });
    var most = Math.max.apply(null, ranked.map(function (entry) { return entry.weight; }));
    ranked.forEach(function (entry) { entry.score *= most > 0 ? Math.pow(entry.weight / most, COVERAGE) : 1; });
    ranked.sort(function (a, b) {
      var low = Math.min(a.score, b.score), high = Math.max(a.score, b.score);
      if (low < EVEN * high) return b.score - a.score;
      return b.specific - a.specific || a.opens - b.opens || a.place - b.place || a.order - b.order;
    });
    return ranked.map(function (entry) { return entry.group; });
  }

  /** Each section's place in its page, from the index's locations in order: the page and
   * its title (its first section) 0, the next section 1, … */
  function sectionPlaces(locations) {
    var places = {}, sections = {};
    locations.forEach(function (location) {
      var page = location.split("#")[0];
      places[location] = location === page ? 0 : Math.max(0, (sections[page] = (sections[page] || 0) + 1) - 1);
    });
    return places;
  }

  /** The key of a place where the index holds a word's stem (not the word itself). */
  function stemPlace(ref, field, position, term) {
    return [ref, field, position[0], term].join("\u0000");
  }

  /** Whether a term found in `ref` holds a word typed only in another form of it (for
   * wordsFound): the index holds it there only as the stem of another word ("move" where
   * the page says "moving"), or it is another word of the same stem ("working" for "work");
   * never a word cut short ("cath": "catheter", stem "cathet"). `metadata`: lunr's, term →
   * field → positions; `stems`: the places where the index holds a stem only (stemPlace). */
  function inflection(ref, metadata, stem, stems) {
    return function (term, word) {
      var places = [];
      Object.keys(metadata[term] || {}).forEach(function (field) {
        (metadata[term][field].position || []).forEach(function (position) { places.push(stemPlace(ref, field, position, term)); });
      });
      if (places.length && places.every(function (place) { return stems[place]; })) return true;
      return term !== word.folded && (stem(term) || term) === (stem(word.folded) || word.folded);
    };
  }

  scope.ppSearch = {
    fold: fold, indexForms: indexForms, expandQuery: expandQuery, foldSynonyms: foldSynonyms, presentDocument: presentDocument,
    segmentHan: segmentHan, hanVocabulary: hanVocabulary, stopWords: ownStopWords, wordsFound: wordsFound, rankPages: rankPages,
    wordWeights: wordWeights, inflection: inflection, stemPlace: stemPlace,
    sectionPlaces: sectionPlaces, markMissing: markMissing
  };

  if (typeof WorkerGlobalScope === "undefined" || !(scope instanceof WorkerGlobalScope)) return;

  // --- inside the search worker --------------------------------------------------------
  var SETUP = 0, READY = 1, QUERY = 2, RESULT = 3; // the theme's SearchMessageType values
  // Named by search-on-demand.js: the theme's worker; when it starts the worker beside the
  // bundle, also lunr's files for the language and the index, with the theme's setting of
  // suggestions: lunr's files are loaded at once, and the index taken from the browser's
  // cache (the page fetched it a moment ago: force-cache neither fetches it again nor
  // asks whether it changed) and built as soon as it is here.
  var named = new URLSearchParams(location.hash.slice(1)), theme = named.get("theme");
  var synonyms = {}, config = { pipeline: [] }, analysis = { words: [], extra: [] }, vocabulary = null, covered = {}, exact = {}, headed = {}, shown = {}, places = {};
  var typed = {}, stems = {}, adding = ""; // words found as typed; the places where the index holds only a word's stem
  // The index built before the bundle has run (a SETUP marked early): the theme's own SETUP,
  // with the same index, is answered READY at once. "building" until the theme says READY,
  // then "built"; when the early build failed, the theme's own SETUP builds the index
  // ("theme's": an early SETUP after it is not built again).
  var early = "";


  function stemmer() {
    var lunr = scope.lunr, lang = config.lang[0], own = lang === "en" ? lunr.stemmer : lunr[lang] && lunr[lang].stemmer;
    return function (word) {
      if (!own || !/^[\p{Script=Latin}\p{M}]+$/u.test(word)) return "";
      return fold(String(own(new lunr.Token(word.toLowerCase()))));
    };
  }

  // Before the theme's listener: fold the query, read the synonyms and the title's weight at setup.
  scope.addEventListener("message", function (event) {
    var message = event.data;
    if (message.type === SETUP && !message.early && early === "built") {
      event.stopImmediatePropagation();
      post({ type: READY });
    } else if (message.type === SETUP && message.early && early === "theme's") {
      event.stopImmediatePropagation(); // the theme's SETUP came first (its bundle cached): built already
    } else if (message.type === SETUP) {
      early = message.early ? "building" : "theme's";
      config = message.data.config;
      if (config.fields && config.fields.title) config.fields.title.boost = TITLE_BOOST;
      // The language's stop words are its translator's (config.stop_words), left out of
      // queries only: lunr's lists, which the theme applies to the index too, hold words
      // this guide is about ("after", "antes", "después") and made them unsearchable.
      config.pipeline = (config.pipeline || []).filter(function (step) { return step !== "stopWordFilter"; });
      synonyms = foldSynonyms(config.synonyms);
    } else if (message.type === QUERY && typeof message.data === "string") {
      analysis = expandQuery(message.data, synonyms, stemmer(), ownStopWords(config.stop_words), vocabulary);
      covered = {};
      exact = {};
      typed = {};
      headed = {};
      shown = {};
      message.data = analysis.query;
    }
  });

  var post = scope.postMessage.bind(scope);
  scope.postMessage = function (message) {
    if (message && message.type === READY && early === "building") {
      early = "built"; // the bundle is told when it sends its own SETUP
      return;
    }
    if (message && message.type === RESULT && message.data && message.data.items) {
      message.data.items = rankPages(message.data.items, covered, config.pages, exact, ownStopWords(config.stop_words), headed, places, typed);
      message.data.items.forEach(function (group) {
        group.forEach(function (doc) { presentDocument(doc, analysis); });
      });
      markMissing(message.data.items[0], shown, analysis);
    }
    post(message);
  };

  // The theme loads its language files relative to its own worker's address; a file already
  // loaded is not loaded again. A language file's stop word filter lunr does not know by name
  // (Vietnamese's) is named, or lunr warns "Function is not registered with pipeline" when
  // the index is built.
  var load = scope.importScripts, imported = {};
  scope.importScripts = function () {
    var urls = Array.prototype.map.call(arguments, function (url) { return new URL(url, theme).href; });
    urls = urls.filter(function (url) { return !imported[url]; });
    var result = urls.length ? load.apply(scope, urls) : undefined;
    urls.forEach(function (url) { imported[url] = true; });
    var lunr = scope.lunr;
    if (lunr && lunr.Pipeline) {
      Object.keys(lunr).forEach(function (lang) {
        ["stopWordFilter", "trimmer", "stemmer"].forEach(function (name) {
          var fn = /^[a-z]{2}$/.test(lang) && lunr[lang] && lunr[lang][name];
          if (typeof fn === "function" && !fn.label) lunr.Pipeline.registerFunction(fn, name + "-" + lang);
        });
      });
    }
    return result;
  };
  var indexText = named.get("index") && fetch(named.get("index"), { cache: "force-cache", credentials: "same-origin" }).then(function (response) {
    if (!response.ok) throw new Error(response.statusText);
    return response.json();
  });
  scope.importScripts(theme);
  try {
    scope.importScripts.apply(scope, named.getAll("lunr"));
  } catch (error) {
    // not loaded: the theme asks for them again at setup
  }
  if (indexText) {
    indexText.then(function (data) {
      var setup = { type: SETUP, early: true, data: { config: data.config, docs: data.docs, options: { suggest: named.has("suggest") } } };
      scope.dispatchEvent(new MessageEvent("message", { data: setup }));
    }).catch(function () {}); // the theme's own SETUP builds it
  }

  // Every document the theme indexes goes through its tokenizer: index the folded forms.
  var lunr = scope.lunr, ref = lunr.Builder.prototype.ref;
  lunr.Builder.prototype.ref = function () {
    var tokenize = this.tokenizer, stem = stemmer();
    this.tokenizer = function (text, metadata) {
      var tokens = tokenize.apply(this, arguments), result = [], field = ((metadata && metadata.fields) || [])[0];
      tokens.forEach(function (token, i) {
        var next = tokens[i + 1] && tokens[i + 1].toString(), forms = indexForms(token.toString(), next, stem);
        forms.forEach(function (form, k) {
          if (k === 1 && form[0] !== "_" && token.metadata.position) stems[stemPlace(adding, field, token.metadata.position, form)] = true;
          result.push(new lunr.Token(form, token.metadata));
        });
      });
      return result;
    };
    return ref.apply(this, arguments);
  };

  // The index, once built: its Chinese words segment queries here (segmentHan); the theme's
  // own segmentation, which drops a query whose first characters are no word of the index,
  // is given nothing to match (it asks the inverted index with `in`; lunr reads it by key).
  var build = lunr.Builder.prototype.build, add = lunr.Builder.prototype.add, indexed = [];
  lunr.Builder.prototype.add = function (doc) {
    indexed.push(doc.location); // the sections in their pages' order, for rankPages
    adding = doc.location;
    return add.apply(this, arguments);
  };
  lunr.Builder.prototype.build = function () {
    var index = build.apply(this, arguments);
    places = sectionPlaces(indexed);
    indexed = []; // a second build (after a failed early one) counts its own sections
    vocabulary = hanVocabulary(Object.keys(index.invertedIndex));
    index.invertedIndex = new Proxy(index.invertedIndex, { has: function () { return false; } });
    return index;
  };

  // A word found under several forms (itself, its stem, a pair) is one place in the text:
  // the theme marks each position once.
  var query = lunr.Index.prototype.query;
  lunr.Index.prototype.query = function () {
    var results = query.apply(this, arguments);
    var stem = stemmer();
    results.forEach(function (result) {
      var seen = {}, metadata = result.matchData.metadata, terms = Object.keys(metadata);
      covered[result.ref] = wordsFound(analysis, terms);
      exact[result.ref] = wordsFound(analysis, terms, false, true);
      typed[result.ref] = wordsFound(analysis, terms, false, true, inflection(result.ref, metadata, stem, stems));
      headed[result.ref] = wordsFound(analysis, terms.filter(function (term) { return metadata[term].title; }), false, true);
      shown[result.ref] = wordsFound(analysis, terms, true);
      terms.forEach(function (term) {
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

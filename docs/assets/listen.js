/* Listen: the page's own text (its title, paragraphs, list items, table cells, boxes; not
 * the header, menus, share panel, language suggestion or section links) read aloud, sentence by sentence, with
 * the device's own voice for the page's language (assets/site.js chooses it and loads this
 * file on the first press). The sentence being read is highlighted (CSS Custom Highlight
 * API: the page's markup is never changed, so a screen reader reads the page as it is and
 * nothing is announced twice). One button plays, pauses and resumes; another stops. */
window.ppListen = (function () {
  "use strict";
  var BLOCKS = "h1, h2, h3, h4, h5, h6, p, li, dt, dd, th, td, figcaption";
  var SKIPPED = ".pp-share, .pp-listen, .pp-contents, .pp-handout, .pp-suggestion, .headerlink, .pp-top, script, style";
  var reading = null;  // {sentences, index, voice, play, stop}

  function sentences(article, lang) {
    var found = [];
    var segmenter = window.Intl && Intl.Segmenter ? new Intl.Segmenter(lang, { granularity: "sentence" }) : null;
    article.querySelectorAll(BLOCKS).forEach(function (block) {
      if (block.closest(SKIPPED) || block.closest("[hidden]")) return;
      var nodes = [], text = "";
      var walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
      for (var node = walker.nextNode(); node; node = walker.nextNode()) {
        var parent = node.parentElement;
        if (parent.closest(SKIPPED) || parent.closest(BLOCKS) !== block) continue;  // a nested block reads its own
        nodes.push({ node: node, start: text.length });
        text += node.data;
      }
      var parts = segmenter ? Array.from(segmenter.segment(text)) : [{ segment: text, index: 0 }];
      parts.forEach(function (part) {
        var words = part.segment.trim();
        if (!words) return;
        var start = part.index + part.segment.indexOf(words);
        found.push({ text: words, range: range(nodes, start, start + words.length) });
      });
    });
    return found;
  }

  function range(nodes, start, end) {
    var made = document.createRange();
    nodes.forEach(function (entry) {
      var length = entry.node.data.length;
      if (start >= entry.start && start <= entry.start + length) made.setStart(entry.node, start - entry.start);
      if (end >= entry.start && end <= entry.start + length) made.setEnd(entry.node, end - entry.start);
    });
    return made;
  }

  function highlight(range) {
    if (!window.CSS || !CSS.highlights) return;
    if (range) CSS.highlights.set("pp-listen", new Highlight(range));
    else CSS.highlights.delete("pp-listen");
  }

  function speak() {
    if (!reading || reading.index >= reading.sentences.length) return stop();
    var sentence = reading.sentences[reading.index];
    var utterance = new SpeechSynthesisUtterance(sentence.text);
    utterance.voice = reading.voice;
    utterance.lang = reading.voice.lang;
    utterance.onstart = function () { highlight(sentence.range); };
    utterance.onend = function () {
      if (!reading || reading.current !== utterance) return;  // stopped, or read again
      reading.index += 1;
      speak();
    };
    reading.current = utterance;
    window.speechSynthesis.speak(utterance);
  }

  function label(state) {
    var play = reading.play;
    play.textContent = play.getAttribute(state === "playing" ? "data-pp-pause" : state === "paused" ? "data-pp-resume" : "data-pp-label");
    play.setAttribute("aria-pressed", state === "playing" ? "true" : "false");
    reading.stop.hidden = state === "stopped";
  }

  function stop() {
    if (!reading) return;
    var done = reading;
    label("stopped");
    reading = null;
    window.speechSynthesis.cancel();
    highlight(null);
    done.play.focus();
  }

  function toggle(box, voice) {
    if (reading && reading.paused) {
      reading.paused = false;
      window.speechSynthesis.resume();
      return label("playing");
    }
    if (reading) {
      reading.paused = true;
      window.speechSynthesis.pause();
      return label("paused");
    }
    var article = box.closest("article") || document.querySelector(".md-content__inner");
    reading = {
      sentences: sentences(article, box.getAttribute("data-pp-voice-lang")),
      index: 0,
      voice: voice,
      play: box.querySelector("[data-pp-listen-play]"),
      stop: box.querySelector("[data-pp-listen-stop]"),
      paused: false,
    };
    if (!reading.stop.ppBound) {
      reading.stop.addEventListener("click", stop);
      reading.stop.ppBound = true;
    }
    window.speechSynthesis.cancel();
    label("playing");
    speak();
  }

  return { toggle: toggle, stop: stop, sentences: sentences };
})();

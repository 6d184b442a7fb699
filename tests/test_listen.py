"""Listen (partials/listen.html, assets/site.js, assets/listen.js): the page's own text read
aloud with the device's own voice for the page's language, in Chromium with the speech API
instrumented in the page (voices of chosen languages present or absent; every utterance
recorded, and finished only when the test says so)."""

from __future__ import annotations

import pytest
from sitekit import browser, model
from sitekit.gate import project_catalogue

CATALOGUE = project_catalogue()

# A stand-in for the browser's speech synthesis: `voices` (language tags) are the device's;
# speak() records what it is handed and starts it; __speech.finish() ends the one being read.
FAKE_SPEECH = """
(() => {
  const voices = %s.map((lang) => ({ name: "Voice " + lang, lang, localService: true, default: false, voiceURI: lang }));
  const state = { spoken: [], current: null, paused: false, cancelled: 0 };
  window.__speech = state;
  class Utterance { constructor(text) { this.text = text; this.lang = ""; this.voice = null; } }
  const synth = new EventTarget();
  synth.getVoices = () => voices;
  synth.speak = (utterance) => {
    state.spoken.push({ text: utterance.text, lang: utterance.lang, voice: utterance.voice && utterance.voice.name });
    state.current = utterance;
    setTimeout(() => utterance.onstart && utterance.onstart(), 0);
  };
  synth.pause = () => { state.paused = true; };
  synth.resume = () => { state.paused = false; };
  synth.cancel = () => { state.cancelled += 1; state.current = null; };
  state.finish = () => { const u = state.current; state.current = null; if (u && u.onend) u.onend(); };
  Object.defineProperty(window, "speechSynthesis", { value: synth, configurable: true });
  window.SpeechSynthesisUtterance = Utterance;
})();
"""


def open_page(context, url: str, voices: list[str]):
    page = context(viewport=browser.PHONE)
    page.add_init_script(FAKE_SPEECH % repr(voices).replace("'", '"'))
    page.goto(url)
    return page


def url_of(site_url: str, lang: str, name: str) -> str:
    return site_url + CATALOGUE.url(lang, name)


@pytest.mark.browser
@pytest.mark.parametrize("lang", [lang.code for lang in CATALOGUE.languages])
def test_listen_is_offered_only_with_a_voice_of_the_pages_language(built_site, context, lang):
    other = next(code.code for code in CATALOGUE.languages if code.code != lang)
    without = open_page(context, url_of(built_site.site_url, lang, "trial.md"), [other])
    assert without.locator("[data-pp-listen]").is_hidden(), "offered with only a voice of another language"
    content = CATALOGUE.content_language(lang, "trial.md")
    page = open_page(context, url_of(built_site.site_url, lang, "trial.md"), [content + "-XX", other])
    button = page.locator("[data-pp-listen-play]")
    assert button.is_visible()
    assert button.inner_text() == CATALOGUE.strings(lang)["listen"]


@pytest.mark.browser
@pytest.mark.parametrize("lang", [lang.code for lang in CATALOGUE.languages])
def test_listen_reads_the_pages_text_in_its_language_sentence_by_sentence(built_site, context, lang):
    content = CATALOGUE.content_language(lang, "trial.md")
    page = open_page(context, url_of(built_site.site_url, lang, "trial.md"), [content])
    page.locator("[data-pp-listen-play]").press("Enter")  # by keyboard
    page.wait_for_function("window.__speech.spoken.length === 1")
    first = page.evaluate("window.__speech.spoken[0]")
    title = page.locator(".md-content h1").inner_text().strip()
    assert first["lang"] == content and first["voice"] == f"Voice {content}"
    assert first["text"] == title
    page.wait_for_function("CSS.highlights.has('pp-listen')")
    assert page.evaluate("[...CSS.highlights.get('pp-listen')][0].toString()") == title
    for _ in range(3):
        page.evaluate("window.__speech.finish()")
    page.wait_for_function("window.__speech.spoken.length === 4")
    spoken = [entry["text"] for entry in page.evaluate("window.__speech.spoken")]
    body = page.locator(".md-content__inner").inner_text()
    assert all(text in body for text in spoken)
    share = page.locator(".pp-share").inner_text()
    assert not any(text in share for text in spoken)
    assert page.evaluate("[...CSS.highlights.get('pp-listen')][0].toString()") == spoken[-1]


@pytest.mark.browser
def test_listen_pauses_resumes_and_stops(built_site, context):
    page = open_page(context, url_of(built_site.site_url, "es", "trial.md"), ["es-ES"])
    play, stop = page.locator("[data-pp-listen-play]"), page.locator("[data-pp-listen-stop]")
    strings = CATALOGUE.strings("es")
    assert stop.is_hidden()
    play.click()
    page.wait_for_function("window.__speech.spoken.length === 1")
    assert play.inner_text() == strings["listen_pause"] and play.get_attribute("aria-pressed") == "true" and stop.is_visible()
    play.click()
    assert page.evaluate("window.__speech.paused") and play.inner_text() == strings["listen_resume"]
    play.click()
    assert not page.evaluate("window.__speech.paused") and play.inner_text() == strings["listen_pause"]
    stop.click()
    assert play.inner_text() == strings["listen"] and stop.is_hidden()
    assert page.evaluate("window.__speech.cancelled") >= 2 and not page.evaluate("CSS.highlights.has('pp-listen')")
    page.evaluate("window.__speech.finish()")  # an utterance that ends after stop reads nothing more
    assert page.evaluate("window.__speech.spoken.length") == 1


@pytest.mark.browser
def test_listen_never_uses_a_voice_outside_the_device(built_site, context):
    """A voice that is not the device's own (localService false: the text would be sent away) is never offered."""
    page = context(viewport=browser.PHONE)
    page.add_init_script((FAKE_SPEECH % '["ar"]').replace("localService: true", "localService: false"))
    page.goto(url_of(built_site.site_url, "ar", "trial.md"))
    assert page.locator("[data-pp-listen]").is_hidden()


def test_listen_is_hidden_without_javascript_and_never_printed(built_site):
    html = (built_site.site / "es" / "trial" / "index.html").read_text(encoding="utf-8")
    assert '<p class="pp-listen" data-pp-listen data-pp-voice-lang="es" hidden>' in html
    css = (model.docs_dir() / "assets" / "site.css").read_text(encoding="utf-8")
    assert ".md-typeset .pp-listen { display: none !important; }" in css

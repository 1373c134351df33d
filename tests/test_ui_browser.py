"""The web UI driven through Debian's Chromium (Playwright, sync API).

The app runs in this process on a free loopback port, over a private index (a copy of
index/, or one built from corpus/ when index/ is out of date), so the uploads below never
touch the repository's index. Screenshots land in ``artifacts/screenshots/``; the README's
``docs/screenshot-ui.png`` is a copy of ``ui-english-question.png``, refreshed by hand.
"""

import re
import shutil
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from conftest import free_port

pytestmark = [
    pytest.mark.browser,
    # Gradio's queue calls pandas APIs that pandas 3 deprecates; not ours to fix.
    pytest.mark.filterwarnings("ignore::pandas.errors.Pandas4Warning"),
]

REPO = Path(__file__).resolve().parent.parent
SHOTS = REPO / "artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
# One question takes ~0.1 s; an ingestion a few seconds. Generous, for a shared machine.
ANSWER_TIMEOUT_MS = 60_000
INGEST_TIMEOUT_MS = 180_000

NEW_ARTICLE = """---
id: upload_blue_tiger
title: ميليشيا "لواء النمر الأزرق" تتوسع في ريف حماة بدعم بيلاروسي
source: Test Wire (وكالة الاختبار)
date: 2024-05-01
---
ميليشيا "لواء النمر الأزرق" تتوسع في ريف حماة بدعم بيلاروسي

أفادت مصادر محلية بأن ميليشيا "لواء النمر الأزرق" افتتحت ثلاثة مقرات جديدة في ريف حماة الشمالي خلال الشهر الماضي.

وتتلقى ميليشيا "لواء النمر الأزرق" دعماً مالياً وعسكرياً من بيلاروسيا، \
التي أرسلت مدربين للإشراف على معسكرات الميليشيا قرب مدينة السلمية.

ويقود الميليشيا العقيد المتقاعد سامر الوردي، ويقدر عدد عناصرها بنحو 450 مقاتلاً.
"""

# The script and the handler must show as text; neither may run.
XSS_ARTICLE = """---
id: upload_xss_probe
title: <script>window.__xss=1</script>ميليشيا "صقور الاختبار" <img src=x onerror="window.__xss=1">
source: <b onmouseover="window.__xss=1">Probe</b>
date: 2024-06-01
---
أعلنت ميليشيا "صقور الاختبار" عن تشكيل جديد في ريف حمص الشرقي <script>window.__xss=1</script> بدعم من جهة مجهولة.

وقالت ميليشيا "صقور الاختبار" إن عناصرها سيطروا على تلة استراتيجية \
<img src=x onerror="window.__xss=1;alert(1)"> قرب مدينة تدمر ${alert(1)} **bold** [link](javascript:alert(1)).
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory, seed_index):
    """The app over a private index, served from this process."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    if str(REPO) not in sys.path:  # ui.py sits at the top level, outside the package
        sys.path.insert(0, str(REPO))
    import ui
    from assistant import Assistant

    tmp = tmp_path_factory.mktemp("ui")
    shutil.copytree(seed_index, tmp / "index")
    assistant = Assistant(index_dir=tmp / "index")
    ui.warm_up(assistant)
    app = ui.build_app(assistant)
    port = free_port()
    ui.launch(app, "127.0.0.1", port, block=False)
    SHOTS.mkdir(parents=True, exist_ok=True)
    yield SimpleNamespace(url=f"http://127.0.0.1:{port}/", assistant=assistant, tmp=tmp)
    app.close()


@pytest.fixture(scope="module")
def browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, server):
    """A fresh page (hence a fresh chat session); dialogs are recorded, and dismissed."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    page = context.new_page()
    page.dialogs = []

    def on_dialog(dialog):
        page.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.set_default_timeout(ANSWER_TIMEOUT_MS)
    page.goto(server.url)
    page.wait_for_selector("#chat")
    yield page
    context.close()


# ---------------------------------------------------------------- helpers


def ask(page, question: str):
    """Type ``question``, press Enter, and return the new answer bubble (failing on an error notice)."""
    answers = page.locator("#chat .answer")
    before = answers.count()
    old_notice = page.locator("#notice").inner_text()
    box = page.locator("#question textarea")
    box.fill(question)
    box.press("Enter")
    page.wait_for_function("""([before, old]) => {
        const notice = document.querySelector('#notice .notice');
        return document.querySelectorAll('#chat .answer').length > before
            || (notice !== null && notice.innerText !== old);
    }""", arg=[before, old_notice])
    assert answers.count() > before, f"the page says: {page.locator('#notice').inner_text()}"
    return answers.nth(before)


def open_citation(page, label_start: str):
    """Pick the citation whose dropdown label holds ``label_start`` (e.g. "#2 [1]": answer 2, source 1)."""
    page.locator("#citation-picker input").click()
    option = page.locator("[role=option]").filter(has_text=label_start)
    option.first.click()
    page.locator("[role=listbox]").wait_for(state="detached")  # the list fades out; keep it off the pictures
    mark = page.locator("#article-view mark")
    mark.wait_for(state="visible")
    return mark


def mark_in_view(mark) -> bool:
    """Whether the mark lies inside its scrolling article box (i.e. was scrolled to)."""
    return mark.evaluate("""m => {
        const box = m.closest('.article').getBoundingClientRect(), r = m.getBoundingClientRect();
        return r.bottom > box.top && r.top < box.bottom;
    }""")


def upload(page, paths: list[Path]) -> str:
    """Upload files through the corpus panel, add them, and return the ingestion status text."""
    page.get_by_role("tab", name=re.compile("Corpus")).click()
    page.locator("#upload input[type=file]").set_input_files([str(p) for p in paths])
    for path in paths:  # the upload must finish before the button reads the component
        page.locator(f'#upload td[aria-label="{path.name}"]').wait_for()
    page.locator("#ingest-button").click()
    page.locator("#ingest-summary").wait_for(timeout=INGEST_TIMEOUT_MS)
    return page.locator("#ingest-status").inner_text()


def shot(page, name: str) -> None:
    page.screenshot(path=str(SHOTS / name), full_page=True)


def no_script_ran(page) -> None:
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.dialogs == []


# ---------------------------------------------------------------- tests


def test_example_questions_in_both_languages_on_first_load(page):
    import ui

    for question in ui.EXAMPLES:
        assert page.locator("#chat").get_by_text(question, exact=True).is_visible()
    page.locator("#chat").get_by_text("How many fighters does Liwa al-Quds have?", exact=True).click()
    page.locator("#chat .answer").wait_for()
    assert "Liwa al-Quds" in page.locator("#chat .question").inner_text()
    shot(page, "ui-first-answer.png")


def test_english_and_arabic_questions_with_citations(page, server):
    english = ask(page, "Which Russian company trained Liwa al-Quds?")
    assert "not-found" not in english.get_attribute("class")
    assert english.evaluate("e => getComputedStyle(e).direction") == "ltr"
    spans = english.locator("blockquote.span")
    assert spans.count() >= 1
    assert re.search("[\u0600-\u06ff]", spans.first.inner_text()), "the cited span is the Arabic original"
    expected = server.assistant.ask("Which Russian company trained Liwa al-Quds?").citations[0]
    mark = open_citation(page, "#1 [1]")
    assert mark.text_content() == expected.text
    page.locator("#chat .question").first.scroll_into_view_if_needed()  # question and answer in the picture
    page.wait_for_timeout(300)  # let the scrolls settle
    shot(page, "ui-english-question.png")

    arabic = ask(page, "من يقود ميليشيا الباقر؟")
    assert "not-found" not in arabic.get_attribute("class")
    assert arabic.evaluate("e => getComputedStyle(e).direction") == "rtl"
    assert arabic.locator(".answer-text").evaluate("e => getComputedStyle(e).textAlign") in ("start", "right")
    assert "[1]" in arabic.locator("ol.sources").inner_text()
    shot(page, "ui-arabic-question.png")


def test_citation_opens_the_article_with_the_span_highlighted(page, server):
    question = "كم عدد مقاتلي لواء القدس؟"
    ask(page, question)
    expected = server.assistant.ask(question).citations[0]
    mark = open_citation(page, "#1 [1]")
    assert mark.text_content() == expected.text
    article = server.assistant.index.articles[expected.article_id]
    assert article.text[expected.start:expected.end] == mark.text_content()
    page.wait_for_timeout(300)
    assert mark_in_view(mark)
    assert page.locator("#article-view .article").get_attribute("data-article-id") == expected.article_id
    shot(page, "ui-citation-highlight.png")


def test_follow_up_uses_the_history(page):
    ask(page, "Who trained Liwa al-Quds?")
    follow_up = ask(page, "How many fighters does it have?")
    assert "not-found" not in follow_up.get_attribute("class")
    sources = follow_up.locator("ol.sources > li").all_inner_texts()
    cited = [number for number, source in enumerate(sources, 1) if "7 آلاف" in source]
    assert cited, f"no cited span gives the 7 آلاف fighters: {sources}"
    mark = open_citation(page, f"#2 [{cited[0]}]")
    assert "7 آلاف" in mark.text_content()
    shot(page, "ui-follow-up.png")


def test_out_of_corpus_questions_say_so(page):
    english = ask(page, "What is the capital of France?")
    assert "not-found" in english.get_attribute("class")
    assert english.locator(".verdict").inner_text() == "The indexed articles do not answer this question."
    assert english.locator("ol.sources").count() == english.locator("details.related ol.sources").count()
    arabic = ask(page, "ما هي عاصمة فرنسا؟")
    assert "not-found" in arabic.get_attribute("class")
    assert "لا تجيب المقالات المفهرسة" in arabic.locator(".verdict").inner_text()
    assert arabic.evaluate("e => getComputedStyle(e).direction") == "rtl"
    shot(page, "ui-not-found.png")


def test_bad_questions_show_a_message_and_the_page_goes_on(page):
    box = page.locator("#question textarea")
    box.fill("")
    box.press("Enter")
    page.locator("#notice .notice").wait_for()
    assert "the question is empty" in page.locator("#notice").inner_text()
    box.fill("Liwa al-Quds " * 200)
    box.press("Enter")
    page.locator("#notice").get_by_text("the limit is").wait_for()
    shot(page, "ui-question-error.png")
    ask(page, "How many fighters does Liwa al-Quds have?")
    assert page.locator("#notice").inner_text().strip() == ""


def test_uploaded_article_is_answered_from(page, server):
    page.get_by_role("tab", name=re.compile("Corpus")).click()
    before = int(page.locator("#corpus-count b").inner_text())
    good = server.tmp / "blue_tiger.md"
    good.write_text(NEW_ARTICLE, encoding="utf-8")
    empty = server.tmp / "empty.md"
    empty.write_text("   \n", encoding="utf-8")

    status = upload(page, [good, empty])
    assert "1 added" in status
    assert "empty.md: the file has no text" in status  # the bad file is named, the good one still added
    page.wait_for_function(f"document.querySelector('#corpus-count b').textContent == '{before + 1}'")
    assert "لواء النمر الأزرق" in page.locator("#corpus-list").inner_text()
    shot(page, "ui-upload.png")

    page.get_by_role("tab", name=re.compile("Ask")).click()
    answer = ask(page, "من يدعم لواء النمر الأزرق؟")
    assert "not-found" not in answer.get_attribute("class")
    assert "لواء النمر الأزرق" in answer.locator("ol.sources").inner_text()
    mark = open_citation(page, "#1 [1]")
    assert page.locator("#article-view .article").get_attribute("data-article-id") == "upload_blue_tiger"
    assert mark.text_content() in good.read_text(encoding="utf-8")
    shot(page, "ui-uploaded-answer.png")


def test_article_markup_is_shown_as_text_and_never_runs(page, server):
    probe = server.tmp / "xss_probe.md"
    probe.write_text(XSS_ARTICLE, encoding="utf-8")
    assert "1 added" in upload(page, [probe])

    # Through the corpus panel: the whole article, markup shown as typed.
    page.locator("#article-picker input").click()
    page.locator("[role=option]").filter(has_text="صقور الاختبار").first.click()
    body = page.locator("#corpus-article .body")
    body.wait_for()
    assert "<script>window.__xss=1</script>" in body.inner_text()
    assert '<img src=x onerror="window.__xss=1;alert(1)">' in body.inner_text()
    assert "${alert(1)} **bold** [link](javascript:alert(1))" in body.inner_text()
    assert page.locator("#corpus-article img, #corpus-article script, #corpus-article b").count() == 0
    assert "<script>" in page.locator("#corpus-article h3").inner_text()
    shot(page, "ui-xss-article.png")

    # Through the chat: the question, the answer, the citation list and the viewer.
    page.get_by_role("tab", name=re.compile("Ask")).click()
    ask(page, '<img src=x onerror="window.__xss=1;alert(1)"> صقور الاختبار <script>window.__xss=1</script>')
    assert "<img src=x" in page.locator("#chat .question").last.inner_text()
    answer = ask(page, "أين سيطرت ميليشيا صقور الاختبار على تلة استراتيجية؟")
    assert "not-found" not in answer.get_attribute("class")
    assert "<script>" in answer.inner_text() or "<img" in answer.inner_text()
    assert page.locator("#chat img[src=x], #chat script").count() == 0
    open_citation(page, "#2 [1]")
    assert page.locator("#article-view img, #article-view script").count() == 0
    page.wait_for_timeout(500)  # give any planted handler its chance to fire
    shot(page, "ui-xss-chat.png")
    no_script_ran(page)

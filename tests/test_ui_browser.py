"""The web UI driven through Debian's Chromium (Playwright, sync API).

The app runs in this process on a free loopback port, over a private index (a copy of
index/, or one built from corpus/ when index/ is out of date), so the uploads below never
touch the repository's index. Screenshots land in ``artifacts/screenshots/``; the README's
``docs/screenshot-ui.png`` is a copy of ``ui-english-question.png``, and ``docs/screenshot-actors.png``
of ``ui-actors.png`` (1280x900), refreshed by hand.
"""

import re
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

from conftest import SHOTS, chromium, require_chromium, served_app

pytestmark = [
    pytest.mark.browser,
    # Gradio's queue calls pandas APIs that pandas 3 deprecates; not ours to fix.
    pytest.mark.filterwarnings("ignore::pandas.errors.Pandas4Warning"),
]

REPO = Path(__file__).resolve().parent.parent
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
    require_chromium()
    from assistant import Assistant
    from assistant import app as ui

    tmp = tmp_path_factory.mktemp("ui")
    shutil.copytree(seed_index, tmp / "index")
    assistant = Assistant(index_dir=tmp / "index")
    ui.warm_up(assistant)
    with served_app(assistant) as url:
        yield SimpleNamespace(url=url, assistant=assistant, tmp=tmp)


@pytest.fixture(scope="module")
def browser(server):
    with chromium() as browser:
        yield browser


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


# A listed group, its backer and a place, with markup in every field the actor table shows.
ACTOR_PROBE = """---
id: upload_actor_probe
title: <img src=x onerror="window.__xss=1"> ميليشيا لواء القدس في حلب
source: <b onmouseover="window.__xss=1">Probe</b> ${alert(1)}
date: <i>2024</i>
---
ميليشيا لواء القدس في حلب

قالت مصادر محلية إن ميليشيا "لواء القدس" المدعومة روسياً <img src=x onerror="window.__xss=1;alert(1)"> \
نقلت عناصر جديدة إلى حلب {{7*7}} `code` $x$.
"""


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


def open_actors(page) -> None:
    page.get_by_role("tab", name=re.compile("Actors")).click()
    page.locator("#actor-table tr[data-actor-id]").first.wait_for()


def shown(page, selector: str, attribute: str) -> list[str]:
    """``attribute`` of every element matching ``selector``, in page order."""
    return page.locator(selector).evaluate_all(f"els => els.map(e => e.getAttribute('{attribute}'))")


def choose_backer(page, label: str, backers: int) -> None:
    """Pick a backer in the Actors filter and wait until the graph shows ``backers`` backer nodes."""
    page.locator("#backer-filter input").click()
    page.locator("[role=option]").filter(has_text=label).first.click()
    page.locator("[role=listbox]").wait_for(state="detached")
    page.wait_for_function("n => document.querySelectorAll('#backing-graph g.node.backer').length === n", arg=backers)


def shot(page, name: str, full_page: bool = True) -> None:
    page.screenshot(path=str(SHOTS / name), full_page=full_page)


def no_script_ran(page) -> None:
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.dialogs == []


# ---------------------------------------------------------------- tests


def test_example_questions_in_both_languages_on_first_load(page):
    from assistant import app as ui

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


def test_the_al_baqir_dialogue_keeps_its_subject(page):
    # issue 16: "it" and an attached "ـها" stand for the militia the first question named, in either language
    ask(page, "Who leads the al-Baqir militia?")
    aligned = ask(page, "Which foreign power is it aligned with?")
    assert "not-found" not in aligned.get_attribute("class")
    assert aligned.locator(".answer-text").inner_text().startswith("al-Baqir Brigade: backed by Russia")
    sources = aligned.locator("ol.sources > li").all_inner_texts()
    assert sources and all("الباقر" in source for source in sources), sources
    leader = ask(page, "ومن يقودها؟")
    assert "not-found" not in leader.get_attribute("class")
    assert "خالد الحسن العلوش" in leader.locator(".answer-text").inner_text()
    shot(page, "ui-follow-up-al-baqir.png")


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


def test_actors_table_lists_backers_with_cited_evidence(page, server):
    page.set_viewport_size({"width": 1280, "height": 900})
    open_actors(page)
    # Every actor the relations speak of, in the API's order: armed groups first.
    table = server.assistant.actor_table()
    assert shown(page, "#actor-table tr[data-actor-id]", "data-actor-id") == [row.actor_id for row in table]
    assert table[0].actor_id == "liwa-al-quds"

    # Liwa al-Quds: backed by Russia, and earlier by Iran; both kept, both dated and sourced.
    backers = page.locator("#actor-table tr[data-actor-id='liwa-al-quds'] td.backers")
    assert shown(page, "#actor-table tr[data-actor-id='liwa-al-quds'] td.backers .fact", "data-other") == [
        "russia", "iran"]
    for name in ("Russia", "روسيا", "Iran", "إيران"):
        assert name in backers.inner_text()
    russia = backers.locator(".fact[data-other='russia']")
    assert "Al-Hal Net" in russia.inner_text() and "2021" in russia.inner_text()
    iran = backers.locator(".fact[data-other='iran']")
    assert "earlier" in iran.locator(".earlier").inner_text()
    assert iran.locator(".name-ar").evaluate("e => getComputedStyle(e).direction") == "rtl"
    assert iran.locator(".name-en").evaluate("e => getComputedStyle(e).direction") == "ltr"
    # No fact without a source.
    facts = page.locator("#actor-table .fact")
    assert facts.count() > 30
    assert page.locator("#actor-table .fact:not(:has(.cite))").count() == 0

    # Clicking the number opens the evidence, highlighted verbatim, in the tab's viewer.
    [expected] = [r for r in server.assistant.relations("liwa-al-quds")
                  if r.relation == "backed-by" and r.object_id == "iran"]
    iran.locator(".cite").first.click()
    mark = page.locator("#actor-article-view mark")
    mark.wait_for()
    assert mark.text_content() == expected.evidence
    article = server.assistant.index.articles[expected.article_id]
    assert article.text[expected.start:expected.end] == mark.text_content()
    assert page.locator("#actor-article-view .article").get_attribute("data-article-id") == expected.article_id
    page.wait_for_timeout(300)
    assert mark_in_view(mark)
    page.locator("#actors-tab").evaluate("e => e.closest('.tabs').scrollIntoView({block: 'start'})")
    page.wait_for_timeout(300)
    shot(page, "ui-actors.png", full_page=False)  # the README's docs/screenshot-actors.png (1280x900)

    # The same evidence through the dropdown of cited facts.
    page.locator("#fact-picker input").click()
    page.locator("[role=option]").filter(has_text="al-Baqir Brigade — led by").first.click()
    page.locator("[role=listbox]").wait_for(state="detached")
    page.wait_for_function("document.querySelector('#actor-article-view mark')?.textContent.includes('العلوش')")
    leaders = {r.evidence for r in server.assistant.relations("al-baqir") if r.relation == "led-by"}
    assert page.locator("#actor-article-view mark").text_content() in leaders


def test_backer_filter_narrows_the_graph_and_the_table(page, server):
    open_actors(page)
    graph_groups = "#backing-graph g.node.group"
    everyone = set(shown(page, graph_groups, "data-actor-id"))
    assert {"liwa-al-quds", "fifth-corps", "al-baqir", "nujaba", "fajr-al-islam"} <= everyone
    # The earlier backing is drawn, and said, as earlier.
    label = page.locator("#backing-graph text.edge-label[data-backer='iran'][data-group='liwa-al-quds']")
    assert "earlier" in label.text_content()

    choose_backer(page, "Iran", 1)
    groups = set(shown(page, graph_groups, "data-actor-id"))
    rows = shown(page, "#actor-table tr[data-actor-id]", "data-actor-id")
    assert groups == {e.group_id for e in server.assistant.backing_edges("iran")}
    assert {"nujaba", "fajr-al-islam", "fatemiyoun", "hezbollah", "liwa-al-quds"} <= groups
    assert not {"fifth-corps", "al-baqir", "ndf"} & groups
    assert rows == [row.actor_id for row in server.assistant.actor_table("iran")]
    assert {"nujaba", "fajr-al-islam", "liwa-al-quds"} <= set(rows) and not {"fifth-corps", "al-baqir"} & set(rows)
    # A filtered row keeps all its facts: Iran earlier, Russia later.
    liwa = page.locator("#actor-table tr[data-actor-id='liwa-al-quds'] td.backers")
    assert "Russia" in liwa.inner_text() and "Iran" in liwa.inner_text()
    shot(page, "ui-actors-iran.png")

    choose_backer(page, "Russia", 1)
    groups = set(shown(page, graph_groups, "data-actor-id"))
    rows = set(shown(page, "#actor-table tr[data-actor-id]", "data-actor-id"))
    assert {"fifth-corps", "al-baqir", "ndf", "liwa-al-quds"} <= groups
    assert not {"nujaba", "fajr-al-islam", "hezbollah"} & (groups | rows)
    assert {"fifth-corps", "al-baqir"} <= rows

    choose_backer(page, "All backers", len(server.assistant.backers()))
    assert set(shown(page, graph_groups, "data-actor-id")) == everyone


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


def test_actor_table_shows_article_markup_as_text(page, server):
    probe = server.tmp / "actor_probe.md"
    probe.write_text(ACTOR_PROBE, encoding="utf-8")
    assert "1 added" in upload(page, [probe])
    [relation] = [r for r in server.assistant.relations("liwa-al-quds") if r.article_id == "upload_actor_probe"
                  and r.relation == "backed-by"]
    assert "<img src=x" in relation.evidence

    open_actors(page)  # the table was refreshed after the upload
    russia = page.locator("#actor-table tr[data-actor-id='liwa-al-quds'] td.backers .fact[data-other='russia']")
    source = russia.locator("li").filter(has_text="Probe")
    source.wait_for()
    assert '<b onmouseover="window.__xss=1">Probe</b> ${alert(1)}' in source.inner_text()
    assert "<i>2024</i>" in source.inner_text()
    assert source.locator(".cite").get_attribute("title") == relation.evidence
    # The place's sentence, with template syntax in it, reaches the page as typed.
    place = page.locator("#actor-table tr[data-actor-id='liwa-al-quds'] td.places .cite").evaluate_all(
        "els => els.map(e => e.title).filter(t => t.includes('7*7'))")
    assert place and "{{7*7}} `code` $x$" in place[0]
    assert page.locator("#actor-table img, #actor-table script, #actor-table i, "
                        "#actor-table [onmouseover], #backing-graph img").count() == 0

    source.locator(".cite").click()
    mark = page.locator("#actor-article-view mark")
    mark.wait_for()
    assert mark.text_content() == relation.evidence
    assert page.locator("#actor-article-view img, #actor-article-view script").count() == 0
    page.wait_for_timeout(500)  # give any planted handler its chance to fire
    shot(page, "ui-actors-xss.png")
    no_script_ran(page)

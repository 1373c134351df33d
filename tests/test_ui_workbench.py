"""The analyst's workbench in the browser, at 1280 and 390 px: timelines, clickable sources,
exports, and a page that reads right (one font for Latin capitals, dates in logical order,
every tab and the graph readable on a phone).

The app runs over the seed articles indexed with the fake encoder (conftest): what these
tests look at (relations, timelines, structured answers, the page itself) does not depend on
the embedding model. Screenshots land in ``artifacts/screenshots/``; ``docs/screenshot-workbench-{1280,390}.png``
and ``docs/screenshot-timeline-{1280,390}.png`` are copies of ``workbench-*.png`` and
``workbench-timeline-*.png``, refreshed by hand.
"""

import csv
import io
import json
import re
from pathlib import Path
from types import SimpleNamespace

import networkx as nx
import pytest

from conftest import CORPUS, SHOTS, FakeEncoder, chromium, require_chromium, served_app

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore::pandas.errors.Pandas4Warning"),
]

REPO = Path(__file__).resolve().parent.parent
TIMEOUT_MS = 60_000
WIDTHS = [1280, 390]
SWITCH = "When did Liwa al-Quds switch from Iran to Russia?"
# An article with an original URL, so that a source links to it.
WITH_URL = """---
id: upload_with_url
title: ميليشيا لواء القدس تنقل عناصر إلى حلب
source: Test Wire (وكالة الاختبار)
date: 2024-05-01
url: https://example.org/news/liwa-al-quds
---
قالت مصادر محلية إن ميليشيا "لواء القدس" المدعومة روسياً نقلت عناصر جديدة إلى حلب.
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    require_chromium()
    from assistant import Assistant

    tmp = tmp_path_factory.mktemp("workbench")
    (tmp / "with_url.md").write_text(WITH_URL, encoding="utf-8")
    assistant = Assistant(index_dir=tmp / "index", encoder=FakeEncoder())
    report = assistant.ingest([CORPUS, tmp / "with_url.md"])
    assert len(report.added) == 6 and not report.problems
    with served_app(assistant) as url:
        yield SimpleNamespace(url=url, assistant=assistant, tmp=tmp)


@pytest.fixture(scope="module")
def browser(server):
    with chromium() as browser:
        yield browser


def new_page(browser, server, width: int):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-US", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(server.url)
    page.wait_for_selector("#chat")
    return page


@pytest.fixture(params=WIDTHS, ids=lambda w: f"{w}px")
def page(request, browser, server):
    page = new_page(browser, server, request.param)
    page.width = request.param
    yield page
    page.context.close()


def ask(page, question: str):
    answers = page.locator("#chat .answer")
    before = answers.count()
    box = page.locator("#question textarea")
    box.fill(question)
    box.press("Enter")
    page.wait_for_function("n => document.querySelectorAll('#chat .answer').length > n", arg=before)
    return answers.nth(before)


def open_tab(page, name: str) -> None:
    tab = page.get_by_role("tab", name=re.compile(name))
    assert tab.is_visible(), f"the {name} tab is not on the page"
    tab.click()


def open_actors(page) -> None:
    open_tab(page, "Actors")
    page.locator("#actor-table tr[data-actor-id]").first.wait_for()


def timeline_points(page) -> list[dict]:
    return page.locator("#timeline-view li[data-relation]").evaluate_all(
        "els => els.map(e => ({relation: e.dataset.relation, other: e.dataset.other, stretch: e.dataset.stretch,"
        " date: e.dataset.date, cites: e.querySelectorAll('.cite').length}))")


# ---------------------------------------------------------------- timelines


def test_timeline_of_liwa_al_quds_shows_iran_earlier_and_russia_later(page, server):
    open_actors(page)
    page.locator("#actor-table tr[data-actor-id='liwa-al-quds'] .open-actor").click()
    page.locator("#timeline-view .timeline-view[data-actor-id='liwa-al-quds']").wait_for()
    points = timeline_points(page)
    backers = [p["other"] for p in points if p["relation"] == "backed-by"]
    assert backers[0] == "iran" and backers.index("russia") > 0
    assert {p["other"] for p in points if p["relation"] == "backed-by"} == {"iran", "russia"}
    assert all(p["cites"] == 1 for p in points), "every point is cited"
    dated = [p["date"] for p in points if p["stretch"] == "dated"]
    assert dated and dated == sorted(dated, key=lambda d: d[:4])  # years in order
    assert "2021-02" in dated  # "last February", in an article of 2021

    # A point opens its evidence, highlighted, in the tab's viewer.
    [iran] = [r for r in server.assistant.relations("liwa-al-quds") if r.relation == "backed-by"
              and r.object_id == "iran"]
    page.locator("#timeline-view li[data-other='iran'] .cite").click()
    mark = page.locator("#actor-article-view mark")
    mark.wait_for()
    assert mark.text_content() == iran.evidence
    page.locator("#timeline-view").scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    page.screenshot(path=str(SHOTS / f"workbench-timeline-{page.width}.png"))


def test_the_switch_question_gets_a_cited_answer_and_links_to_the_timeline(page, server):
    for question, earlier in ((SWITCH, "backed by Iran (earlier, undated)"),
                              ("متى انتقل لواء القدس من إيران إلى روسيا؟", "مدعوم من إيران (سابقاً، بلا تاريخ)")):
        answer = ask(page, question)
        text = answer.locator(".answer-text").inner_text()
        assert earlier in text and text.index(earlier) < text.index("2021")
        assert answer.locator(".answer-text a.cite").count() >= 5
    # The answer's actor link opens its timeline in the Actors tab.
    answer.locator(".timelines a[href='#actor=liwa-al-quds']").click()
    page.locator("#timeline-view .timeline-view[data-actor-id='liwa-al-quds']").wait_for()
    assert page.locator("#actors-tab").is_visible()


# ---------------------------------------------------------------- clickable sources


def test_a_marker_in_an_answer_opens_its_source_beside_the_chat(page, server):
    answer = ask(page, SWITCH)
    expected = server.assistant.ask(SWITCH).citations
    for number in (2, 1):
        answer.locator(".answer-text a.cite").filter(has_text=f"[{number}]").first.click()
        page.wait_for_function("t => document.querySelector('#article-view mark')?.textContent === t",
                               arg=expected[number - 1].text)
        article = page.locator("#article-view .article")
        assert article.get_attribute("data-article-id") == expected[number - 1].article_id
    page.wait_for_timeout(300)
    # Its copy button puts the span and where it is from on the clipboard.
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.locator("#article-view .copy").click()
    page.wait_for_function("document.querySelector('#article-view .copy').textContent.includes('copied')")
    copied = page.evaluate("navigator.clipboard.readText()")
    first = expected[0]
    assert copied.startswith(f"«{first.text}» — {first.title}") and f"{first.start}–{first.end}" in copied
    # The chat shows the new question at its top, not the end of a long answer.
    top = page.evaluate("""() => {
        const q = [...document.querySelectorAll('#chat .question')].pop();
        const box = q.closest('[role=log], .bubble-wrap');
        return q.getBoundingClientRect().top - box.getBoundingClientRect().top;
    }""")
    assert 0 <= top < 80
    page.locator("#chat").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / f"workbench-{page.width}.png"), full_page=page.width == 390)


def test_a_source_links_to_its_original_url(page, server):
    answer = ask(page, "Who backs Liwa al-Quds?")
    with_url = answer.locator("ol.sources > li").filter(has=page.locator("a.cite[href^='#cite=upload_with_url|']"))
    assert with_url.count() == 1
    link = with_url.locator("a.original")
    assert link.get_attribute("href") == "https://example.org/news/liwa-al-quds"
    assert link.get_attribute("rel") == "noopener noreferrer"
    # The seed articles have no URL: no link is made up for them.
    assert answer.locator("ol.sources a.original").count() == 1


# ---------------------------------------------------------------- exports


def download(page, selector: str) -> str:
    with page.expect_download() as info:
        page.locator(selector).click()
    return Path(info.value.path()).read_text(encoding="utf-8")


def test_exports_download_and_parse(page, server, tmp_path):
    ask(page, SWITCH)
    markdown = download(page, "#export-answer-markdown")
    assert markdown.startswith(f"**Question:** {SWITCH}") and "## Sources" in markdown
    record = json.loads(download(page, "#export-answer-json"))
    assert record["question"] == SWITCH and record["citations"]
    for cited in record["citations"]:
        article = server.assistant.index.articles[cited["article_id"]]
        assert article.text[cited["start"]:cited["end"]] == cited["quote"]

    open_actors(page)
    rows = list(csv.DictReader(io.StringIO(download(page, "#export-actors-csv"))))
    assert {"liwa-al-quds", "fifth-corps"} <= {r["actor_id"] for r in rows}
    assert json.loads(download(page, "#export-actors-json"))[0]["facts"]
    path = tmp_path / "graph.graphml"
    path.write_text(download(page, "#export-graph-graphml"), encoding="utf-8")
    assert nx.read_graphml(path).has_edge("iran", "liwa-al-quds")
    assert "<svg" in download(page, "#export-graph-svg")


# ---------------------------------------------------------------- the page reads right


def test_on_a_phone_every_tab_is_reachable_and_the_graph_and_table_readable(browser, server):
    page = new_page(browser, server, 390)
    for name in ("Corpus", "Actors", "Ask"):
        open_tab(page, name)
    open_actors(page)
    smallest = page.evaluate("""() => Math.min(...[...document.querySelectorAll('#backing-graph svg text')].map(
        t => t.getScreenCTM().a * parseFloat(getComputedStyle(t).fontSize)))""")
    assert smallest >= 11, f"graph text at {smallest:.1f} px"
    # State-to-state backing is drawn apart, and can be hidden.
    assert page.locator("#backing-graph g.state-edge[data-backer='iran'][data-group='russia']").count() == 1
    page.locator("#show-states input").uncheck()
    page.wait_for_function("!document.querySelector('#backing-graph g.state-edge')")
    # No cell of the table clips its text; each says its column.
    clipped = page.locator("#actor-table td").evaluate_all(
        "tds => tds.filter(td => td.scrollWidth > td.clientWidth + 1).length")
    assert clipped == 0
    assert page.locator("#actor-table td.leaders").first.evaluate(
        "td => getComputedStyle(td, '::before').content").startswith('"Leaders')
    page.screenshot(path=str(SHOTS / "workbench-actors-390.png"))
    page.context.close()


def test_bold_latin_capitals_use_the_text_font(browser, server):
    """Every bold label with a capital A or B on every tab is drawn in the page's font, and
    looks exactly as that font draws it (no fallback face, no small capitals)."""
    from PIL import Image, ImageChops

    page = new_page(browser, server, 1280)
    ask(page, SWITCH)
    found = []
    for name in ("Ask", "Corpus", "Actors"):
        open_tab(page, name)
        if name == "Actors":
            page.locator("#actor-table tr[data-actor-id]").first.wait_for()
        found += page.evaluate("""() => {
            const body = getComputedStyle(document.querySelector('.gradio-container')).fontFamily;
            const out = [];
            const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            while (walker.nextNode()) {
                const node = walker.currentNode, el = node.parentElement;
                if (!/[AB]/.test(node.textContent) || !el.getClientRects().length) continue;
                const style = getComputedStyle(el);
                if (parseInt(style.fontWeight) < 600) continue;
                out.push({text: node.textContent.trim(), family: style.fontFamily, body});
            }
            return out;
        }""")
    assert len(found) >= 5, found
    for label in found:
        assert label["family"] == label["body"], label
    assert any("Ba" in label["text"] for label in found)  # "al-Baqir Brigade"

    # Pixels: a bold label as the page draws it, and the same text in the font named outright.
    for text in ("al-Baqir Brigade", "Actor / الفاعل"):
        shots = []
        for family in ("inherit", "'DejaVu Sans'"):
            page.evaluate("""([text, family]) => {
                const probe = document.createElement('b');
                probe.id = 'font-probe'; probe.textContent = text;
                probe.style.cssText = `position: fixed; top: 0; left: 0; padding: 4px; background: #fff;
                                       color: #000; font-size: 20px; z-index: 99999; font-family: ${family}`;
                document.querySelector('.gradio-container').appendChild(probe);
            }""", [text, family])
            path = SHOTS / f"font-probe-{len(shots)}.png"
            page.locator("#font-probe").screenshot(path=str(path))
            page.evaluate("document.getElementById('font-probe').remove()")
            shots.append(Image.open(path).convert("RGB"))
        assert shots[0].size == shots[1].size, text
        assert ImageChops.difference(*shots).getbbox() is None, f"{text} is not drawn in the text font"
    page.context.close()


def test_dates_in_the_citation_picker_read_in_logical_order(browser, server):
    page = new_page(browser, server, 1280)
    answer = ask(page, "Who trained Hezbollah?")
    assert "2022-04" in answer.inner_text()
    page.locator("#citation-picker input").click()
    option = page.locator("[role=option]").filter(has_text="2022-04").first
    option.wait_for()
    # Where "2022" and "04" land on the screen: the year left of the month.
    order = option.evaluate("""el => {
        const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        while (walker.nextNode()) {
            const node = walker.currentNode, at = node.textContent.indexOf('2022-04');
            if (at < 0) continue;
            const box = (from, to) => { const r = document.createRange(); r.setStart(node, from);
                                        r.setEnd(node, to); return r.getBoundingClientRect().left; };
            return [box(at, at + 4), box(at + 5, at + 7)];
        }
        return null;
    }""")
    assert order is not None and order[0] < order[1], order
    option.click()
    page.locator("#article-view mark").wait_for()
    # The chosen item fits its box: number, date and outlet first, the title shortened.
    picker = page.locator("#citation-picker input")
    assert picker.evaluate("e => e.scrollWidth <= e.clientWidth"), picker.input_value()
    assert picker.input_value().startswith("#1 [1] \u20662022-04\u2069 · ")
    page.context.close()


# ---------------------------------------------------------------- discovered actors


# A news-style article naming a group no list holds, and the state that backs it.
DISCOVERED = """---
id: upload_fursan
title: حركة فرسان الجبل تعلن سيطرتها على قرى في ريف حماة
source: Test Wire (وكالة الاختبار)
date: 2024-06-02
---
أعلنت حركة فرسان الجبل، بقيادة العقيد سامر الخطيب، سيطرتها على ثلاث قرى في ريف حماة الشمالي.
وقالت مصادر محلية إن الحركة المدعومة من تركيا دفعت بتعزيزات جديدة إلى المنطقة.
"""


def test_an_uploaded_article_s_discovered_actor_is_shown_with_its_relation_and_evidence(browser, server):
    from assistant.actors import actor_by_id

    page = new_page(browser, server, 1280)
    path = server.tmp / "fursan.md"
    path.write_text(DISCOVERED, encoding="utf-8")
    open_tab(page, "Corpus")
    page.locator("#upload input[type=file]").set_input_files([str(path)])
    page.locator('#upload td[aria-label="fursan.md"]').wait_for()
    page.locator("#ingest-button").click()
    page.locator("#ingest-summary").wait_for()
    assert "1 added" in page.locator("#ingest-status").inner_text()
    [relation] = [r for r in server.assistant.relations() if r.article_id == "upload_fursan"
                  and r.relation == "backed-by"]
    group = actor_by_id(relation.subject_id)
    assert group.discovered and group.name_ar == "حركة فرسان الجبل" and relation.object_id == "turkey"

    open_actors(page)
    every = int(page.locator("#actor-table .actor-count").get_attribute("data-total"))
    # A name in a spelling of its own (hamza, ta marbuta unmarked): matched in normalised form.
    page.locator("#actor-search input, #actor-search textarea").first.fill("حركه فرسان")
    page.wait_for_function("n => document.querySelector('#actor-table .actor-count')?.dataset.total < n",
                           arg=every)
    page.get_by_label("Discovered only / المكتشفون فقط").check()
    page.wait_for_function("document.querySelector('#actor-table .actor-count')?.dataset.total === '1'")
    row = page.locator(f"#actor-table tr[data-actor-id='{group.id}']")
    assert page.locator("#actor-table tr[data-actor-id]").count() == 1
    assert row.get_attribute("data-discovered") == "true"
    name = row.locator("td.actor").inner_text()
    assert "discovered / مكتشف" in name and group.name_en in name and "حركة فرسان الجبل" in name
    assert "Showing 1–1 of 1 actors" in page.locator("#actor-table .actor-count").inner_text()
    # The graph draws it, marked discovered, with its backer.
    node = page.locator(f"#backing-graph g.node.group.discovered[data-actor-id='{group.id}']")
    assert node.count() == 1
    assert page.locator(f"#backing-graph g.edge[data-backer='turkey'][data-group='{group.id}']").count() == 1

    fact = row.locator("td.backers .fact[data-other='turkey']")
    assert "Turkey" in fact.inner_text()
    fact.locator(".cite").first.click()
    mark = page.locator("#actor-article-view mark")
    mark.wait_for()
    assert mark.text_content() == relation.evidence
    assert page.locator("#actor-article-view .article").get_attribute("data-article-id") == "upload_fursan"
    page.wait_for_timeout(300)
    page.screenshot(path=str(SHOTS / "workbench-discovered-1280.png"))

    # On a phone the filtered row still reads, its badge unclipped.
    page.set_viewport_size({"width": 390, "height": 900})
    page.wait_for_timeout(300)
    assert page.locator("#actor-table td").evaluate_all(
        "tds => tds.filter(td => td.scrollWidth > td.clientWidth + 1).length") == 0
    assert row.locator(".discovered-badge").is_visible()
    page.screenshot(path=str(SHOTS / "workbench-discovered-390.png"), full_page=True)
    page.context.close()

"""The web UI: a Gradio chat over the ``assistant`` Python API, and nothing more.

    assistant serve [--host 127.0.0.1] [--port 7860] [--index DIR] [--auth user:pass]
    python ui.py ...   (the same, from a checkout)

Without ``--host`` / ``--port`` the app honours Gradio's own ``GRADIO_SERVER_NAME`` and
``GRADIO_SERVER_PORT`` (a container or proxy set-up relies on them), else 127.0.0.1:7860.

Every answer, citation and ingestion, and the Actors tab's table and graph, come from
``Assistant``; this file only turns them into HTML. Two rules hold throughout:

* Text from articles, questions and answers is *data*: it goes through ``_text`` (HTML
  escaping, plus entities for Markdown/LaTeX/template characters) before it reaches any
  component that renders HTML, so an article holding ``<script>`` shows that text and
  runs nothing. The Chatbot's own sanitiser stays on as a second line of defence.
* Direction is set per block: an Arabic answer is ``dir="rtl"``, an English one
  ``dir="ltr"``, and each paragraph inside uses ``dir="auto"`` (first strong character
  wins) so Arabic quotes in an English answer, and the reverse, stay readable.
"""

import argparse
import html
import logging
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path

import gradio as gr

from .actors import NAMED_WITH, ActorFact, ActorRow, BackingEdge, Relation, actor_by_id, actor_type
from .answer import Answer, Citation
from .api import Assistant, QuestionError
from .arabic import is_arabic
from .corpus import Article
from .storage import IndexLoadError

log = logging.getLogger("assistant.ui")

EXAMPLES = [
    "Who trained Liwa al-Quds?",
    "من يقود ميليشيا الباقر؟",
    "How many fighters does Liwa al-Quds have?",
    "ما هي الميليشيات التي شكلتها روسيا؟",
]

# Labels shown inside answers, in the question's language.
LABELS = {
    "en": {
        "sources": "Sources",
        "quoted": "quoted above",
        "related": "Closest passages — related, not an answer",
        "unknown_outlet": "outlet unknown",
        "no_date": "no date",
        "error": "Cannot answer this question",
    },
    "ar": {
        "sources": "المصادر",
        "quoted": "مقتبس أعلاه",
        "related": "أقرب المقاطع — ذات صلة، وليست إجابة",
        "unknown_outlet": "مصدر غير معروف",
        "no_date": "بلا تاريخ",
        "error": "تعذّرت الإجابة عن هذا السؤال",
    },
}

# HTML's special characters, and those that Markdown, KaTeX or Gradio's HTML templates
# could read as syntax, become numeric entities (in one pass, so no entity is escaped
# twice): the browser shows them as typed and no renderer in between sees syntax.
_INERT = str.maketrans({c: f"&#{ord(c)};" for c in "&<>\"'\\`*_{}[]()#+-!|~$:"})

CSS = """
.answer, .question { unicode-bidi: plaintext; }
/* Gradio aligns chat text left; "start" follows each block's own direction instead. */
#chat .answer, #chat .answer *, #chat .question { text-align: start !important; }
#question textarea { unicode-bidi: plaintext; text-align: start; }
.answer p, .answer blockquote, .answer li, .answer summary { unicode-bidi: plaintext; }
.answer .sources { margin: .4em 0 0; padding: 0; list-style: none; }
.answer .sources li { margin: .35em 0; }
.answer blockquote { margin: .25em 0; padding: .2em .6em; border-inline-start: 3px solid #c9a227;
                     background: rgba(201, 162, 39, .08); }
.answer .where { opacity: .8; font-size: .92em; }
.answer.not-found .verdict { font-weight: 600; }
#article-view .article, #corpus-article .article, #actor-article-view .article {
  max-height: 60vh; overflow-y: auto; padding: .5em .8em; border: 1px solid var(--border-color-primary);
  border-radius: 6px; }
.article .body { white-space: pre-wrap; unicode-bidi: plaintext; line-height: 1.7; }
.article mark { background: #ffe066; color: #000; padding: 0 .1em; }
.article h3 { margin: 0 0 .2em; unicode-bidi: plaintext; }
.article .where { opacity: .8; font-size: .92em; margin-bottom: .6em; }
.notice { padding: .5em .8em; border-radius: 6px; background: #fde8e8; color: #7a1212; unicode-bidi: plaintext; }
.notice.ok { background: #e6f4ea; color: #14532d; }
.corpus-table { width: 100%; border-collapse: collapse; }
.corpus-table td, .corpus-table th { padding: .25em .5em; border-bottom: 1px solid var(--border-color-primary);
                                     unicode-bidi: plaintext; text-align: start; }
.actors-intro p { font-size: .9em; margin: .6em 0; }
#actor-article-view .article { max-height: 74vh; }
.actor-scroll { max-height: 78vh; overflow-y: auto; }
.actor-table thead th { position: sticky; top: 0; z-index: 2; background: var(--background-fill-primary); }
.backing-graph > svg { display: block; width: 100%; height: auto; }
.backing-graph .legend { font-size: .85em; opacity: .85; margin: .2em 0 .6em; }
.backing-graph .legend span { margin-inline-end: 1.2em; white-space: nowrap; }
.backing-graph .legend svg { display: inline-block; vertical-align: middle; }
.actor-count { margin: .2em 0 .4em; }
.actor-table { width: 100%; border-collapse: collapse; font-size: .88em; table-layout: fixed; }
.actor-table th, .actor-table td { vertical-align: top; text-align: start; padding: .35em .45em;
                                   border-bottom: 1px solid var(--border-color-primary); }
.actor-table ul { margin: 0; padding: 0; list-style: none; }
.actor-table li { margin: 0; }
.actor-table .fact { margin-bottom: .45em; }
.actor-table .who { font-weight: 600; }
.actor-table .rel, .actor-table .type, .actor-table .evidence { font-size: .85em; opacity: .85; }
.actor-table .name-ar { font-size: 1.08em; }
.actor-table .earlier { font-size: .8em; border: 1px solid currentColor; border-radius: 3px; padding: 0 .25em;
                        opacity: .8; }
.actor-table .cite { font: inherit; font-weight: 600; color: var(--link-text-color, #1f5fbf); background: none;
                     border: 0; padding: 0 .1em; margin: 0; cursor: pointer; text-decoration: underline; }
.actor-table .places .fact { margin-bottom: .2em; }
.actor-table .places summary { cursor: pointer; font-size: .9em; }
.actor-table col.actor { width: 15%; } .actor-table col.backers { width: 23%; }
.actor-table col.leaders { width: 16%; } .actor-table col.places { width: 19%; }
.actor-table col.others { width: 27%; }
"""

# Brings the highlighted span into view once the article has been rendered.
SCROLL_TO_MARK = """() => {
  requestAnimationFrame(() => {
    const mark = document.querySelector('#article-view mark');
    if (mark) mark.scrollIntoView({block: 'center', behavior: 'instant'});
  });
}"""
# In the Actors tab only the article box scrolls: the page, and the table beside it, stay put.
SCROLL_TO_ACTOR_MARK = """() => {
  requestAnimationFrame(() => {
    const mark = document.querySelector('#actor-article-view mark');
    const box = mark && mark.closest('.article');
    if (!box) return;
    box.scrollTop += mark.getBoundingClientRect().top - box.getBoundingClientRect().top - 48;
  });
}"""

# The actor table's numbered citations are buttons carrying their key; a click on one is
# sent to the server as a "click" event with that key (read back, and checked, there).
CITE_ON_CLICK = """
element.addEventListener('click', (event) => {
  const cite = event.target.closest('[data-cite]');
  if (cite && element.contains(cite)) trigger('click', {key: cite.getAttribute('data-cite')});
});
"""


# ---------------------------------------------------------------- HTML pieces


def _text(value: str, newlines: str = "<br>") -> str:
    """``value`` as inert HTML text; newlines become ``newlines``.

    Chat messages are one line of HTML (a blank line would end Markdown's HTML block
    and hand the rest to the Markdown parser), so there newlines become ``<br>``.
    """
    escaped = value.translate(_INERT)
    return escaped.replace("\r\n", "\n").replace("\n", newlines)


def _isolated(text: str, phrases: list[str]) -> str:
    """``text`` as inert HTML, with each of ``phrases`` in it wrapped in ``<bdi>``.

    An English answer names Arabic titles and outlets; left in the English paragraph,
    their quotes, question marks and brackets get reordered by the bidi algorithm.
    Isolated, each reads as one unit in its own direction.
    """
    phrases = sorted({p for p in phrases if p.strip()}, key=len, reverse=True)
    if not phrases:
        return _text(text)
    pieces, position = [], 0
    for match in re.finditer("|".join(map(re.escape, phrases)), text):
        pieces += [_text(text[position:match.start()]), f"<bdi>{_text(match.group())}</bdi>"]
        position = match.end()
    return "".join(pieces) + _text(text[position:])


def _language(text: str) -> str:
    return "ar" if is_arabic(text) else "en"


def _where(citation: Citation | Article, language: str) -> str:
    """'outlet · date' of a citation or article, with placeholders when missing."""
    labels = LABELS[language]
    outlet = citation.source or labels["unknown_outlet"]
    date = citation.date or labels["no_date"]
    return f"<bdi>{_text(outlet)}</bdi> · <bdi>{_text(date)}</bdi>"


def _citation_item(number: int | str, citation: Citation, language: str, show_span: bool = True) -> str:
    """One numbered source: title, then outlet · date on a line of its own, then the span."""
    # The entry keeps the answer's direction; <bdi> isolates a title in the other script,
    # and the quoted span takes the direction of its own text.
    quoted = "" if show_span else f" ({LABELS[language]['quoted']})"
    head = (f"<b>[{number}]</b> <bdi class='title'>{_text(citation.title)}</bdi>"
            f"<div class='where'>{_where(citation, language)}{quoted}</div>")
    if show_span:
        return f"<li>{head}<blockquote dir='auto' class='span'>{_text(citation.text)}</blockquote></li>"
    return f"<li>{head}</li>"


def question_html(question: str) -> str:
    """The user's message as shown in the chat."""
    return f"<div class='question' dir='auto'>{_text(question)}</div>"


def answer_html(answer: Answer) -> str:
    """An answer as one chat message: text, then numbered sources (or related passages)."""
    lang = answer.language if answer.language in LABELS else "en"
    labels = LABELS[lang]
    direction = "rtl" if lang == "ar" else "ltr"
    parts = [f"<div class='answer{'' if answer.answered else ' not-found'}' dir='{direction}' lang='{lang}'>"]
    if answer.answered:
        names = [c.title for c in answer.citations] + [c.source for c in answer.citations]
        parts.append(f"<p dir='auto' class='answer-text'>{_isolated(answer.text, names)}</p>")
        items = []
        for number, citation in enumerate(answer.citations, 1):
            # An Arabic answer quotes its spans in full; repeating them under "Sources"
            # would double the bubble, so those entries give only where the span is from.
            items.append(_citation_item(number, citation, lang, show_span=citation.text not in answer.text))
        parts.append(f"<p class='sources-label'><b>{labels['sources']}</b></p>"
                     f"<ol class='sources'>{''.join(items)}</ol>")
    else:
        parts.append(f"<p dir='auto' class='verdict'>{_text(answer.text)}</p>")
        if answer.related:
            items = "".join(_citation_item(f"~{n}", c, lang) for n, c in enumerate(answer.related, 1))
            parts.append(f"<details class='related'><summary>{labels['related']} ({len(answer.related)})</summary>"
                         f"<ol class='sources'>{items}</ol></details>")
    parts.append("</div>")
    return "".join(parts)


def notice_html(message: str, label: str = "") -> str:
    """A problem, said in the page (as inert text); the message is isolated from the label
    because the API's messages are English while the label may be Arabic."""
    label = f"<b>{_text(label)}:</b> " if label else ""
    return f"<div class='notice' role='alert' dir='auto'>{label}<bdi>{_text(message)}</bdi></div>"


def question_error_html(message: str, language: str) -> str:
    """Why a question could not be answered, introduced in the question's language."""
    return notice_html(message, LABELS[language]["error"])


def article_html(article: Article, start: int | None = None, end: int | None = None) -> str:
    """The whole article, with ``text[start:end]`` wrapped in ``<mark>`` when given.

    Newlines stay newlines (the body is ``white-space: pre-wrap``) so the mark's text is
    exactly the cited span, and ``unicode-bidi: plaintext`` gives each paragraph its own
    direction.
    """
    text = article.text
    if start is not None and end is not None and 0 <= start < end <= len(text):
        before, cited, after = (_text(piece, "\n") for piece in (text[:start], text[start:end], text[end:]))
        body = f"{before}<mark id='cited'>{cited}</mark>{after}"
    else:
        body = _text(text, "\n")
    lang = _language(text)
    link = (f" · <a href='{html.escape(article.url, quote=True)}' rel='noopener noreferrer' target='_blank'>link</a>"
            if article.url.startswith(("http://", "https://")) else "")
    return (f"<div class='article' lang='{lang}' data-article-id='{html.escape(article.id, quote=True)}'>"
            f"<h3 dir='auto'>{_text(article.title)}</h3>"
            f"<div class='where' dir='auto'>{_where(article, lang)} · <code>{_text(article.id)}</code>{link}</div>"
            f"<div class='body' dir='auto'>{body}</div></div>")


def corpus_html(articles: list[Article]) -> str:
    """The corpus panel: how many articles, and each one's title, outlet and date."""
    rows = "".join(
        f"<tr><td><code>{_text(a.id)}</code></td><td dir='auto'>{_text(a.title)}</td>"
        f"<td dir='auto'>{_text(a.source or '—')}</td><td>{_text(a.date or '—')}</td>"
        f"<td>{len(a.text):,}</td></tr>"
        for a in articles)
    return (f"<p id='corpus-count'><b>{len(articles)}</b> articles indexed / مقالة مفهرسة</p>"
            "<table class='corpus-table'><thead><tr><th>id</th><th>title / العنوان</th><th>outlet / المصدر</th>"
            f"<th>date / التاريخ</th><th>chars</th></tr></thead><tbody>{rows}</tbody></table>")


# ---------------------------------------------------------------- actors view

ALL_BACKERS = "all"
RELATION_LABELS = {
    "backed-by": ("backed by", "مدعوم من"),
    "trained-by": ("trained by", "درّبه"),
    "affiliated-with": ("affiliated with", "يتبع"),
    "led-by": ("led by", "بقيادة"),
    "formed-by": ("formed by", "شكّله"),
    "clashed-with": ("clashed with", "اشتبك مع"),
    "defected-to": ("defected to", "انشق إلى"),
    "member-of": ("part of", "جزء من"),
    NAMED_WITH: ("named with", "يُذكر مع"),
}
TYPE_LABELS = {
    "armed_group": ("armed group", "فصيل مسلح"), "force": ("force", "قوة"), "organisation": ("organisation", "منظمة"),
    "company": ("company", "شركة"), "state": ("state", "دولة"), "person": ("person", "شخص"), "place": ("place", "مكان"),
}
# One colour per backer, in the order of ``Assistant.backers()`` (so a filter keeps colours).
PALETTE = ["#b03a2e", "#1e7b34", "#6c3fa0", "#1f5fbf", "#b8650a", "#00838f", "#6d4c41", "#ad1457"]
# Places listed per actor before the rest fold under "more" (those named with it most first).
PLACES_SHOWN = 5
# Line style per kind of backing: solid, dashed, dotted.
EDGE_DASH = {"backed-by": "", "formed-by": "8 4", "trained-by": "2 4"}
ACTORS_INTRO = (
    "<div class='actors-intro'><p>Who backs whom, as the indexed articles state it: an arrow runs from a backer "
    "to a group it backs, formed or trained. Choosing a backer narrows the graph and the table. Every fact in "
    "the table is numbered: click a number to read its passage in its article.</p>"
    "<p dir='rtl' lang='ar'>من يدعم من كما تذكره المقالات المفهرسة: يتجه السهم من الجهة الداعمة إلى الفصيل "
    "الذي تدعمه أو شكّلته أو درّبته. اختيار جهة داعمة يحصر الرسم والجدول بها. لكل معلومة في الجدول رقم: انقر "
    "عليه لقراءة المقطع في مقالته.</p></div>"
)


def _names(actor_id: str) -> tuple[str, str]:
    """(English, Arabic) name of an actor; an id missing from the list is shown as itself."""
    try:
        actor = actor_by_id(actor_id)
    except KeyError:
        return actor_id, ""
    return actor.name_en, actor.name_ar


def _bilingual(english: str, arabic: str, sep: str = " · ") -> str:
    """English left-to-right, then Arabic right-to-left, each isolated from the other."""
    parts = [f"<bdi dir='ltr' class='name-en'>{_text(english)}</bdi>"]
    if arabic:
        parts.append(f"<bdi dir='rtl' lang='ar' class='name-ar'>{_text(arabic)}</bdi>")
    return sep.join(parts)


def relation_key(relation: Relation) -> str:
    """The evidence span of a relation as a citation key ("article_id|start|end")."""
    return f"{relation.article_id}|{relation.start}|{relation.end}"


class CitedFacts:
    """Numbers the evidence spans of the actor table as they first appear (one span, one
    number) and keeps, per number, a dropdown label naming the fact and its source."""

    def __init__(self, articles: dict[str, Article]):
        self.articles = articles
        self.numbers: dict[str, int] = {}
        self.choices: list[tuple[str, str]] = []

    def where(self, relation: Relation) -> tuple[str, str]:
        """(outlet, date) of a relation: the date stated beside it, else its article's."""
        article = self.articles.get(relation.article_id)
        outlet = (article.source if article else "") or LABELS["en"]["unknown_outlet"]
        return outlet, relation.date or relation.article_date or LABELS["en"]["no_date"]

    def number(self, actor_id: str, fact: ActorFact, relation: Relation) -> int:
        key = relation_key(relation)
        if key not in self.numbers:
            self.numbers[key] = len(self.numbers) + 1
            outlet, date = self.where(relation)
            relation_en = RELATION_LABELS.get(fact.relation, (fact.relation,))[0]
            label = (f"[{self.numbers[key]}] {_names(actor_id)[0]} — {relation_en} "
                     f"{_names(fact.other_id)[0]} — {outlet}, {date}")
            self.choices.append((label, key))
        return self.numbers[key]

    def button(self, actor_id: str, fact: ActorFact, relation: Relation) -> str:
        """The clickable [n] of one evidence span; its title holds the span itself."""
        n = self.number(actor_id, fact, relation)
        return (f"<button type='button' class='cite' data-cite='{_text(relation_key(relation))}' "
                f"title='{_text(relation.evidence, ' ')}'>[{n}]</button>")


def _fact_html(actor_id: str, fact: ActorFact, cited: CitedFacts, with_relation: bool) -> str:
    """One fact: the other actor (and the relation), then each source: [n] outlet · date, qualifier."""
    relation = ""
    if with_relation:
        english, arabic = RELATION_LABELS.get(fact.relation, (fact.relation, ""))
        relation = f"<span class='rel'>{_bilingual(english, arabic, ' / ')}</span> "
    earlier = " <span class='earlier'>earlier / سابقاً</span>" if fact.earlier else ""
    sources = []
    for r in fact.evidence:
        outlet, date = cited.where(r)
        shown = "earlier / سابقاً" if r.qualifier == "earlier" else r.qualifier
        qualifier = ("" if not r.qualifier or (r.qualifier == "earlier" and fact.earlier)
                     else f" — <bdi dir='auto' class='q'>{_text(shown)}</bdi>")
        sources.append(f"<li>{cited.button(actor_id, fact, r)} <bdi dir='auto' class='outlet'>{_text(outlet)}</bdi>"
                       f" · <bdi dir='auto' class='date'>{_text(date)}</bdi>{qualifier}</li>")
    return (f"<li class='fact' data-relation='{_text(fact.relation)}' data-other='{_text(fact.other_id)}'>"
            f"{relation}<span class='who'>{_bilingual(*_names(fact.other_id))}</span>{earlier}"
            f"<ul class='evidence'>{''.join(sources)}</ul></li>")


def _place_html(actor_id: str, fact: ActorFact, cited: CitedFacts) -> str:
    """A place named with the actor: its names and the [n] of each sentence naming both."""
    buttons = "".join(cited.button(actor_id, fact, r) for r in fact.evidence)
    return (f"<li class='fact' data-relation='{NAMED_WITH}' data-other='{_text(fact.other_id)}'>"
            f"{_bilingual(*_names(fact.other_id))} {buttons}</li>")


def _cell(actor_id: str, facts: list[ActorFact], css: str, cited: CitedFacts, with_relation: bool = False) -> str:
    items = "".join(_fact_html(actor_id, f, cited, with_relation) for f in facts)
    return f"<td class='{css}'><ul>{items}</ul></td>" if items else f"<td class='{css}'>—</td>"


def actor_table_html(rows: list[ActorRow], cited: CitedFacts) -> str:
    """The actor table: per actor its names and type, backers, leaders, the places named with
    it and its other relations, every fact with numbered sources (outlet, date)."""
    body = []
    for row in rows:
        kind = actor_type(row.actor_id)
        english, arabic = _names(row.actor_id)
        type_en, type_ar = TYPE_LABELS.get(kind, (kind or "?", ""))
        # Cells are built left to right, so citations are numbered in reading order.
        backers = _cell(row.actor_id, row.backers, 'backers', cited)
        leaders = _cell(row.actor_id, row.leaders, 'leaders', cited)
        places = "".join(_place_html(row.actor_id, f, cited) for f in row.places[:PLACES_SHOWN])
        if len(row.places) > PLACES_SHOWN:
            rest = "".join(_place_html(row.actor_id, f, cited) for f in row.places[PLACES_SHOWN:])
            places += (f"<li><details><summary>{len(row.places) - PLACES_SHOWN} more / المزيد</summary>"
                       f"<ul>{rest}</ul></details></li>")
        body.append(
            f"<tr data-actor-id='{_text(row.actor_id)}'>"
            f"<td class='actor'><div dir='ltr' class='name-en'><b>{_text(english)}</b></div>"
            f"<div dir='rtl' lang='ar' class='name-ar'>{_text(arabic)}</div>"
            f"<div class='type'>{_bilingual(type_en, type_ar, ' / ')}</div></td>"
            f"{backers}{leaders}"
            + (f"<td class='places'><ul>{places}</ul></td>" if places else "<td class='places'>—</td>")
            + f"{_cell(row.actor_id, row.others, 'others', cited, with_relation=True)}</tr>")
    passages = len(cited.numbers)
    return (f"<p class='actor-count'><b>{len(rows)}</b> actors, <b>{passages}</b> cited passages; click a number "
            f"to read its source. <bdi dir='rtl' lang='ar'>{len(rows)} فاعلاً، {passages} مقطعاً موثّقاً؛ "
            "انقر رقماً لقراءة مصدره.</bdi></p>"
            "<div class='actor-scroll'><table class='actor-table'><colgroup><col class='actor'><col class='backers'>"
            "<col class='leaders'><col class='places'><col class='others'></colgroup>"
            "<thead><tr><th>Actor / الفاعل</th><th>Backers / الداعمون</th>"
            "<th>Leaders / القادة</th><th>Places named with it / أماكن تُذكر معه</th>"
            f"<th>Other relations / علاقات أخرى</th></tr></thead><tbody>{''.join(body)}</tbody></table></div>")


def _columns(edges: list[BackingEdge]) -> tuple[list[str], list[str]]:
    """(backers, groups) of the graph, top to bottom: backers backing most first, each group
    at the mean height of its backers, so that few edges cross. An actor both backed and
    backing (Russia, backed by Iran) stands in both columns."""
    out_degree: dict[str, int] = {}
    for e in edges:
        out_degree[e.backer_id] = out_degree.get(e.backer_id, 0) + 1
    left = sorted(out_degree, key=lambda n: (-out_degree[n], _names(n)[0]))
    row = {n: i for i, n in enumerate(left)}
    parents: dict[str, list[int]] = {}
    for e in edges:
        parents.setdefault(e.group_id, []).append(row[e.backer_id])
    right = sorted(parents, key=lambda n: (sum(parents[n]) / len(parents[n]), _names(n)[0]))
    return left, right


def backing_graph_html(edges: list[BackingEdge], colours: dict[str, str]) -> str:
    """Who backs whom as inline SVG: backers on the left, an arrow to each group they back,
    formed or trained (solid, dashed, dotted line); faded when its sources say "earlier"."""
    if not edges:
        return "<p class='backing-graph'>No backing relations in the indexed articles. / لا علاقات دعم.</p>"
    width, height, gap, vgap, margin = 240, 34, 250, 6, 6
    left, right = _columns(edges)
    tallest = max(len(left), len(right))
    total_h = tallest * height + (tallest - 1) * vgap + 2 * margin
    total_w = 2 * width + gap + 2 * margin

    def tops(column: list[str]) -> dict[str, float]:
        top = (total_h - len(column) * height - (len(column) - 1) * vgap) / 2
        return {node: top + i * (height + vgap) for i, node in enumerate(column)}

    left_y, right_y = tops(left), tops(right)

    def ports(ends: list[tuple[str, str]], own: dict[str, float], other: dict[str, float]) -> dict:
        """y of each edge end on its node's side, spread in the order of the nodes at the other end."""
        found = {}
        for node in own:
            others = sorted((o for n, o in ends if n == node), key=lambda o: other[o])
            found.update({(node, o): own[node] + height * (i + 1) / (len(others) + 1) for i, o in enumerate(others)})
        return found

    out_port = ports([(e.backer_id, e.group_id) for e in edges], left_y, right_y)
    in_port = ports([(e.group_id, e.backer_id) for e in edges], right_y, left_y)
    palette = list(dict.fromkeys(colours.values()))
    markers = "".join(
        f"<marker id='ag-arrow-{i}' viewBox='0 0 10 10' refX='9' refY='5' markerWidth='7' markerHeight='7' "
        f"orient='auto-start-reverse'><path d='M 0 0 L 10 5 L 0 10 z' fill='{c}'/></marker>"
        for i, c in enumerate(palette))
    x1, x2, bend = margin + width, margin + width + gap, gap / 2
    parts = []
    for e in edges:
        colour = colours.get(e.backer_id, "#555")
        y1, y2 = out_port[e.backer_id, e.group_id], in_port[e.group_id, e.backer_id]
        kinds = " + ".join(RELATION_LABELS[k][0] for k in e.relations)
        sources = len({relation_key(r) for r in e.evidence})
        title = (f"{_names(e.backer_id)[0]} → {_names(e.group_id)[0]}: {kinds}"
                 f"{' (earlier)' if e.earlier else ''}; {sources} source(s)")
        dash = EDGE_DASH[e.relations[0]]
        style = (f"stroke='{colour}' stroke-width='2.2' fill='none' stroke-linecap='round'"
                 + (f" stroke-dasharray='{dash}'" if dash else "") + (" stroke-opacity='.4'" if e.earlier else ""))
        label = ""
        if e.earlier:  # on the group's end, where edges into one group are spread apart
            label = (f"<text x='{x2 - 10}' y='{y2 - 4:.1f}' text-anchor='end' font-size='11' "
                     f"fill='{colour}'>earlier / سابقاً</text>")
        parts.append(
            f"<g class='edge' data-backer='{_text(e.backer_id)}' data-group='{_text(e.group_id)}'"
            f" data-relations='{_text(' '.join(e.relations))}'><title>{_text(title)}</title>"
            f"<path d='M {x1} {y1:.1f} C {x1 + bend} {y1:.1f}, {x2 - bend} {y2:.1f}, {x2 - 1} {y2:.1f}' {style} "
            f"marker-end='url(#ag-arrow-{palette.index(colour) if colour in palette else 0})'/>{label}</g>")
    for role, x, column in (("backer", margin, left_y), ("group", x2, right_y)):
        for node, y in column.items():
            english, arabic = _names(node)
            stroke = (f"stroke='{colours.get(node, '#777')}' stroke-width='2.5'" if role == "backer"
                      else "stroke='#888' stroke-width='1'")
            parts.append(
                f"<g class='node {role}' data-actor-id='{_text(node)}'>"
                f"<title>{_text(english)} / {_text(arabic)}</title>"
                f"<rect x='{x}' y='{y:.1f}' width='{width}' height='{height}' rx='7' fill='#fff' {stroke}/>"
                f"<text x='{x + width / 2}' y='{y + 14:.1f}' text-anchor='middle' font-size='12.5' font-weight='600' "
                f"fill='#111' direction='ltr'>{_text(english)}</text>"
                f"<text x='{x + width / 2}' y='{y + 29:.1f}' text-anchor='middle' font-size='12.5' fill='#333' "
                f"direction='rtl' unicode-bidi='embed' lang='ar'>{_text(arabic)}</text></g>")
    legend = "".join(
        f"<span><svg width='34' height='8' aria-hidden='true'><line x1='1' y1='4' x2='33' y2='4' stroke='#555' "
        f"stroke-width='2.2' stroke-dasharray='{dash or 'none'}'/></svg> {_bilingual(*RELATION_LABELS[kind], ' / ')}"
        "</span>" for kind, dash in EDGE_DASH.items())
    legend += "<span>faded: earlier / باهت: سابقاً</span>"
    return (f"<div class='backing-graph'><svg viewBox='0 0 {total_w} {total_h}' style='max-width: {total_w}px' "
            "role='img' aria-label='Who backs whom / من يدعم من' xmlns='http://www.w3.org/2000/svg'>"
            f"<defs>{markers}</defs>{''.join(parts)}</svg><div class='legend'>{legend}</div></div>")


# ---------------------------------------------------------------- citation keys

# A dropdown value names a span as "article_id|start|end"; it comes back from the
# browser, so it is parsed and checked against the index, never trusted.


def citation_key(citation: Citation) -> str:
    return f"{citation.article_id}|{citation.start}|{citation.end}"


def citation_choices(answer: Answer, turn: int) -> list[tuple[str, str]]:
    """Dropdown entries for one answer's citations (or related passages)."""
    def label(prefix: str, c: Citation) -> str:
        return f"#{turn} {prefix} {c.title} — {c.source or '?'}{', ' + c.date if c.date else ''}"

    if answer.answered:
        return [(label(f"[{n}]", c), citation_key(c)) for n, c in enumerate(answer.citations, 1)]
    return [(label(f"related ~{n}", c), citation_key(c)) for n, c in enumerate(answer.related, 1)]


def parse_key(key: str) -> tuple[str, int, int] | None:
    article_id, _, rest = (key or "").rpartition("|")
    article_id, _, start = article_id.rpartition("|")
    try:
        return article_id, int(start), int(rest)
    except ValueError:
        return None


# ---------------------------------------------------------------- handlers


def new_session() -> dict:
    """Per-browser-session state: the plain history for ``ask``, the HTML shown, the sources."""
    return {"history": [], "display": [], "sources": []}


def make_handlers(assistant: Assistant) -> dict[str, Callable]:
    """The event handlers, closed over one Assistant (so tests can pass their own)."""

    def articles_by_id() -> dict[str, Article]:
        return {a.id: a for a in assistant.articles()}

    def chat_turn(question: str, session: dict):
        """Ask with the session's history; returns (textbox, chat, session, citation dropdown, notice).

        On an error the question stays in the textbox, to be corrected, and the chat is unchanged.
        """
        session = session or new_session()
        question = question or ""
        language = _language(question)
        try:
            answer = assistant.ask(question, session["history"])
        except (QuestionError, IndexLoadError) as error:  # the message says what to do
            problem = question_error_html(str(error), language)
            return question, session["display"], session, gr.update(), problem
        except Exception as error:  # the page must survive anything; the log keeps the trace
            log.exception("ask failed")
            problem = question_error_html(f"internal error ({type(error).__name__}); see the server log", language)
            return question, session["display"], session, gr.update(), problem

        turn = len(session["history"]) // 2 + 1
        session["history"] += [{"role": "user", "content": question.strip()},
                               {"role": "assistant", "content": answer.text}]
        session["display"] += [{"role": "user", "content": question_html(question.strip())},
                               {"role": "assistant", "content": answer_html(answer)}]
        # Newest answer first: its citations are the ones most likely to be opened.
        session["sources"] = citation_choices(answer, turn) + session["sources"]
        dropdown = gr.update(choices=session["sources"], value=None)
        return "", session["display"], session, dropdown, ""

    def chat_example(event: gr.SelectData, session: dict):
        """An example question clicked in the empty chat: asked at once."""
        value = event.value if isinstance(event.value, dict) else {}
        return chat_turn(str(value.get("text", "")), session)

    def clear():
        """A new conversation: no history, no sources, an empty viewer."""
        return "", [], new_session(), gr.update(choices=[], value=None), "", ""

    def open_citation(key: str | None):
        """The whole article of a citation, the cited span highlighted."""
        parsed = parse_key(key) if key else None
        if parsed is None:
            return ""
        article_id, start, end = parsed
        try:
            article = articles_by_id().get(article_id)
        except IndexLoadError as error:
            return notice_html(str(error))
        if article is None:
            return notice_html(f"article {article_id} is not in the index")
        return article_html(article, start, end)

    def actors_view(backer: str | None):
        """(graph, table, cited-fact dropdown, backer dropdown) of the Actors tab for ``backer``,
        an actor id or "all"; any other value (it comes from the browser) counts as "all"."""
        everyone = [("All backers / كل الجهات الداعمة", ALL_BACKERS)]
        try:
            known = assistant.backers()
            chosen = backer if backer in known else None
            rows = assistant.actor_table(chosen)
            every_edge = assistant.backing_edges()
            articles = articles_by_id()
        except IndexLoadError as error:
            return (notice_html(str(error)), "", gr.update(choices=[], value=None),
                    gr.update(choices=everyone, value=ALL_BACKERS))
        edges = [e for e in every_edge if chosen is None or e.backer_id == chosen]
        colours = {b: PALETTE[i % len(PALETTE)] for i, b in enumerate(known)}
        cited = CitedFacts(articles)
        table = actor_table_html(rows, cited)  # numbers the citations, in table order
        groups = {b: sum(e.backer_id == b for e in every_edge) for b in known}
        choices = everyone + [(f"{_names(b)[0]} ({groups[b]}) / {_names(b)[1]}", b) for b in known]
        return (backing_graph_html(edges, colours), table, gr.update(choices=cited.choices, value=None),
                gr.update(choices=choices, value=chosen or ALL_BACKERS))

    def open_cited_fact(event: gr.EventData):
        """A number clicked in the actor table: its article, the evidence span highlighted."""
        data = getattr(event, "_data", None)
        key = data.get("key") if isinstance(data, dict) else None
        return open_citation(str(key)) if key else gr.update()

    def open_article(article_id: str | None):
        """The whole article, from the corpus panel."""
        try:
            article = articles_by_id().get(article_id or "")
        except IndexLoadError as error:
            return notice_html(str(error))
        return article_html(article) if article else ""

    def corpus_view():
        """(corpus table, article dropdown) for the corpus panel."""
        try:
            articles = assistant.articles()
        except IndexLoadError as error:
            return notice_html(str(error)), gr.update(choices=[], value=None)
        choices = [(f"{a.title} — {a.source or '?'}", a.id) for a in articles]
        return corpus_html(articles), gr.update(choices=choices, value=None)

    def ingest(files, progress=gr.Progress()):  # noqa: B008 - Gradio's way of asking for a progress bar
        """Ingest uploaded files into the live index; report each bad file."""
        paths = [Path(f if isinstance(f, str) else f.name) for f in (files or [])]
        if not paths:
            return notice_html("Choose .txt, .md or .jsonl files first / اختر ملفات أولاً"), *corpus_view()
        # The API reports progress per batch of passages; until the first one, say what runs.
        progress(0, desc=f"Reading and embedding {len(paths)} file(s)")

        def on_progress(done: int, total: int) -> None:
            if total:
                progress((done, total), desc="Embedding passages", unit="passages")

        try:
            report = assistant.ingest(paths, progress=on_progress)
        except Exception as error:  # a failed build leaves the old index live; say so
            log.exception("ingest failed")
            return notice_html(f"ingestion failed, the index is unchanged: {error}"), *corpus_view()
        # Uploads live under Gradio's temp folders: show the file names people chose.
        problems = report.problems
        for path in paths:
            problems = [p.replace(str(path), path.name) for p in problems]
        items = "".join(f"<li dir='auto'>{_text(p)}</li>" for p in problems)
        status = (f"<div class='notice ok' role='status' id='ingest-summary'>{_text(report.summary())}</div>"
                  + (f"<div class='notice' role='alert'><b>Problems / مشكلات</b><ul>{items}</ul></div>"
                     if items else ""))
        return status, *corpus_view()

    def ask_api(question: str, history: list | None = None) -> dict:
        """The answer as JSON (see ``Answer.to_dict``); for scripts and the load test.

        ``history`` is the chat so far, ``[{"role": "user"|"assistant", "content": str}, ...]``.
        """
        # Whatever a client sends, ask() gets well-formed messages.
        messages = [{"role": str(m.get("role", "")), "content": str(m.get("content", ""))}
                    for m in (history or []) if isinstance(m, dict)]
        try:
            return assistant.ask(question, messages).to_dict()
        except (QuestionError, IndexLoadError) as error:
            raise gr.Error(str(error)) from error

    return {"chat_turn": chat_turn, "chat_example": chat_example, "clear": clear, "open_citation": open_citation,
            "open_article": open_article, "corpus_view": corpus_view, "ingest": ingest, "ask_api": ask_api,
            "actors_view": actors_view, "open_cited_fact": open_cited_fact}


# ---------------------------------------------------------------- layout


def build_app(assistant: Assistant) -> gr.Blocks:
    """The Gradio app over ``assistant``; launch it with ``launch``."""
    h = make_handlers(assistant)
    with gr.Blocks(title="Syria armed groups — news assistant", analytics_enabled=False) as app:
        session = gr.State(new_session())
        gr.Markdown("## Syria's armed groups — news assistant / مساعد أخبار الفصائل المسلحة في سوريا\n"
                    "Answers are passages quoted from the indexed articles, each with its source. "
                    "الإجابات مقاطع مقتبسة من المقالات المفهرسة مع مصادرها.")
        with gr.Tab("Ask / اسأل"):
            with gr.Row():
                with gr.Column(scale=3):
                    chat = gr.Chatbot(
                        label="Chat", elem_id="chat", height=560, layout="bubble",
                        # Content is built from escaped text; the sanitiser stays on anyway and
                        # custom tags are not let through it. No LaTeX: "$" in news is money.
                        sanitize_html=True, allow_tags=False, latex_delimiters=[], line_breaks=False,
                        buttons=[], feedback_options=None,
                        examples=[{"text": q} for q in EXAMPLES],
                        placeholder="Ask in English or Arabic. / اسأل بالعربية أو بالإنجليزية.",
                    )
                    notice = gr.HTML("", elem_id="notice")
                    with gr.Row():
                        question = gr.Textbox(show_label=False, placeholder="Your question / سؤالك", scale=5,
                                              elem_id="question", rtl=False, max_lines=4, submit_btn=True)
                        new_chat = gr.Button("New conversation / محادثة جديدة", scale=1, size="sm")
                with gr.Column(scale=2):
                    citation = gr.Dropdown(label="Open a citation / افتح مصدراً", choices=[], value=None,
                                           elem_id="citation-picker", interactive=True)
                    viewer = gr.HTML("<p class='hint'>Choose a citation to read its whole article.</p>",
                                     elem_id="article-view")
        with gr.Tab("Corpus / المقالات"):
            corpus = gr.HTML(elem_id="corpus-list")
            pick_article = gr.Dropdown(label="Open an article / افتح مقالة", choices=[],
                                       elem_id="article-picker", interactive=True)
            corpus_article = gr.HTML(elem_id="corpus-article")
            uploads = gr.File(label="Add articles (.txt, .md, .jsonl) / أضف مقالات", file_count="multiple",
                              file_types=[".txt", ".md", ".jsonl"], elem_id="upload")
            add = gr.Button("Add to index / أضف إلى الفهرس", variant="primary", elem_id="ingest-button")
            ingest_status = gr.HTML(elem_id="ingest-status")
        with gr.Tab("Actors / الفاعلون", elem_id="actors-tab"):
            with gr.Row(equal_height=False):
                with gr.Column(scale=3, min_width=240):
                    backer_filter = gr.Dropdown(label="Backer / الجهة الداعمة", value=ALL_BACKERS,
                                                choices=[("All backers / كل الجهات الداعمة", ALL_BACKERS)],
                                                elem_id="backer-filter", interactive=True)
                    gr.HTML(ACTORS_INTRO, elem_id="actors-intro")
                with gr.Column(scale=8):
                    graph = gr.HTML(elem_id="backing-graph")
            with gr.Row(equal_height=False):
                with gr.Column(scale=7):
                    actors_table = gr.HTML(elem_id="actor-table", js_on_load=CITE_ON_CLICK)
                with gr.Column(scale=4):
                    fact_picker = gr.Dropdown(label="Open a cited fact / افتح مصدر معلومة", choices=[], value=None,
                                              elem_id="fact-picker", interactive=True)
                    actor_viewer = gr.HTML("<p class='hint'>Click a number in the table, or choose a fact, to read "
                                           "its source. <bdi dir='rtl' lang='ar'>انقر رقماً أو اختر معلومة لقراءة "
                                           "مصدرها.</bdi></p>", elem_id="actor-article-view")

        chat_outputs = [question, chat, session, citation, notice]
        question.submit(h["chat_turn"], [question, session], chat_outputs, api_visibility="private",
                        concurrency_limit=4)
        chat.example_select(h["chat_example"], [session], chat_outputs, api_visibility="private",
                            concurrency_limit=4)
        cleared = [question, chat, session, citation, notice, viewer]
        new_chat.click(h["clear"], None, cleared, api_visibility="private")
        # The Chatbot's own bin button empties the display; the history must go with it.
        chat.clear(h["clear"], None, cleared, api_visibility="private")
        citation.input(h["open_citation"], citation, viewer, api_visibility="private").then(
            None, js=SCROLL_TO_MARK)
        pick_article.input(h["open_article"], pick_article, corpus_article, api_visibility="private")
        # One ingestion at a time: the index swap is serialised anyway, and a queue shows it.
        actor_outputs = [graph, actors_table, fact_picker, backer_filter]
        add.click(h["ingest"], uploads, [ingest_status, corpus, pick_article], api_visibility="private",
                  concurrency_limit=1, show_progress_on=[ingest_status]).then(
            h["actors_view"], backer_filter, actor_outputs, api_visibility="private")
        app.load(h["corpus_view"], None, [corpus, pick_article], api_visibility="private")
        # The Actors tab: filter by backer; a number clicked in the table, or a fact chosen,
        # opens its evidence in the tab's own article viewer.
        backer_filter.input(h["actors_view"], backer_filter, actor_outputs, api_visibility="private")
        actors_table.click(h["open_cited_fact"], None, actor_viewer, api_visibility="private").then(
            None, js=SCROLL_TO_ACTOR_MARK)
        fact_picker.input(h["open_citation"], fact_picker, actor_viewer, api_visibility="private").then(
            None, js=SCROLL_TO_ACTOR_MARK)
        app.load(h["actors_view"], backer_filter, actor_outputs, api_visibility="private")
        gr.api(h["ask_api"], api_name="ask", concurrency_limit=4)
    return app


def launch(app: gr.Blocks, host: str = "127.0.0.1", port: int = 7860, auth: tuple[str, str] | None = None,
           block: bool = True):
    """Start the server (the CSS lives here: Gradio 6 takes it at launch)."""
    return app.queue(default_concurrency_limit=4).launch(
        server_name=host, server_port=port, auth=auth, css=CSS, prevent_thread_lock=not block,
        show_error=False, ssr_mode=False, max_file_size="20mb", quiet=not block)


def parse_auth(value: str | None) -> tuple[str, str] | None:
    """'user:pass' -> (user, pass); None when not given."""
    if not value:
        return None
    user, sep, password = value.partition(":")
    if not sep or not user or not password:
        raise argparse.ArgumentTypeError("expected user:password")
    return user, password


def warm_up(assistant: Assistant) -> None:
    """Load the model and index now so the first question is not the slow one.

    A missing or broken index is not fatal: the page says so, and uploads can build one.
    """
    try:
        assistant.index  # noqa: B018 - loads and verifies the index (and the model)
    except IndexLoadError as error:
        log.warning("index not usable yet: %s", error)


def main(argv: list[str] | None = None) -> int:
    """``assistant serve`` and ``python ui.py``: parse the options and serve until stopped."""
    parser = argparse.ArgumentParser(prog="assistant serve", description="Serve the assistant's web UI.")
    parser.add_argument("--host", default=os.environ.get("GRADIO_SERVER_NAME") or "127.0.0.1",
                        help="address to listen on (default: GRADIO_SERVER_NAME, else loopback only)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("GRADIO_SERVER_PORT") or 7860),
                        help="port (default: GRADIO_SERVER_PORT, else 7860)")
    parser.add_argument("--index", type=Path, help="index folder (default: index/)")
    parser.add_argument("--auth", type=parse_auth, default=os.environ.get("ASSISTANT_UI_AUTH"),
                        help="require a login, as user:password (or set ASSISTANT_UI_AUTH)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.host not in ("127.0.0.1", "localhost", "::1") and not args.auth:
        log.warning("listening on %s with no login: anyone who can reach it can read and add articles", args.host)
    assistant = Assistant(index_dir=args.index)
    warm_up(assistant)
    # argparse runs parse_auth on the environment default too, so args.auth is a pair or None.
    launch(build_app(assistant), args.host, args.port, args.auth)
    return 0


if __name__ == "__main__":
    sys.exit(main())

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
import hashlib
import html
import logging
import os
import re
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import gradio as gr
from starlette.middleware import Middleware

from .actors import (
    NAMED_WITH,
    ActorFact,
    ActorSelection,
    ActorType,
    BackingEdge,
    Origin,
    Page,
    Relation,
    actor_type,
    find_mentions,
    is_discovered,
    page_of,
)
from .answer import Answer, Citation
from .answerability import WELL_SUPPORTED
from .api import Assistant, QuestionError
from .arabic import is_arabic
from .corpus import Article
from .dates import display, relation_date
from .export import (
    EDGE_DASH,
    FORMATS,
    RELATION_LABELS,
    STATE_COLOUR,
    STATE_DASH,
    SUFFIX,
    backer_colours,
    graph_svg,
    inert,
    names,
    state_to_state,
)
from .ingestion import IngestReport
from .login import LoginThrottle, LoginThrottleMiddleware
from .settings import Settings, load_settings, setting_name
from .storage import IndexLoadError
from .timeline import Stretch, TimelinePoint

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
        "link": "original",
        "timeline": "Timeline of",
        "well_supported": "well supported",
        "weak": "weak",
        "confidence": "probability that the first source answers",
    },
    "ar": {
        "sources": "المصادر",
        "quoted": "مقتبس أعلاه",
        "related": "أقرب المقاطع — ذات صلة، وليست إجابة",
        "unknown_outlet": "مصدر غير معروف",
        "no_date": "بلا تاريخ",
        "error": "تعذّرت الإجابة عن هذا السؤال",
        "link": "الأصل",
        "timeline": "الخط الزمني لـ",
        "well_supported": "مدعوم جيداً",
        "weak": "ضعيف",
        "confidence": "احتمال أن يجيب المصدر الأول",
    },
}

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
.answer .confidence { display: inline-block; font-size: .85em; padding: 0 .5em; border-radius: .6em; }
.answer .confidence.well { background: #e3f4e1; color: #1d5c1a; }
.answer .confidence.weak { background: #fbeed5; color: #7a4b00; }
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
/* The graph keeps its drawn size (text 11 px and up) and scrolls sideways where the page is narrower. */
.backing-graph .graph-scroll { overflow-x: auto; }
.backing-graph .graph-scroll > svg { display: block; max-width: none; }
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
.actor-table .cite, .timeline .cite { font: inherit; font-weight: 600; color: var(--link-text-color, #1f5fbf);
  background: none; border: 0; padding: 0 .1em; margin: 0; cursor: pointer; text-decoration: underline; }
.actor-table .places .fact { margin-bottom: .2em; }
.actor-table .places summary { cursor: pointer; font-size: .9em; }
.actor-table col.actor { width: 15%; } .actor-table col.backers { width: 23%; }
.actor-table col.leaders { width: 16%; } .actor-table col.places { width: 19%; }
.actor-table col.others { width: 27%; }
/* One font for every Latin letter, bold or not: the theme's web font is not there offline, and
   its fallback drew bold capitals A and B from another face, as small capitals. */
:root, .gradio-container, .gradio-container * {
  --font: "DejaVu Sans", "Liberation Sans", "Noto Sans", "Noto Naskh Arabic", sans-serif; }
.gradio-container, .gradio-container button, .gradio-container input, .gradio-container textarea,
.gradio-container select, .gradio-container table, .gradio-container svg text {
  font-family: "DejaVu Sans", "Liberation Sans", "Noto Sans", "Noto Naskh Arabic", sans-serif !important;
  font-variant: normal; font-synthesis: none; }
/* A title in the other script is one unit: it wraps inside its own box, never across the sentence. */
.answer bdi.title, .answer-text bdi { display: inline-block; max-width: 100%; }
.answer a.cite { font-weight: 600; text-decoration: underline; cursor: pointer; }
.answer .links { margin-inline-start: .4em; font-size: .9em; }
.copy { font: inherit; font-size: .85em; padding: .05em .45em; margin-inline-start: .4em; cursor: pointer;
        border: 1px solid var(--border-color-primary); border-radius: 4px; background: none; }
#citation-picker input, #fact-picker input, #actor-picker input { text-overflow: ellipsis; unicode-bidi: plaintext; }
.timeline { list-style: none; margin: 0; padding: 0 0 0 .2em; border-inline-start: 3px solid #c9a227; }
.timeline li { position: relative; margin: 0 0 .7em; padding-inline-start: 1em; }
.timeline li::before { content: ""; position: absolute; inset-inline-start: -.5em; top: .45em; width: .7em;
                       height: .7em; border-radius: 50%; background: #c9a227; }
.timeline .when { font-weight: 600; }
.timeline .phrase { opacity: .8; font-size: .9em; }
/* An outlet or date is one unit: "Al-Hal Net (الحل نت)" broken over two lines misplaces its brackets. */
.timeline .outlet, .actor-table .outlet, .answer .where > bdi { white-space: nowrap; }
.timeline h4 { margin: .8em 0 .3em; }
.timeline-head h3 { margin: 0 0 .3em; }
.actor-table .open-actor { font: inherit; font-weight: 700; background: none; border: 0; padding: 0; margin: 0;
                           cursor: pointer; color: inherit; text-decoration: underline dotted; text-align: start; }
.backing-graph .legend .state { color: #555; }
#actor-bridge, #chat-bridge { display: none; }
.discovered-badge { display: inline-block; font-size: .78em; font-weight: 600; border: 1px dashed currentColor;
  border-radius: 3px; padding: 0 .3em; margin-inline-start: .3em; color: #7a4d00; white-space: nowrap; }
.actor-pager { display: flex; flex-wrap: wrap; gap: .3em 1em; align-items: center; margin: .2em 0 .4em; }
.graph-left-out { font-size: .88em; margin: .3em 0; }
@media (max-width: 720px) {
  /* The table becomes one card per actor; each cell says which column it is. */
  .actor-table, .actor-table tbody, .actor-table tr, .actor-table td { display: block; width: 100%; }
  .actor-table colgroup, .actor-table thead { display: none; }
  .actor-table tr { border: 1px solid var(--border-color-primary); border-radius: 6px; margin: 0 0 .8em; }
  .actor-table td::before { content: attr(data-label); display: block; font-weight: 600; font-size: .85em;
                            opacity: .75; }
  .actor-scroll { max-height: none; }
  #actor-article-view .article, #article-view .article { max-height: 70vh; }
}
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

# After an answer, the chat shows the new question at its top, not the answer's last line.
SCROLL_TO_NEW_TURN = """() => {
  requestAnimationFrame(() => {
    const questions = document.querySelectorAll('#chat .question');
    const last = questions[questions.length - 1];
    const box = last && last.closest('[role=log], .bubble-wrap');
    // Clear of the chat's label, which sits over its top edge.
    if (box) box.scrollTop += last.getBoundingClientRect().top - box.getBoundingClientRect().top - 40;
  });
}"""

# Numbered citations (and actor names) are elements carrying a key; a click on one is sent to
# the server as a "click" event with that key (read back, and checked, there). In HTML
# components the key is a data attribute; the chat's sanitiser drops those, so there it rides
# in the link's fragment ("#cite=article|start|end", "#actor=id").
_CLICK_DATA = """
const clicked = (target, scope) => {
  const link = target.closest(scope);
  if (!link) return null;
  if (link.hasAttribute('data-cite')) return {key: link.getAttribute('data-cite')};
  if (link.hasAttribute('data-actor')) return {actor: link.getAttribute('data-actor')};
  const fragment = decodeURIComponent((link.getAttribute('href') || '').slice(1));
  const at = fragment.indexOf('=');
  return fragment.startsWith('cite=') ? {key: fragment.slice(at + 1)} : {actor: fragment.slice(at + 1)};
};
"""
CITE_ON_CLICK = _CLICK_DATA + """
element.addEventListener('click', (event) => {
  const data = clicked(event.target, '[data-cite], [data-actor]');
  if (data && element.contains(event.target)) { event.preventDefault(); trigger('click', data); }
});
"""
# The chat is a Chatbot, not an HTML component: a hidden HTML component listens on the page
# for clicks on the chat's [n] markers and actor links, and on any copy button.
CHAT_LINKS = _CLICK_DATA + """
document.addEventListener('click', (event) => {
  // A copy button holds its text in data-copy; in the chat (no data attributes) in its title.
  const copy = event.target.closest('[data-copy], #chat a.copy');
  if (copy) {
    event.preventDefault();
    const text = copy.getAttribute('data-copy') || copy.getAttribute('title').replace(/^Copy: /, '');
    const done = () => { copy.textContent = '✓ copied / نُسخ'; };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done);
    } else {  // plain http on a remote host: the old way still copies
      const area = document.createElement('textarea');
      area.value = text; document.body.appendChild(area); area.select();
      document.execCommand('copy'); area.remove(); done();
    }
    return;
  }
  const data = clicked(event.target, '#chat a[href^="#cite="], #chat a[href^="#actor="]');
  if (data) { event.preventDefault(); trigger('click', data); }
});
"""

# Unicode isolates for plain-text labels (dropdown options cannot hold <bdi>): a title in the
# other script, and a date such as "2022-04" (which an Arabic context shows as "04-2022").
FSI, LRI, PDI = "\u2068", "\u2066", "\u2069"


# ---------------------------------------------------------------- HTML pieces


def _text(value: str, newlines: str = "<br>") -> str:
    """``value`` as inert HTML text; newlines become ``newlines``.

    Chat messages are one line of HTML (a blank line would end Markdown's HTML block
    and hand the rest to the Markdown parser), so there newlines become ``<br>``.
    """
    escaped = inert(value)
    return escaped.replace("\r\n", "\n").replace("\n", newlines)


# Runs that keep their own direction inside a sentence of the other: ISO dates ("2022-04" reads
# "04-2022" in an Arabic sentence), and, in English text, Arabic runs with their brackets
# and quotes ("«فبراير/شباط الفائت»").
_DATE_RUN = r"(?<![\d-])\d{4}(?:-\d{2}){0,2}(?![\d-])"
_ARABIC_RUN = r"«?[\u0600-\u06ff](?:[\u0600-\u06ff\s/.:،-]*[\u0600-\u06ff])?»?"


def _isolated(text: str, phrases: list[str], language: str = "ar") -> str:
    """``text`` as inert HTML, with each of ``phrases`` in it, each ISO date and, in an English
    text, each Arabic run wrapped in ``<bdi>`` (dates left-to-right).

    An English answer names Arabic titles and outlets; left in the English paragraph,
    their quotes, question marks and brackets get reordered by the bidi algorithm.
    Isolated, each reads as one unit in its own direction.
    """
    phrases = sorted({p for p in phrases if p.strip()}, key=len, reverse=True)
    runs = [*map(re.escape, phrases), _DATE_RUN] + ([_ARABIC_RUN] if language == "en" else [])
    pieces, position = [], 0
    for match in re.finditer("|".join(runs), text):
        direction = " dir='ltr'" if re.fullmatch(_DATE_RUN, match.group()) else ""
        pieces += [_text(text[position:match.start()]), f"<bdi{direction}>{_text(match.group())}</bdi>"]
        position = match.end()
    return "".join(pieces) + _text(text[position:])


def _language(text: str) -> str:
    return "ar" if is_arabic(text) else "en"


def _where(citation: Citation | Article, language: str) -> str:
    """'outlet · date' of a citation or article, with placeholders when missing."""
    labels = LABELS[language]
    outlet = citation.source or labels["unknown_outlet"]
    date = f"<bdi dir='ltr'>{_text(citation.date)}</bdi>" if citation.date else f"<bdi>{labels['no_date']}</bdi>"
    return f"<bdi>{_text(outlet)}</bdi> · {date}"


def copy_text(citation: Citation, url: str = "") -> str:
    """What a copy button puts on the clipboard: the span, then title, outlet, date, URL."""
    where = ", ".join(x for x in (citation.title, citation.source, citation.date, url) if x)
    return f"«{citation.text}» — {where} ({citation.article_id} {citation.start}–{citation.end})"


def copy_button(text: str, in_chat: bool = False) -> str:
    """A button that copies ``text`` (handled by ``CHAT_LINKS``' page-wide listener); in the
    chat, whose sanitiser keeps no data attributes, a link with the text in its title."""
    if in_chat:
        return f"<a class='copy' href='#copy' title='Copy: {_text(text, ' ')}'>Copy / نسخ</a>"
    return f"<button type='button' class='copy' data-copy='{_text(text, ' ')}'>Copy / نسخ</button>"


def _fragment(kind: str, value: str) -> str:
    """A chat link's href carrying a key ("#cite=...", "#actor=..."), read by ``CHAT_LINKS``."""
    return html.escape(f"#{kind}={quote(value, safe='|')}", quote=True)


def _link(url: str, language: str) -> str:
    """A link to an article's original page, when it has an http(s) URL."""
    if not url.startswith(("http://", "https://")):
        return ""
    return (f" · <a href='{html.escape(url, quote=True)}' class='original' rel='noopener noreferrer' "
            f"target='_blank'>{LABELS[language]['link']} / {LABELS['ar' if language == 'en' else 'en']['link']}</a>")


def _citation_item(number: int | str, citation: Citation, language: str, show_span: bool = True,
                   url: str = "") -> str:
    """One numbered source: its number (a link that opens it beside the chat), title, then
    outlet · date · original link · copy button on a line of their own, then the span."""
    # The entry keeps the answer's direction; <bdi> isolates a title in the other script,
    # and the quoted span takes the direction of its own text.
    quoted = "" if show_span else f" ({LABELS[language]['quoted']})"
    head = (f"{_marker(number, citation)} <bdi class='title'>{_text(citation.title)}</bdi>"
            f"<div class='where'>{_where(citation, language)}{_link(url, language)}{quoted} "
            f"{copy_button(copy_text(citation, url), in_chat=True)}</div>")
    if show_span:
        return f"<li>{head}<blockquote dir='auto' class='span'>{_text(citation.text)}</blockquote></li>"
    return f"<li>{head}</li>"


def question_html(question: str) -> str:
    """The user's message as shown in the chat."""
    return f"<div class='question' dir='auto'>{_text(question)}</div>"


def _marker(number: int | str, citation: Citation) -> str:
    """[n] as a link that opens the cited span beside the chat."""
    return f"<a class='cite' href='{_fragment('cite', citation_key(citation))}'><b>[{_text(str(number))}]</b></a>"


def answer_html(answer: Answer, urls: dict[str, str] | None = None, actors: Sequence[str] = ()) -> str:
    """An answer as one chat message: text, then numbered sources (or related passages).

    Every [n] (in the text and in the list) opens its source beside the chat; ``urls`` maps
    article ids to their original URLs, linked from each source; ``actors`` (ids) get a link
    to their timeline.
    """
    urls = urls or {}
    lang = answer.language if answer.language in LABELS else "en"
    labels = LABELS[lang]
    direction = "rtl" if lang == "ar" else "ltr"
    parts = [f"<div class='answer{'' if answer.answered else ' not-found'}' dir='{direction}' lang='{lang}'>"]
    if answer.answered:
        titles = [c.title for c in answer.citations] + [c.source for c in answer.citations]
        text = _isolated(answer.text, titles, lang)
        # Markers were escaped with the text ("&#91;1&#93;"); each becomes its link.
        text = re.sub(r"&#91;(\d+)&#93;", lambda m: _marker(m.group(1), answer.citations[int(m.group(1)) - 1])
                      if 0 < int(m.group(1)) <= len(answer.citations) else m.group(), text)
        parts.append(f"<p dir='auto' class='answer-text'>{text}</p>")
        if answer.confidence is not None:
            parts.append(confidence_html(answer.confidence, lang))
        items = []
        for number, citation in enumerate(answer.citations, 1):
            # An Arabic answer quotes its spans in full; repeating them under "Sources"
            # would double the bubble, so those entries give only where the span is from.
            items.append(_citation_item(number, citation, lang, show_span=citation.text not in answer.text,
                                        url=urls.get(citation.article_id, "")))
        parts.append(f"<p class='sources-label'><b>{labels['sources']}</b></p>"
                     f"<ol class='sources'>{''.join(items)}</ol>")
        if actors:
            links = " · ".join(f"<a class='open-actor' href='{_fragment('actor', a)}'>{_bilingual(*names(a))}</a>"
                               for a in actors)
            parts.append(f"<p class='timelines'>{labels['timeline']}: {links}</p>")
    else:
        parts.append(f"<p dir='auto' class='verdict'>{_text(answer.text)}</p>")
        if answer.related:
            items = "".join(_citation_item(f"~{n}", c, lang, url=urls.get(c.article_id, ""))
                            for n, c in enumerate(answer.related, 1))
            parts.append(f"<details class='related'><summary>{labels['related']} ({len(answer.related)})</summary>"
                         f"<ol class='sources'>{items}</ol></details>")
    parts.append("</div>")
    return "".join(parts)


def confidence_html(confidence: float, lang: str) -> str:
    """How sure an answer is, in words ("well supported" at ``WELL_SUPPORTED`` or above, else "weak"), with the
    model's probability on hover."""
    labels = LABELS[lang]
    well = confidence >= WELL_SUPPORTED
    title = f"{labels['confidence']}: {confidence:.2f}"
    return (f"<p class='confidence-line'><span class='confidence {'well' if well else 'weak'}' title='{_text(title)}'>"
            f"{labels['well_supported' if well else 'weak']}</span></p>")


def notice_html(message: str, label: str = "") -> str:
    """A problem, said in the page (as inert text); the message is isolated from the label
    because the API's messages are English while the label may be Arabic."""
    label = f"<b>{_text(label)}:</b> " if label else ""
    return f"<div class='notice' role='alert' dir='auto'>{label}<bdi>{_text(message)}</bdi></div>"


# The API's messages about a question are English; these are said in Arabic too.
_ARABIC_MESSAGES = [
    (re.compile(r"the question is empty"), "السؤال فارغ"),
    (re.compile(r"the question must be text"), "يجب أن يكون السؤال نصاً"),
    (re.compile(r"the question has ([\d,]+) characters; the limit is ([\d,]+)"),
     r"في السؤال \1 محرفاً، والحد الأقصى \2"),
]


def question_error_html(message: str, language: str) -> str:
    """Why a question could not be answered, in both languages where the message is a known
    one, introduced in the question's language."""
    arabic = next((m.expand(text) for pattern, text in _ARABIC_MESSAGES if (m := pattern.search(message))), "")
    shown = f"{message} / {arabic}" if arabic else message
    return notice_html(shown, LABELS[language]["error"])


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
    copy = ""
    if start is not None and end is not None and 0 <= start < end <= len(text):
        cited = Citation(article.id, article.title, article.source, article.date, text[start:end], start, end, 0.0)
        copy = " " + copy_button(copy_text(cited, article.url))
    return (f"<div class='article' lang='{lang}' data-article-id='{html.escape(article.id, quote=True)}'>"
            f"<h3 dir='auto'>{_text(article.title)}</h3>"
            f"<div class='where' dir='auto'>{_where(article, lang)} · <code>{_text(article.id)}</code>"
            f"{_link(article.url, lang)}{copy}</div>"
            f"<div class='body' dir='auto'>{body}</div></div>")


def corpus_html(articles: list[Article]) -> str:
    """The corpus panel: how many articles, and each one's title, outlet and date."""
    rows = "".join(
        f"<tr><td><code>{_text(a.id)}</code></td><td dir='auto'>{_text(a.title)}</td>"
        f"<td dir='auto'>{_text(a.source or '—')}</td><td><bdi dir='ltr'>{_text(a.date or '—')}</bdi></td>"
        f"<td>{len(a.text):,}</td></tr>"
        for a in articles)
    return (f"<p id='corpus-count'><b>{len(articles)}</b> articles indexed / مقالة مفهرسة</p>"
            "<table class='corpus-table'><thead><tr><th>id</th><th>title / العنوان</th><th>outlet / المصدر</th>"
            f"<th>date / التاريخ</th><th>chars / المحارف</th></tr></thead><tbody>{rows}</tbody></table>")


# ---------------------------------------------------------------- actors view

ALL_BACKERS = "all"
ANY_TYPE = "any"
# A name filter longer than any name is cut here: it is matched against every actor's names.
MAX_FILTER_CHARS = 200
ORIGIN_LABELS = {Origin.ALL: "All actors / كل الفاعلين", Origin.DISCOVERED: "Discovered only / المكتشفون فقط",
                 Origin.CURATED: "Curated only / من القوائم فقط"}
TYPE_LABELS = {
    "armed_group": ("armed group", "فصيل مسلح"), "force": ("force", "قوة"), "organisation": ("organisation", "منظمة"),
    "company": ("company", "شركة"), "state": ("state", "دولة"), "person": ("person", "شخص"), "place": ("place", "مكان"),
}
# Places listed per actor before the rest fold under "more" (those named with it most first).
PLACES_SHOWN = 5
ACTORS_INTRO = (
    "<div class='actors-intro'><p>Who backs whom, as the indexed articles state it: an arrow runs from a backer "
    "to a group it backs, formed or trained. Choosing a backer narrows the graph and the table. Every fact in "
    "the table is numbered: click a number to read its passage in its article, or an actor's name for its "
    "timeline.</p>"
    "<p dir='rtl' lang='ar'>من يدعم من كما تذكره المقالات المفهرسة: يتجه السهم من الجهة الداعمة إلى الفصيل "
    "الذي تدعمه أو شكّلته أو درّبته. اختيار جهة داعمة يحصر الرسم والجدول بها. لكل معلومة في الجدول رقم: انقر "
    "عليه لقراءة المقطع في مقالته، أو على اسم فاعل لعرض خطه الزمني.</p></div>"
)
# Column headers of the actor table, (English, Arabic); on a narrow page each cell repeats its own.
COLUMNS = {"actor": ("Actor", "الفاعل"), "backers": ("Backers", "الداعمون"), "leaders": ("Leaders", "القادة"),
           "places": ("Places named with it", "أماكن تُذكر معه"), "others": ("Other relations", "علاقات أخرى")}


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
    """Numbers the evidence spans of the actor table (or a timeline) as they first appear (one
    span, one number) and keeps, per number, a dropdown label naming the fact and its source."""

    def __init__(self, articles: dict[str, Article]):
        self.articles = articles
        self.numbers: dict[str, int] = {}
        self.choices: list[tuple[str, str]] = []

    def where(self, relation: Relation) -> tuple[str, str]:
        """(outlet, date) of a relation: its date resolved against its article's (the phrase
        quoted when it was relative), else "no date" (with the phrase that could not be placed)."""
        article = self.articles.get(relation.article_id)
        outlet = (article.source if article else "") or LABELS["en"]["unknown_outlet"]
        date = relation_date(relation.date, article.date if article else relation.article_date)
        shown = display(date) or f"{LABELS['en']['no_date']} / {LABELS['ar']['no_date']}"
        if date.worded:  # what the article wrote, beside what it was taken to mean
            shown += f" «{date.phrase}»"
        return outlet, shown

    def number(self, actor_id: str, relation_name: str, other_id: str, relation: Relation) -> int:
        key = relation_key(relation)
        if key not in self.numbers:
            self.numbers[key] = len(self.numbers) + 1
            outlet, date = self.where(relation)
            relation_en = RELATION_LABELS.get(relation_name, (relation_name,))[0]
            label = (f"[{self.numbers[key]}] {names(actor_id)[0]} — {relation_en} "
                     f"{names(other_id)[0]} — {FSI}{outlet}{PDI}, {LRI}{date}{PDI}")
            self.choices.append((label, key))
        return self.numbers[key]

    def button(self, actor_id: str, relation_name: str, other_id: str, relation: Relation) -> str:
        """The clickable [n] of one evidence span; its title holds the span itself."""
        n = self.number(actor_id, relation_name, other_id, relation)
        return (f"<button type='button' class='cite' data-cite='{_text(relation_key(relation))}' "
                f"title='{_text(relation.evidence, ' ')}'>[{n}]</button>")


def _badge(actor_id: str) -> str:
    """The "discovered" mark of an actor recognised in the articles rather than listed ("" for a listed one)."""
    if not is_discovered(actor_id):
        return ""
    return ("<span class='discovered-badge' title='Recognised in the articles, in no list / "
            "تعرّف عليه النظام في المقالات، وليس في أي قائمة'>discovered / مكتشف</span>")


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
        sources.append(f"<li>{cited.button(actor_id, fact.relation, fact.other_id, r)} "
                       f"<bdi dir='auto' class='outlet'>{_text(outlet)}</bdi>"
                       f" · {_date_html(date)}{qualifier}</li>")
    return (f"<li class='fact' data-relation='{_text(fact.relation)}' data-other='{_text(fact.other_id)}'>"
            f"{relation}<span class='who'>{_bilingual(*names(fact.other_id))}</span>{_badge(fact.other_id)}{earlier}"
            f"<ul class='evidence'>{''.join(sources)}</ul></li>")


def _date_html(date: str) -> str:
    """A date as ``CitedFacts.where`` gives it, left-to-right, its Arabic phrase isolated."""
    return f"<bdi dir='ltr' class='date'>{_isolated(date, [], 'en')}</bdi>"


def _place_html(actor_id: str, fact: ActorFact, cited: CitedFacts) -> str:
    """A place named with the actor: its names and the [n] of each sentence naming both."""
    buttons = "".join(cited.button(actor_id, fact.relation, fact.other_id, r) for r in fact.evidence)
    return (f"<li class='fact' data-relation='{NAMED_WITH}' data-other='{_text(fact.other_id)}'>"
            f"{_bilingual(*names(fact.other_id))} {buttons}</li>")


def _td(css: str, content: str) -> str:
    """A table cell that says its column (shown on a narrow page, where the header is hidden)."""
    english, arabic = COLUMNS[css]
    return f"<td class='{css}' data-label='{_text(english)} / {_text(arabic)}'>{content}</td>"


def _cell(actor_id: str, facts: list[ActorFact], css: str, cited: CitedFacts, with_relation: bool = False) -> str:
    items = "".join(_fact_html(actor_id, f, cited, with_relation) for f in facts)
    return _td(css, f"<ul>{items}</ul>" if items else "—")


def _count(n: int) -> str:
    return f"{n:,}"


def actor_table_html(page: Page, cited: CitedFacts) -> str:
    """One page of the actor table: per actor its names (a button opening its timeline), type and
    whether it was discovered, backers, leaders, the places named with it and its other relations,
    every fact with numbered sources (outlet, date); above it, which rows of how many it shows."""
    body = []
    for row in page.rows:
        kind = actor_type(row.actor_id)
        english, arabic = names(row.actor_id)
        type_en, type_ar = TYPE_LABELS.get(kind, (kind or "?", ""))
        # Cells are built left to right, so citations are numbered in reading order.
        backers = _cell(row.actor_id, row.backers, 'backers', cited)
        leaders = _cell(row.actor_id, row.leaders, 'leaders', cited)
        places = "".join(_place_html(row.actor_id, f, cited) for f in row.places[:PLACES_SHOWN])
        if len(row.places) > PLACES_SHOWN:
            rest = "".join(_place_html(row.actor_id, f, cited) for f in row.places[PLACES_SHOWN:])
            places += (f"<li><details><summary>{len(row.places) - PLACES_SHOWN} more / المزيد</summary>"
                       f"<ul>{rest}</ul></details></li>")
        name = (f"<button type='button' class='open-actor' data-actor='{_text(row.actor_id)}' "
                f"title='Timeline / الخط الزمني'><div dir='ltr' class='name-en'>{_text(english)}</div>"
                f"<div dir='rtl' lang='ar' class='name-ar'>{_text(arabic)}</div></button>")
        body.append(
            f"<tr data-actor-id='{_text(row.actor_id)}' data-discovered='{str(is_discovered(row.actor_id)).lower()}'>"
            + _td("actor", f"{name}<div class='type'>{_bilingual(type_en, type_ar, ' / ')}"
                           f"{_badge(row.actor_id)}</div>")
            + f"{backers}{leaders}" + _td("places", f"<ul>{places}</ul>" if places else "—")
            + f"{_cell(row.actor_id, row.others, 'others', cited, with_relation=True)}</tr>")
    passages = len(cited.numbers)
    head = "".join(f"<th>{_text(en)} / {_text(ar)}</th>" for en, ar in COLUMNS.values())
    if not page.total:
        return ("<p class='actor-count' data-total='0'>No actor matches the filter. "
                "<bdi dir='rtl' lang='ar'>لا فاعل يطابق التصفية.</bdi></p>")
    first, last, total = _count(page.first), _count(page.last), _count(page.total)
    return (f"<p class='actor-count' data-first='{page.first}' data-last='{page.last}' data-total='{page.total}'>"
            f"Showing <b>{first}–{last}</b> of <b>{total}</b> actors (page {page.number} of {page.pages}), "
            f"<b>{passages}</b> cited passages; click a number to read its source. <bdi dir='rtl' lang='ar'>"
            f"عرض {first}–{last} من {total} فاعلاً (الصفحة {page.number} من {page.pages})، {passages} مقطعاً "
            "موثّقاً؛ انقر رقماً لقراءة مصدره.</bdi></p>"
            "<div class='actor-scroll'><table class='actor-table'><colgroup><col class='actor'><col class='backers'>"
            "<col class='leaders'><col class='places'><col class='others'></colgroup>"
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>")


def backing_graph_html(edges: list[BackingEdge], colours: dict[str, str], left_out: int = 0) -> str:
    """Who backs whom (``export.graph_svg``), in a box that scrolls sideways on a narrow page,
    with its legend; ``left_out`` edges of the rows shown were not drawn, and it says so."""
    note = (f"<p class='graph-left-out' data-left-out='{left_out}'>{_count(len(edges))} backing links drawn, "
            f"{_count(left_out)} more left out: narrow the filter or page on to see them. <bdi dir='rtl' lang='ar'>"
            f"رُسمت {_count(len(edges))} علاقة دعم، وتُركت {_count(left_out)} أخرى: ضيّق التصفية أو انتقل إلى "
            "صفحة أخرى لرؤيتها.</bdi></p>" if left_out else "")
    if not edges:
        return ("<p class='backing-graph'>No backing relations among the actors shown. / لا علاقات دعم بين "
                "الفاعلين المعروضين.</p>")
    legend = "".join(
        f"<span><svg width='34' height='8' aria-hidden='true'><line x1='1' y1='4' x2='33' y2='4' stroke='#555' "
        f"stroke-width='2.2' stroke-dasharray='{dash or 'none'}'/></svg> {_bilingual(*RELATION_LABELS[kind], ' / ')}"
        "</span>" for kind, dash in EDGE_DASH.items())
    legend += ("<span>faded: earlier / باهت: سابقاً</span>"
               f"<span class='state'><svg width='34' height='8' aria-hidden='true'><line x1='1' y1='4' x2='33' "
               f"y2='4' stroke='{STATE_COLOUR}' stroke-width='1.6' stroke-dasharray='{STATE_DASH}'/></svg> "
               "state to state / بين دولتين</span>")
    legend += ("<span><svg width='34' height='12' aria-hidden='true'><rect x='1' y='1' width='32' height='10' "
               "rx='3' fill='#fff' stroke='#888' stroke-dasharray='4 3'/></svg> discovered / مكتشف</span>")
    return (f"<div class='backing-graph'>{note}<div class='graph-scroll'>{graph_svg(edges, colours)}</div>"
            f"<div class='legend'>{legend}</div></div>")


def _point_html(point: TimelinePoint, actor_id: str, cited: CitedFacts) -> str:
    """One point of a timeline: when (resolved date, and the article's phrase), what, [n]."""
    r = point.relation
    outlet, _ = cited.where(r)
    when = display(point.date)
    if point.before:
        when = f"before {when} / قبل {when}"
    when_html = f"<bdi dir='ltr' class='when'>{_text(when)}</bdi>" if when else ""
    phrase = (f" <bdi dir='rtl' lang='ar' class='phrase'>«{_text(point.date.phrase)}»</bdi>"
              if point.date.worded else "")
    label = _bilingual(*RELATION_LABELS.get(r.relation, (r.relation, "")), " / ")
    if point.outgoing:
        what = f"<span class='rel'>{label}</span> <span class='who'>{_bilingual(*names(point.other_id))}</span>"
    else:
        what = (f"<span class='who'>{_bilingual(*names(r.subject_id))}</span> <span class='rel'>{label}</span> "
                f"<span class='who'>{_bilingual(*names(actor_id))}</span>")
    qualifier = (f" — <bdi dir='auto' class='q'>{_text(r.qualifier)}</bdi>"
                 if r.qualifier and r.qualifier != "earlier" else "")
    button = cited.button(r.subject_id, r.relation, r.object_id, r)
    return (f"<li data-relation='{_text(r.relation)}' data-other='{_text(point.other_id)}' "
            f"data-stretch='{point.stretch.value}' data-date='{_text(point.date.value)}'>{when_html}{phrase} "
            f"{what}{qualifier} {button} <bdi dir='auto' class='outlet'>{_text(outlet)}</bdi></li>")


STRETCH_LABELS = {
    Stretch.EARLIER: ("Earlier, undated", "سابقاً، بلا تاريخ"),
    Stretch.DATED: ("Dated", "مؤرَّخ"),
    Stretch.UNDATED: ("Undated", "بلا تاريخ"),
}


def timeline_html(actor_id: str, points: list[TimelinePoint], cited: CitedFacts) -> str:
    """An actor's page: its relations on a time axis (``timeline.timeline``), each point cited."""
    english, arabic = names(actor_id)
    head = (f"<div class='timeline-head'><h3>Timeline / الخط الزمني: {_bilingual(english, arabic)}</h3>"
            "<p>Dates are those the articles state, relative phrases resolved against the article's date; "
            "an \"earlier\" claim without a date comes first. <bdi dir='rtl' lang='ar'>التواريخ كما تذكرها "
            "المقالات، والعبارات النسبية محسوبة من تاريخ المقالة؛ وما ذُكر أنه سابق بلا تاريخ يأتي أولاً."
            "</bdi></p></div>")
    if not points:
        return (f"<div class='timeline-view' data-actor-id='{_text(actor_id)}'>{head}"
                "<p>No relations of it in the indexed articles. / لا علاقات له في المقالات المفهرسة.</p></div>")
    parts = [head]
    for stretch in Stretch:
        items = "".join(_point_html(p, actor_id, cited) for p in points if p.stretch is stretch)
        if items:
            parts.append(f"<h4>{_bilingual(*STRETCH_LABELS[stretch], ' / ')}</h4>"
                         f"<ol class='timeline' data-stretch='{stretch.value}'>{items}</ol>")
    return f"<div class='timeline-view' data-actor-id='{_text(actor_id)}'>{''.join(parts)}</div>"


def ingest_summary_html(report: IngestReport, problems: list[str]) -> str:
    """What an ingestion did, in both languages, and each problem (``problems``, file names
    as people chose them)."""
    counts = (len(report.added), len(report.replaced), len(report.unchanged))
    # every replaced article is named: a replacement is never silent
    which = f" ({', '.join(report.replaced)})" if report.replaced else ""
    english = (f"{counts[0]} added, {counts[1]} replaced{which}, {counts[2]} unchanged; {report.chunks_embedded} "
               f"chunks embedded, {report.chunks_total} in the index ({report.seconds:.1f} s); "
               f"{len(problems)} problem(s)")
    arabic = (f"أُضيفت {counts[0]}، استُبدلت {counts[1]}{which}، بلا تغيير {counts[2]}؛ ضُمّن {report.chunks_embedded} "
              f"مقطعاً، وفي الفهرس {report.chunks_total} ({report.seconds:.1f} ث)؛ مشكلات: {len(problems)}")
    items = "".join(f"<li dir='auto'>{_text(p)}</li>" for p in problems)
    return (f"<div class='notice ok' role='status' id='ingest-summary'><div>{_text(english)}</div>"
            f"<div dir='rtl' lang='ar'>{_text(arabic)}</div></div>"
            + (f"<div class='notice' role='alert'><b>Problems / مشكلات</b><ul>{items}</ul></div>" if items else ""))


# ---------------------------------------------------------------- citation keys

# A dropdown value names a span as "article_id|start|end"; it comes back from the
# browser, so it is parsed and checked against the index, never trusted.


def citation_key(citation: Citation) -> str:
    return f"{citation.article_id}|{citation.start}|{citation.end}"


# Characters of a title shown in a dropdown label: the box shows one line, and the viewer the rest.
TITLE_CHARS = 32


def citation_choices(answer: Answer, turn: int) -> list[tuple[str, str]]:
    """Dropdown entries for one answer's citations (or related passages): number, date and
    outlet first (a long Arabic title would push them out of the box), then the title."""
    def label(prefix: str, c: Citation) -> str:
        title = c.title if len(c.title) <= TITLE_CHARS else c.title[:TITLE_CHARS].rstrip() + "…"
        date = f"{LRI}{c.date}{PDI} · " if c.date else ""
        return f"#{turn} {prefix} {date}{FSI}{c.source or '?'}{PDI} — {FSI}{title}{PDI}"

    if answer.answered:
        return [(label(f"[{n}]", c), citation_key(c)) for n, c in enumerate(answer.citations, 1)]
    return [(label(f"related / ذو صلة ~{n}", c), citation_key(c)) for n, c in enumerate(answer.related, 1)]


def parse_key(key: str) -> tuple[str, int, int] | None:
    article_id, _, rest = (key or "").rpartition("|")
    article_id, _, start = article_id.rpartition("|")
    try:
        return article_id, int(start), int(rest)
    except ValueError:
        return None


# ---------------------------------------------------------------- handlers


# The latest messages of a chat sent with each question: follow-ups lean on the last turns, and a long
# chat must stay within the history limits (Settings, "Limits at the door").
CHAT_SENT = 20


def new_session() -> dict:
    """Per-browser-session state: the plain history for ``ask``, the HTML shown, the sources."""
    return {"history": [], "display": [], "sources": []}


@dataclass(frozen=True)
class Handlers:
    """The UI's event handlers, closed over one Assistant (``make_handlers``)."""

    chat_turn: Callable
    chat_example: Callable
    chat_link: Callable
    clear: Callable
    open_citation: Callable
    open_article: Callable
    corpus_view: Callable
    ingest: Callable
    ask_api: Callable
    actors_view: Callable
    actor_timeline: Callable
    open_cited_fact: Callable


def _event_data(event: gr.EventData) -> dict:
    """The payload a ``trigger('click', {...})`` sent (it comes from the browser: checked by the caller)."""
    data = getattr(event, "_data", None)
    return data if isinstance(data, dict) else {}


def make_handlers(assistant: Assistant) -> Handlers:
    """The event handlers, closed over one Assistant (so tests can pass their own)."""
    # Files offered for download: named by their content, so sessions never overwrite each other's.
    exports = Path(tempfile.mkdtemp(prefix="assistant-exports-"))

    def saved(text: str, stem: str, fmt: str) -> str:
        path = exports / f"{stem}-{hashlib.sha256(text.encode()).hexdigest()[:16]}{SUFFIX[fmt]}"
        if not path.exists():
            path.write_text(text, encoding="utf-8")
        return str(path)

    def articles_by_id() -> dict[str, Article]:
        return {a.id: a for a in assistant.articles()}

    def chat_turn(question: str, session: dict):
        """Ask with the session's history; returns (textbox, chat, session, citation dropdown,
        notice, Markdown download, JSON download).

        On an error the question stays in the textbox, to be corrected, and the chat is unchanged.
        """
        session = session or new_session()
        question = question or ""
        language = _language(question)
        try:
            answer = assistant.ask(question, session["history"][-CHAT_SENT:])
            articles = articles_by_id()
        except (QuestionError, IndexLoadError) as error:  # the message says what to do
            problem = question_error_html(str(error), language)
            return question, session["display"], session, gr.update(), problem, gr.update(), gr.update()
        except Exception as error:  # the page must survive anything; the log keeps the trace
            log.exception("ask failed")
            problem = question_error_html(f"internal error ({type(error).__name__}); see the server log", language)
            return question, session["display"], session, gr.update(), problem, gr.update(), gr.update()

        asked = answer.question  # as searched: stripped, control characters gone
        turn = len(session["history"]) // 2 + 1
        # Actors the question names that the articles relate: their timelines are one click away.
        related = {a for r in assistant.index.relations for a in (r.subject_id, r.object_id)}
        actors = list(dict.fromkeys(m.actor_id for m in find_mentions(asked) if m.actor_id in related))
        urls = {a.id: a.url for a in articles.values() if a.url}
        session["history"] += [{"role": "user", "content": asked},
                               {"role": "assistant", "content": answer.text}]
        session["display"] += [{"role": "user", "content": question_html(asked)},
                               {"role": "assistant", "content": answer_html(answer, urls, actors)}]
        # Newest answer first: its citations are the ones most likely to be opened.
        session["sources"] = citation_choices(answer, turn) + session["sources"]
        dropdown = gr.update(choices=session["sources"], value=None)
        downloads = [gr.update(value=saved(assistant.export_answer(answer, fmt, asked), f"answer-{turn}", fmt))
                     for fmt in FORMATS["answer"]]
        return "", session["display"], session, dropdown, "", *downloads

    def chat_example(event: gr.SelectData, session: dict):
        """An example question clicked in the empty chat: asked at once."""
        value = event.value if isinstance(event.value, dict) else {}
        return chat_turn(str(value.get("text", "")), session)

    def chat_link(event: gr.EventData):
        """A [n] clicked in the chat opens its source beside the chat; an actor's name opens its
        timeline in the Actors tab. Returns (viewer, tabs, actor dropdown, timeline)."""
        data = _event_data(event)
        if data.get("key"):
            return open_citation(str(data["key"])), gr.update(), gr.update(), gr.update()
        if data.get("actor"):
            actor = str(data["actor"])
            return gr.update(), gr.Tabs(selected="actors"), gr.update(value=actor), actor_timeline(actor)
        return gr.update(), gr.update(), gr.update(), gr.update()

    def clear():
        """A new conversation: no history, no sources, an empty viewer, nothing to download."""
        return "", [], new_session(), gr.update(choices=[], value=None), "", "", None, None

    def open_citation(key: str | None):
        """The whole article of a citation, the cited span highlighted."""
        parsed = parse_key(key) if key else None
        if parsed is None:
            return ""
        article_id, start, end = parsed
        try:
            article = articles_by_id().get(article_id)
        except IndexLoadError as error:
            return notice_html(str(error), "The index cannot be read / تعذّرت قراءة الفهرس")
        if article is None:
            return notice_html(f"article {article_id} is not in the index", "Not found / غير موجود")
        return article_html(article, start, end)

    def actors_view(backer: str | None, states: bool = True, text: str = "", kind: str = "",
                    origin: str = Origin.ALL, page: float | None = 1):
        """(graph, table, cited-fact dropdown, backer dropdown, actor dropdown, page number, and the five
        downloads: table CSV, JSON, graph GraphML, GEXF, SVG) of the Actors tab.

        ``backer`` is an actor id or "all" (any other value, from the browser, counts as "all");
        without ``states``, edges between two states are left out of the graph. The table shows
        page ``page`` of the actors whose name holds ``text`` (either script, normalised), of type
        ``kind`` ("" or "any" for every type) and from ``origin`` ("all", "discovered", "curated"); the
        graph draws the backing edges of the actors on that page, at most ``settings.actors_graph_edges``.
        Only the page is rendered; the downloads hold everything the backer filter selects.
        """
        everyone = [("All backers / كل الجهات الداعمة", ALL_BACKERS)]
        selection = ActorSelection(str(text or "")[:MAX_FILTER_CHARS],
                                   kind if kind in tuple(ActorType) else "",
                                   origin if origin in tuple(Origin) else Origin.ALL)
        try:
            known = assistant.backers()
            chosen = backer if backer in known else None
            size = assistant.settings.actors_page_size
            rows = page_of(selection.rows(assistant.actor_table(chosen)), page or 1, size)
            every_edge = assistant.backing_edges()
            articles = articles_by_id()
        except IndexLoadError as error:
            return (notice_html(str(error), "The index cannot be read / تعذّرت قراءة الفهرس"), "",
                    gr.update(choices=[], value=None), gr.update(choices=everyone, value=ALL_BACKERS),
                    gr.update(choices=[], value=None), 1, *[None] * 5)
        shown = {r.actor_id for r in rows.rows}
        edges = [e for e in every_edge if (chosen is None or e.backer_id == chosen) and (states or not
                 state_to_state(e)) and (e.group_id in shown or e.backer_id in shown)]
        drawn = edges[:assistant.settings.actors_graph_edges]
        colours = backer_colours(known)
        cited = CitedFacts(articles)
        table = actor_table_html(rows, cited)  # numbers the citations, in table order
        groups = Counter(e.backer_id for e in every_edge)
        choices = everyone + [(f"{names(b)[0]} ({groups[b]}) / {names(b)[1]}", b) for b in known]
        actor_choices = [(f"{names(r.actor_id)[0]} / {names(r.actor_id)[1]}", r.actor_id) for r in rows.rows]
        return (backing_graph_html(drawn, colours, len(edges) - len(drawn)), table,
                gr.update(choices=cited.choices, value=None), gr.update(choices=choices, value=chosen or ALL_BACKERS),
                gr.update(choices=actor_choices), rows.number, *export_files(chosen))

    # The downloads of each backer filter, per index generation: paging and filtering the view leave them be.
    exported: dict[str | None, tuple[object, list[str]]] = {}

    def export_files(chosen: str | None) -> list[str]:
        """The five downloads (table CSV, JSON, graph GraphML, GEXF, SVG) of what ``chosen`` selects."""
        index = assistant.index
        if chosen not in exported or exported[chosen][0] is not index:
            suffix = chosen or ALL_BACKERS
            files = [saved(assistant.export_actors(fmt, chosen), f"actors-{suffix}", fmt) for fmt in FORMATS["actors"]]
            files += [saved(assistant.export_graph(fmt, chosen), f"graph-{suffix}", fmt) for fmt in FORMATS["graph"]]
            exported[chosen] = (index, files)
        return exported[chosen][1]

    def actor_timeline(actor: str | None):
        """An actor's page: its relations on a time axis, every point cited."""
        if not actor:
            return ""
        try:
            points = assistant.timeline(actor)
            articles = articles_by_id()
        except IndexLoadError as error:
            return notice_html(str(error), "The index cannot be read / تعذّرت قراءة الفهرس")
        # The page sends actor ids (from the table, the dropdown, an answer's link).
        return timeline_html(actor, points, CitedFacts(articles))

    def open_cited_fact(event: gr.EventData):
        """A number clicked in the actor table or a timeline: its article, the evidence span
        highlighted; an actor's name clicked in the table: its timeline. Returns (viewer,
        actor dropdown, timeline)."""
        data = _event_data(event)
        if data.get("key"):
            return open_citation(str(data["key"])), gr.update(), gr.update()
        if data.get("actor"):
            actor = str(data["actor"])
            return gr.update(), gr.update(value=actor), actor_timeline(actor)
        return gr.update(), gr.update(), gr.update()

    def open_article(article_id: str | None):
        """The whole article, from the corpus panel."""
        try:
            article = articles_by_id().get(article_id or "")
        except IndexLoadError as error:
            return notice_html(str(error), "The index cannot be read / تعذّرت قراءة الفهرس")
        return article_html(article) if article else ""

    def corpus_view():
        """(corpus table, article dropdown) for the corpus panel."""
        try:
            articles = assistant.articles()
        except IndexLoadError as error:
            return notice_html(str(error), "The index cannot be read / تعذّرت قراءة الفهرس"), gr.update(
                choices=[], value=None)
        choices = [(f"{FSI}{a.title}{PDI} — {FSI}{a.source or '?'}{PDI}", a.id) for a in articles]
        return corpus_html(articles), gr.update(choices=choices, value=None)

    def ingest(files, replace: bool = False, progress=gr.Progress()):  # noqa: B008 - Gradio's progress bar
        """Ingest uploaded files into the live index; report each bad file. An article already indexed
        with other content is refused unless ``replace`` (the page's explicit choice) is ticked."""
        paths = [Path(f if isinstance(f, str) else f.name) for f in (files or [])]
        if not paths:
            return notice_html("Choose .txt, .md or .jsonl files first / اختر ملفات .txt أو .md أو .jsonl أولاً"), \
                *corpus_view()

        def named(problems: list[str]) -> list[str]:
            """Uploads live under Gradio's temp folders: the problems name the files people chose."""
            for path in paths:
                problems = [p.replace(str(path), path.name) for p in problems]
            return problems

        # Gradio refuses larger uploads as they arrive; this holds whatever way the files came.
        limit = assistant.settings.max_upload_bytes
        sizes = {p: p.stat().st_size for p in paths if p.is_file()}
        refused = [f"{p}: the file has {sizes[p]:,} bytes; the upload limit is {limit:,} "
                   f"({setting_name('max_upload_bytes')}) / الملف أكبر من حد الرفع"
                   for p in paths if sizes.get(p, 0) > limit]
        accepted = [p for p in paths if sizes.get(p, 0) <= limit]
        if not accepted:
            items = "".join(f"<li dir='auto'>{_text(p)}</li>" for p in named(refused))
            return (f"<div class='notice' role='alert'><b>Nothing was added / لم يُضف شيء</b>"
                    f"<ul>{items}</ul></div>", *corpus_view())
        # The API reports progress per batch of passages; until the first one, say what runs.
        progress(0, desc=f"Reading and embedding {len(accepted)} file(s) / قراءة الملفات وتضمينها")

        def on_progress(done: int, total: int) -> None:
            if total:
                progress((done, total), desc="Embedding passages / تضمين المقاطع", unit="passages")

        try:
            report = assistant.ingest(accepted, progress=on_progress, replace=bool(replace))
        except Exception as error:  # a failed build leaves the old index live; say so
            log.exception("ingest failed")
            return notice_html(str(error), "Ingestion failed, the index is unchanged / فشلت الإضافة، ولم يتغير "
                                           "الفهرس"), *corpus_view()
        return ingest_summary_html(report, named(refused + report.problems)), *corpus_view()

    def ask_api(question: str, history: list | None = None) -> dict:
        """The answer as JSON (see ``Answer.to_dict``); for scripts and the load test.

        ``history`` is the chat so far, ``[{"role": "user"|"assistant", "content": str}, ...]``.
        """
        try:  # whatever a client sends: ask() checks it (assistant.inputs)
            return assistant.ask(question, history).to_dict()
        except (QuestionError, IndexLoadError) as error:
            raise gr.Error(str(error)) from error

    return Handlers(chat_turn=chat_turn, chat_example=chat_example, chat_link=chat_link, clear=clear,
                    open_citation=open_citation, open_article=open_article, corpus_view=corpus_view, ingest=ingest,
                    ask_api=ask_api, actors_view=actors_view, actor_timeline=actor_timeline,
                    open_cited_fact=open_cited_fact)


# ---------------------------------------------------------------- layout


def build_app(assistant: Assistant) -> gr.Blocks:
    """The Gradio app over ``assistant``; launch it with ``launch``."""
    h = make_handlers(assistant)
    with gr.Blocks(title="Syria armed groups — news assistant", analytics_enabled=False) as app:
        session = gr.State(new_session())
        gr.Markdown("## Syria's armed groups — news assistant / مساعد أخبار الفصائل المسلحة في سوريا\n"
                    "Answers are passages quoted from the indexed articles, each with its source. "
                    "الإجابات مقاطع مقتبسة من المقالات المفهرسة مع مصادرها.")
        # Tabs wrap onto a second line on a narrow page rather than hide behind a menu.
        with gr.Tabs(overflow_behavior="wrap", elem_id="tabs") as tabs:
            with gr.Tab("Ask / اسأل", id="ask", elem_id="ask-tab"):
                with gr.Row():
                    with gr.Column(scale=3):
                        chat = gr.Chatbot(
                            label="Chat / المحادثة", elem_id="chat", height=560, layout="bubble",
                            # Content is built from escaped text; the sanitiser stays on anyway and
                            # custom tags are not let through it. No LaTeX: "$" in news is money.
                            sanitize_html=True, allow_tags=False, latex_delimiters=[], line_breaks=False,
                            buttons=[], feedback_options=None, autoscroll=False,
                            examples=[{"text": q} for q in EXAMPLES],
                            placeholder="Ask in English or Arabic. / اسأل بالعربية أو بالإنجليزية.",
                        )
                        chat_bridge = gr.HTML("", elem_id="chat-bridge", js_on_load=CHAT_LINKS)
                        notice = gr.HTML("", elem_id="notice")
                        with gr.Row():
                            question = gr.Textbox(show_label=False, placeholder="Your question / سؤالك", scale=5,
                                                  elem_id="question", rtl=False, max_lines=4, submit_btn=True)
                            new_chat = gr.Button("New conversation / محادثة جديدة", scale=1, size="sm")
                        with gr.Row():
                            answer_md = gr.DownloadButton("Answer as Markdown / الإجابة Markdown", size="sm",
                                                          elem_id="export-answer-markdown")
                            answer_json = gr.DownloadButton("Answer as JSON / الإجابة JSON", size="sm",
                                                            elem_id="export-answer-json")
                    with gr.Column(scale=2):
                        citation = gr.Dropdown(label="Open a citation / افتح مصدراً", choices=[], value=None,
                                               elem_id="citation-picker", interactive=True)
                        viewer = gr.HTML("<p class='hint'>Click a number in an answer, or choose a citation, to read "
                                         "its whole article. <bdi dir='rtl' lang='ar'>انقر رقماً في الإجابة أو اختر "
                                         "مصدراً لقراءة مقالته كاملة.</bdi></p>", elem_id="article-view")
            with gr.Tab("Corpus / المقالات", id="corpus", elem_id="corpus-tab"):
                corpus = gr.HTML(elem_id="corpus-list")
                pick_article = gr.Dropdown(label="Open an article / افتح مقالة", choices=[],
                                           elem_id="article-picker", interactive=True)
                corpus_article = gr.HTML(elem_id="corpus-article")
                uploads = gr.File(label="Add articles (.txt, .md, .jsonl) / أضف مقالات", file_count="multiple",
                                  file_types=[".txt", ".md", ".jsonl"], elem_id="upload")
                replace = gr.Checkbox(False, label="Replace indexed articles given again with other content / "
                                                   "استبدل المقالات المفهرسة إذا أُعطيت بمحتوى آخر",
                                      elem_id="ingest-replace")
                add = gr.Button("Add to index / أضف إلى الفهرس", variant="primary", elem_id="ingest-button")
                ingest_status = gr.HTML(elem_id="ingest-status")
            with gr.Tab("Actors / الفاعلون", id="actors", elem_id="actors-tab"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3, min_width=240):
                        backer_filter = gr.Dropdown(label="Backer / الجهة الداعمة", value=ALL_BACKERS,
                                                    choices=[("All backers / كل الجهات الداعمة", ALL_BACKERS)],
                                                    elem_id="backer-filter", interactive=True)
                        states = gr.Checkbox(True, label="Show backing between states / أظهر الدعم بين الدول",
                                             elem_id="show-states")
                        actor_search = gr.Textbox(label="Find an actor / ابحث عن فاعل", elem_id="actor-search",
                                                  placeholder="Name in English or Arabic / الاسم بالعربية أو "
                                                              "بالإنجليزية", max_lines=1, rtl=False)
                        actor_kind = gr.Dropdown(
                            label="Type / النوع", value=ANY_TYPE, elem_id="actor-kind", interactive=True,
                            choices=[("Any type / كل الأنواع", ANY_TYPE)]
                            + [(f"{en} / {ar}", kind) for kind, (en, ar) in TYPE_LABELS.items()])
                        actor_origin = gr.Radio([(label, o.value) for o, label in ORIGIN_LABELS.items()],
                                                value=Origin.ALL.value, label="Source of the actor / مصدر الفاعل",
                                                elem_id="actor-origin")
                        gr.HTML(ACTORS_INTRO, elem_id="actors-intro")
                    with gr.Column(scale=8):
                        graph = gr.HTML(elem_id="backing-graph")
                with gr.Row(elem_id="actor-exports"):
                    downloads = [
                        gr.DownloadButton(label, size="sm", elem_id=f"export-{what}-{fmt}")
                        for what, fmt, label in (
                            ("actors", "csv", "Table CSV / الجدول"), ("actors", "json", "Table JSON / الجدول"),
                            ("graph", "graphml", "Graph GraphML / الرسم"), ("graph", "gexf", "Graph GEXF / الرسم"),
                            ("graph", "svg", "Graph SVG / الرسم"))]
                with gr.Row(equal_height=False):
                    with gr.Column(scale=7):
                        actor_picker = gr.Dropdown(label="Timeline of an actor / الخط الزمني لفاعل", choices=[],
                                                   value=None, elem_id="actor-picker", interactive=True)
                        timeline_view = gr.HTML(elem_id="timeline-view", js_on_load=CITE_ON_CLICK)
                        with gr.Row(elem_id="actor-pager", elem_classes="actor-pager"):
                            previous_page = gr.Button("‹ Previous / السابق", size="sm", elem_id="actor-previous")
                            actor_page = gr.Number(1, label="Page / الصفحة", precision=0, minimum=1,
                                                   elem_id="actor-page", min_width=100)
                            next_page = gr.Button("Next / التالي ›", size="sm", elem_id="actor-next")
                        actors_table = gr.HTML(elem_id="actor-table", js_on_load=CITE_ON_CLICK)
                    with gr.Column(scale=4):
                        fact_picker = gr.Dropdown(label="Open a cited fact / افتح مصدر معلومة", choices=[],
                                                  value=None, elem_id="fact-picker", interactive=True)
                        actor_viewer = gr.HTML("<p class='hint'>Click a number in the table, or choose a fact, to "
                                               "read its source. <bdi dir='rtl' lang='ar'>انقر رقماً أو اختر "
                                               "معلومة لقراءة مصدرها.</bdi></p>", elem_id="actor-article-view")

        chat_outputs = [question, chat, session, citation, notice, answer_md, answer_json]
        question.submit(h.chat_turn, [question, session], chat_outputs, api_visibility="private",
                        concurrency_limit=4).then(None, js=SCROLL_TO_NEW_TURN)
        chat.example_select(h.chat_example, [session], chat_outputs, api_visibility="private",
                            concurrency_limit=4).then(None, js=SCROLL_TO_NEW_TURN)
        cleared = [question, chat, session, citation, notice, viewer, answer_md, answer_json]
        new_chat.click(h.clear, None, cleared, api_visibility="private")
        # The Chatbot's own bin button empties the display; the history must go with it.
        chat.clear(h.clear, None, cleared, api_visibility="private")
        citation.input(h.open_citation, citation, viewer, api_visibility="private").then(None, js=SCROLL_TO_MARK)
        chat_bridge.click(h.chat_link, None, [viewer, tabs, actor_picker, timeline_view],
                          api_visibility="private").then(None, js=SCROLL_TO_MARK)
        pick_article.input(h.open_article, pick_article, corpus_article, api_visibility="private")
        # One ingestion at a time: the index swap is serialised anyway, and a queue shows it.
        actor_outputs = [graph, actors_table, fact_picker, backer_filter, actor_picker, actor_page, *downloads]
        actor_inputs = [backer_filter, states, actor_search, actor_kind, actor_origin, actor_page]

        def paged(step: int | None) -> Callable:
            """The Actors view ``step`` pages on from the one shown; None: the first page (a new filter)."""
            def view(backer, show_states, text, kind, origin, page):
                return h.actors_view(backer, show_states, text, kind, origin, 1 if step is None else (page or 1) + step)
            return view

        add.click(h.ingest, [uploads, replace], [ingest_status, corpus, pick_article], api_visibility="private",
                  concurrency_limit=1, show_progress_on=[ingest_status]).then(
            h.actors_view, actor_inputs, actor_outputs, api_visibility="private")
        app.load(h.corpus_view, None, [corpus, pick_article], api_visibility="private")
        # The Actors tab: filter by backer; a number clicked in the table or a timeline, or a
        # fact chosen, opens its evidence in the tab's own article viewer; a name, its timeline.
        for control in (backer_filter, states, actor_kind, actor_origin):
            control.input(paged(None), actor_inputs, actor_outputs, api_visibility="private")
        actor_search.change(paged(None), actor_inputs, actor_outputs, api_visibility="private",
                           trigger_mode="always_last")
        previous_page.click(paged(-1), actor_inputs, actor_outputs, api_visibility="private")
        next_page.click(paged(1), actor_inputs, actor_outputs, api_visibility="private")
        actor_page.submit(h.actors_view, actor_inputs, actor_outputs, api_visibility="private")
        picked = [actor_viewer, actor_picker, timeline_view]
        for clickable in (actors_table, timeline_view):
            clickable.click(h.open_cited_fact, None, picked, api_visibility="private").then(
                None, js=SCROLL_TO_ACTOR_MARK)
        actor_picker.input(h.actor_timeline, actor_picker, timeline_view, api_visibility="private")
        fact_picker.input(h.open_citation, fact_picker, actor_viewer, api_visibility="private").then(
            None, js=SCROLL_TO_ACTOR_MARK)
        app.load(h.actors_view, actor_inputs, actor_outputs, api_visibility="private")
        gr.api(h.ask_api, api_name="ask", concurrency_limit=4)
    return app


def launch(app: gr.Blocks, host: str = "127.0.0.1", port: int = 7860, auth: tuple[str, str] | None = None,
           block: bool = True, settings: Settings | None = None):
    """Start the server (the CSS lives here: Gradio 6 takes it at launch). Logins are throttled per client
    (``assistant.login``) and uploads limited to ``settings.max_upload_bytes``."""
    settings = settings or load_settings()
    throttle = Middleware(LoginThrottleMiddleware, throttle=LoginThrottle.from_settings(settings),
                          trust_forwarded_for=settings.trust_forwarded_for)
    return app.queue(default_concurrency_limit=4).launch(
        server_name=host, server_port=port, auth=auth, css=CSS, prevent_thread_lock=not block,
        show_error=False, ssr_mode=False, max_file_size=settings.max_upload_bytes, quiet=not block,
        app_kwargs={"middleware": [throttle]})


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
    launch(build_app(assistant), args.host, args.port, args.auth, settings=assistant.settings)
    return 0


if __name__ == "__main__":
    sys.exit(main())

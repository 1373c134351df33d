"""Exports: what the page shows, as files that leave it.

* an answer as Markdown or JSON, with each citation's title, outlet, date, URL, quoted span
  and offsets (``article.text[start:end] == quote``);
* the actor table as CSV (one line per cited fact) or JSON (rows, facts, evidence);
* the backing graph as GraphML or GEXF (``networkx`` writes both) or as SVG (the picture the
  page draws).

Pure functions over ``Answer``, ``ActorRow``, ``BackingEdge`` and the articles; dates are
resolved here, at export time (``dates.relation_date``), with the article's phrase kept.
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import TYPE_CHECKING

from .actors import NAMED_WITH, ActorRow, BackingEdge, Relation, actor_by_id, actor_type, is_discovered
from .answer import Answer, Citation
from .corpus import Article
from .dates import relation_date

if TYPE_CHECKING:  # imported where a graph is built: only the GraphML and GEXF exports need it
    import networkx as nx


class ExportError(ValueError):
    """An export was asked in a format that does not exist; the message lists those that do."""


# English and Arabic label of each relation.
RELATION_LABELS = {
    "backed-by": ("backed by", "مدعوم من"),
    "trained-by": ("trained by", "درّبه"),
    "affiliated-with": ("affiliated with", "يتبع"),
    "led-by": ("led by", "بقيادة"),
    "formed-by": ("formed by", "شكّله"),
    "clashed-with": ("clashed with", "اشتبك مع"),
    "defected-to": ("defected to", "انشق إلى"),
    "part-of": ("part of", "جزء من"),
    NAMED_WITH: ("named with", "يُذكر مع"),
}
# One colour per backer, in the order of ``Assistant.backers()`` (so a filter keeps colours).
PALETTE = ["#b03a2e", "#1e7b34", "#6c3fa0", "#1f5fbf", "#b8650a", "#00838f", "#6d4c41", "#ad1457"]
# Backing between two states (Iran arming Russia) is another kind of fact than a state
# backing a militia: it is drawn in this grey, thin and dash-dotted, whoever the backer.
STATE_COLOUR = "#8a8a8a"
STATE_DASH = "10 3 2 3"
# Line style per kind of backing: solid, dashed, dotted.
EDGE_DASH = {"backed-by": "", "formed-by": "8 4", "trained-by": "2 4"}

# Characters that XML, HTML, Markdown, KaTeX or Gradio's HTML templates could read as
# syntax become numeric entities (valid in XML and HTML alike), in one pass.
_INERT = str.maketrans({c: f"&#{ord(c)};" for c in "&<>\"'\\`*_{}[]()#+-!|~$:"})


def inert(text: str) -> str:
    """``text`` as markup that shows it as typed and means nothing (HTML, SVG, XML)."""
    return text.translate(_INERT)


def names(actor_id: str) -> tuple[str, str]:
    """(English, Arabic) name of an actor; an id missing from the list is shown as itself."""
    try:
        actor = actor_by_id(actor_id)
    except KeyError:
        return actor_id, ""
    return actor.name_en, actor.name_ar


def state_to_state(edge: BackingEdge) -> bool:
    """Whether ``edge`` is one state backing another (not a state backing an armed group)."""
    return actor_type(edge.backer_id) == actor_type(edge.group_id) == "state"


# ---------------------------------------------------------------- answers


def citation_record(citation: Citation, article: Article | None) -> dict:
    """A citation with what a reader needs to find it again: title, outlet, date, URL, the
    quoted span and its character offsets in the cleaned article."""
    return {"title": citation.title, "outlet": citation.source, "date": citation.date,
            "url": article.url if article else "", "quote": citation.text, "article_id": citation.article_id,
            "start": citation.start, "end": citation.end, "score": citation.score}


def answer_record(answer: Answer, articles: dict[str, Article], question: str = "") -> dict:
    """The answer as plain data: question, text, language, citations (``citation_record``),
    related passages and the structured facts behind it."""
    return {"question": question, "answered": answer.answered, "text": answer.text, "language": answer.language,
            "citations": [citation_record(c, articles.get(c.article_id)) for c in answer.citations],
            "related": [citation_record(c, articles.get(c.article_id)) for c in answer.related],
            "facts": answer.facts}


def answer_json(answer: Answer, articles: dict[str, Article], question: str = "") -> str:
    """``answer_record`` as JSON (UTF-8 text, Arabic as is)."""
    return json.dumps(answer_record(answer, articles, question), ensure_ascii=False, indent=1)


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|!])")


def _md(text: str) -> str:
    """Text that Markdown shows as typed: its syntax characters backslash-escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def answer_markdown(answer: Answer, articles: dict[str, Article], question: str = "") -> str:
    """The answer as Markdown: the question, the text with its [n] markers, then each source
    numbered as in the text, with title, outlet, date, URL, offsets and the quoted span."""
    arabic = answer.language == "ar"
    heading = {"q": "السؤال" if arabic else "Question", "sources": "المصادر" if arabic else "Sources",
               "related": "مقاطع ذات صلة، وليست إجابة" if arabic else "Related passages, not an answer",
               "chars": "المحارف" if arabic else "characters"}
    lines = [f"**{heading['q']}:** {_md(question)}", ""] if question else []
    # The [n] markers stay plain: they refer to the numbered list below.
    lines += [_md(answer.text).replace("\\[", "[").replace("\\]", "]"), ""]
    for title, items, prefix in ((heading["sources"], answer.citations, ""), (heading["related"], answer.related, "~")):
        if not items:
            continue
        lines += [f"## {title}", ""]
        for number, citation in enumerate(items, 1):
            record = citation_record(citation, articles.get(citation.article_id))
            where = ", ".join(_md(x) for x in (record["outlet"], record["date"]) if x)
            url = f" — <{record['url']}>" if record["url"] else ""
            lines.append(f"{prefix}{number}. **{_md(citation.title)}**" + (f" — {where}" if where else "") + url)
            lines.append(f"   `{citation.article_id}`, {heading['chars']} {citation.start}–{citation.end}")
            lines += [f"   > {_md(line)}" for line in citation.text.splitlines() or [""]]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


# ---------------------------------------------------------------- the actor table

ACTOR_CSV_FIELDS = ("actor_id", "actor_en", "actor_ar", "actor_type", "relation", "other_id", "other_en", "other_ar",
                    "qualifier", "date", "date_precision", "date_phrase", "date_relative", "article_id", "title",
                    "outlet", "url", "start", "end", "evidence")


def evidence_record(relation: Relation, articles: dict[str, Article]) -> dict:
    """One cited statement: the resolved date with its phrase, the article and the span."""
    article = articles.get(relation.article_id)
    date = relation_date(relation.date, article.date if article else relation.article_date)
    return {"qualifier": relation.qualifier, "date": date.value, "date_precision": date.precision.value,
            "date_phrase": date.phrase, "date_relative": date.relative, "article_id": relation.article_id,
            "title": article.title if article else "", "outlet": article.source if article else "",
            "url": article.url if article else "", "start": relation.start, "end": relation.end,
            "evidence": relation.evidence}


def actors_records(rows: list[ActorRow], articles: dict[str, Article]) -> list[dict]:
    """The actor table as plain data: per actor its names and type, and per fact the other
    actor and every cited statement of it (``evidence_record``)."""
    out = []
    for row in rows:
        english, arabic = names(row.actor_id)
        facts = [{"relation": f.relation, "other_id": f.other_id, "other_en": names(f.other_id)[0],
                  "other_ar": names(f.other_id)[1], "earlier": f.earlier,
                  "evidence": [evidence_record(r, articles) for r in f.evidence]} for f in row.facts]
        out.append({"actor_id": row.actor_id, "name_en": english, "name_ar": arabic,
                    "type": actor_type(row.actor_id), "facts": facts})
    return out


def actors_json(rows: list[ActorRow], articles: dict[str, Article]) -> str:
    """``actors_records`` as JSON."""
    return json.dumps(actors_records(rows, articles), ensure_ascii=False, indent=1)


def actors_csv(rows: list[ActorRow], articles: dict[str, Article]) -> str:
    """The actor table as CSV (``ACTOR_CSV_FIELDS``), one line per cited statement of a fact."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, ACTOR_CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for record in actors_records(rows, articles):
        actor = {"actor_id": record["actor_id"], "actor_en": record["name_en"], "actor_ar": record["name_ar"],
                 "actor_type": record["type"]}
        for fact in record["facts"]:
            other = {k: fact[k] for k in ("relation", "other_id", "other_en", "other_ar")}
            for evidence in fact["evidence"]:
                writer.writerow({**actor, **other, **evidence})
    return buffer.getvalue()


# ---------------------------------------------------------------- the backing graph


def graph(edges: list[BackingEdge], articles: dict[str, Article]) -> nx.DiGraph:
    """The backing graph: a node per actor (names, type, discovered or listed), an edge backer -> group with the
    kinds of backing, whether every source says "earlier", whether it links two states, and
    its sources as "article_id|start|end" keys with their resolved dates."""
    import networkx as nx

    g = nx.DiGraph()
    for e in edges:
        for node in (e.backer_id, e.group_id):
            english, arabic = names(node)
            g.add_node(node, name_en=english, name_ar=arabic, type=actor_type(node), discovered=is_discovered(node))
        dates = sorted({d for r in e.evidence if (d := evidence_record(r, articles)["date"])})
        g.add_edge(e.backer_id, e.group_id, relations=" ".join(e.relations), earlier=e.earlier,
                   state_to_state=state_to_state(e), sources=len(e.evidence),
                   evidence=" ".join(f"{r.article_id}|{r.start}|{r.end}" for r in e.evidence),
                   dates=" ".join(dates))
    return g


def graph_graphml(edges: list[BackingEdge], articles: dict[str, Article]) -> str:
    """``graph`` as GraphML."""
    from networkx import generate_graphml

    return "\n".join(generate_graphml(graph(edges, articles))) + "\n"


def graph_gexf(edges: list[BackingEdge], articles: dict[str, Article]) -> str:
    """``graph`` as GEXF (Gephi's format)."""
    from networkx import generate_gexf

    return "\n".join(generate_gexf(graph(edges, articles))) + "\n"


def _columns(edges: list[BackingEdge]) -> tuple[list[str], list[str]]:
    """(backers, groups) of the graph, top to bottom: backers backing most first, each group
    at the mean height of its backers, so that few edges cross. An actor both backed and
    backing (Russia, backed by Iran) stands in both columns."""
    out_degree: dict[str, int] = {}
    for e in edges:
        out_degree[e.backer_id] = out_degree.get(e.backer_id, 0) + 1
    left = sorted(out_degree, key=lambda n: (-out_degree[n], names(n)[0]))
    row = {n: i for i, n in enumerate(left)}
    parents: dict[str, list[int]] = {}
    for e in edges:
        parents.setdefault(e.group_id, []).append(row[e.backer_id])
    right = sorted(parents, key=lambda n: (sum(parents[n]) / len(parents[n]), names(n)[0]))
    return left, right


def edge_colour(edge: BackingEdge, colours: dict[str, str]) -> str:
    return STATE_COLOUR if state_to_state(edge) else colours.get(edge.backer_id, "#555")


def graph_svg(edges: list[BackingEdge], colours: dict[str, str] | None = None) -> str:
    """Who backs whom as an SVG picture: backers on the left, an arrow to each group they back,
    formed or trained (solid, dashed, dotted line); faded, and labelled, when its sources say
    "earlier"; grey and dash-dotted between two states; a discovered actor's box dashed. A node is
    as tall as its edges need, so arrowheads into one group never overlap. Text is never under 11 px
    at scale 1."""
    if colours is None:
        colours = backer_colours(list(dict.fromkeys(e.backer_id for e in edges)))
    width, gap, vgap, margin, slot = 264, 250, 8, 6, 16
    left, right = _columns(edges)
    ins: dict[str, int] = {}
    for e in edges:
        ins[e.group_id] = ins.get(e.group_id, 0) + 1

    # Lines leave a backer without arrowheads: only a group grows with its edges.
    left_h = {n: 38.0 for n in left}
    right_h = {n: max(38.0, slot * (ins[n] + 1)) for n in right}
    total_h = max(sum(h.values()) + vgap * (len(h) - 1) for h in (left_h, right_h)) + 2 * margin
    total_w = 2 * width + gap + 2 * margin

    def tops(column: list[str], size: dict[str, float]) -> dict[str, float]:
        top = (total_h - sum(size.values()) - vgap * (len(column) - 1)) / 2
        found = {}
        for node in column:
            found[node] = top
            top += size[node] + vgap
        return found

    left_y, right_y = tops(left, left_h), tops(right, right_h)

    def ports(ends: list[tuple[str, str]], own: dict[str, float], size: dict[str, float],
              other: dict[str, float]) -> dict:
        """y of each edge end on its node's side, spread in the order of the nodes at the other end."""
        found = {}
        for node in own:
            others = sorted((o for n, o in ends if n == node), key=lambda o: other[o])
            found.update({(node, o): own[node] + size[node] * (i + 1) / (len(others) + 1)
                          for i, o in enumerate(others)})
        return found

    out_port = ports([(e.backer_id, e.group_id) for e in edges], left_y, left_h, right_y)
    in_port = ports([(e.group_id, e.backer_id) for e in edges], right_y, right_h, left_y)
    palette = list(dict.fromkeys([*colours.values(), STATE_COLOUR]))
    markers = "".join(
        f"<marker id='ag-arrow-{i}' viewBox='0 0 10 10' refX='9' refY='5' markerWidth='5' markerHeight='5' "
        f"orient='auto-start-reverse'><path d='M 0 0 L 10 5 L 0 10 z' fill='{c}'/></marker>"
        for i, c in enumerate(palette))
    x1, x2, bend = margin + width, margin + width + gap, gap / 2
    lines, labels, nodes = [], [], []
    for e in edges:
        colour = edge_colour(e, colours)
        states = state_to_state(e)
        y1, y2 = out_port[e.backer_id, e.group_id], in_port[e.group_id, e.backer_id]
        kinds = " + ".join(RELATION_LABELS[k][0] for k in e.relations)
        sources = len({(r.article_id, r.start, r.end) for r in e.evidence})
        title = (f"{names(e.backer_id)[0]} → {names(e.group_id)[0]}: {kinds}"
                 f"{' (earlier)' if e.earlier else ''}{' (state to state)' if states else ''}; "
                 f"{sources} source(s) / {sources} مصدر")
        dash = STATE_DASH if states else EDGE_DASH[e.relations[0]]
        style = (f"stroke='{colour}' stroke-width='{1.6 if states else 2.2}' fill='none' stroke-linecap='round'"
                 + (f" stroke-dasharray='{dash}'" if dash else "") + (" stroke-opacity='.4'" if e.earlier else ""))
        lines.append(
            f"<g class='edge{' state-edge' if states else ''}' data-backer='{inert(e.backer_id)}' "
            f"data-group='{inert(e.group_id)}' data-relations='{inert(' '.join(e.relations))}'>"
            f"<title>{inert(title)}</title>"
            f"<path d='M {x1} {y1:.1f} C {x1 + bend} {y1:.1f}, {x2 - bend} {y2:.1f}, {x2 - 1} {y2:.1f}' {style} "
            f"marker-end='url(#ag-arrow-{palette.index(colour)})'/></g>")
        if e.earlier:
            # Drawn after every line, on a white halo, so no line crosses it.
            labels.append(
                f"<text class='edge-label' data-backer='{inert(e.backer_id)}' data-group='{inert(e.group_id)}' "
                f"x='{x2 - 12}' y='{y2 - 5:.1f}' text-anchor='end' font-size='11' fill='{colour}' "
                "stroke='#fff' stroke-width='3' paint-order='stroke'>earlier / سابقاً</text>")
    for role, x, column, size in (("backer", margin, left_y, left_h), ("group", x2, right_y, right_h)):
        for node, y in column.items():
            english, arabic = names(node)
            stroke = (f"stroke='{colours.get(node, '#777')}' stroke-width='2.5'" if role == "backer"
                      else "stroke='#888' stroke-width='1'")
            middle = y + size[node] / 2
            # A discovered actor (recognised in the articles, in no list) is drawn with a dashed outline.
            found = is_discovered(node)
            dashed = " stroke-dasharray='5 3'" if found else ""
            nodes.append(
                f"<g class='node {role}{' discovered' if found else ''}' data-actor-id='{inert(node)}'>"
                f"<title>{inert(english)} / {inert(arabic)}{' (discovered / مكتشف)' if found else ''}</title>"
                f"<rect x='{x}' y='{y:.1f}' width='{width}' height='{size[node]:.1f}' rx='7' fill='#fff' "
                f"{stroke}{dashed}/>"
                f"<text x='{x + width / 2}' y='{middle - 3:.1f}' text-anchor='middle' font-size='12.5' "
                f"font-weight='600' fill='#111' direction='ltr'>{inert(english)}</text>"
                f"<text x='{x + width / 2}' y='{middle + 13:.1f}' text-anchor='middle' font-size='12.5' fill='#333' "
                f"direction='rtl' unicode-bidi='embed' lang='ar'>{inert(arabic)}</text></g>")
    return (f"<svg viewBox='0 0 {total_w} {total_h:.0f}' width='{total_w}' height='{total_h:.0f}' role='img' "
            "aria-label='Who backs whom / من يدعم من' xmlns='http://www.w3.org/2000/svg' "
            "font-family='DejaVu Sans, Noto Sans, Noto Naskh Arabic, sans-serif'>"
            f"<defs>{markers}</defs>{''.join(lines)}{''.join(nodes)}{''.join(labels)}</svg>")


# ---------------------------------------------------------------- formats by name

FORMATS = {"answer": ("markdown", "json"), "actors": ("csv", "json"), "graph": ("graphml", "gexf", "svg")}
# The file name extension of each format.
SUFFIX = {"markdown": ".md", "json": ".json", "csv": ".csv", "graphml": ".graphml", "gexf": ".gexf", "svg": ".svg"}


def _check(what: str, fmt: str) -> None:
    if fmt not in FORMATS[what]:
        raise ExportError(f"unknown {what} export format {fmt!r}; choose one of: {', '.join(FORMATS[what])}")


def backer_colours(backers: list[str]) -> dict[str, str]:
    """A colour per backer, in the order given (``Assistant.backers()``), so a filter keeps them."""
    return {b: PALETTE[i % len(PALETTE)] for i, b in enumerate(backers)}


def export_answer(fmt: str, answer: Answer, articles: dict[str, Article], question: str = "") -> str:
    """``answer`` in ``fmt`` ("markdown" or "json")."""
    _check("answer", fmt)
    return (answer_markdown if fmt == "markdown" else answer_json)(answer, articles, question)


def export_actors(fmt: str, rows: list[ActorRow], articles: dict[str, Article]) -> str:
    """The actor table in ``fmt`` ("csv" or "json")."""
    _check("actors", fmt)
    return (actors_csv if fmt == "csv" else actors_json)(rows, articles)


def export_graph(fmt: str, edges: list[BackingEdge], articles: dict[str, Article],
                 colours: dict[str, str] | None = None) -> str:
    """The backing graph in ``fmt`` ("graphml", "gexf" or "svg")."""
    _check("graph", fmt)
    if fmt == "svg":
        return graph_svg(edges, colours)
    return (graph_graphml if fmt == "graphml" else graph_gexf)(edges, articles)

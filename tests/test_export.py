"""Exports of an answer, the actor table and the backing graph: through the API and the CLI."""

import csv
import io
import json
import xml.etree.ElementTree as ET

import networkx as nx
import pytest

from assistant import cli
from assistant.export import ExportError, graph_svg


def test_answer_exports_as_json_with_every_citation_and_its_span(fake_assistant):
    question = "When did Liwa al-Quds switch from Iran to Russia?"
    answer = fake_assistant.ask(question)
    record = json.loads(fake_assistant.export_answer(answer, "json", question=question))
    assert record["question"] == question and record["text"] == answer.text
    assert len(record["citations"]) == len(answer.citations) > 3
    articles = fake_assistant.index.articles
    for cited in record["citations"]:
        assert set(cited) >= {"title", "outlet", "date", "url", "quote", "article_id", "start", "end"}
        article = articles[cited["article_id"]]
        assert article.text[cited["start"]:cited["end"]] == cited["quote"]
        assert (cited["title"], cited["outlet"], cited["url"]) == (article.title, article.source, article.url)


def test_answer_exports_as_markdown_with_numbered_sources(fake_assistant):
    answer = fake_assistant.ask("من يدعم لواء القدس؟")
    text = fake_assistant.export_answer(answer, "markdown", question="من يدعم لواء القدس؟")
    assert text.startswith("**السؤال:** من يدعم لواء القدس؟")
    assert "## المصادر" in text and "[1]" in text
    for number, citation in enumerate(answer.citations, 1):
        assert f"\n{number}. **" in text
        assert f"`{citation.article_id}`, المحارف {citation.start}–{citation.end}" in text
        first_line = citation.text.splitlines()[0]
        assert f"> {first_line}" in text.replace("\\", "")


def test_actor_table_exports_as_csv_and_json(fake_assistant):
    rows = list(csv.DictReader(io.StringIO(fake_assistant.export_actors("csv"))))
    table = fake_assistant.actor_table()
    assert len(rows) == sum(len(f.evidence) for row in table for f in row.facts)
    articles = fake_assistant.index.articles
    for row in rows:
        assert articles[row["article_id"]].text[int(row["start"]):int(row["end"])] == row["evidence"]
    defection = [r for r in rows if r["actor_id"] == "liwa-al-quds" and r["relation"] == "defected-to"]
    assert [(r["date"], r["date_phrase"], r["date_relative"]) for r in defection] == [
        ("2021-02", "فبراير/شباط الفائت", "True")]
    # The undated article's relative phrase is kept, and is no date.
    nujaba = [r for r in rows if r["actor_id"] == "nujaba" and r["relation"] == "led-by"]
    assert nujaba and all(r["date"] == "" and r["date_phrase"] for r in nujaba)

    records = json.loads(fake_assistant.export_actors("json", backer="iran"))
    assert [r["actor_id"] for r in records] == [row.actor_id for row in fake_assistant.actor_table("iran")]
    assert {"facts", "name_en", "name_ar", "type"} <= set(records[0])


def test_graph_exports_as_graphml_gexf_and_svg(fake_assistant, tmp_path):
    edges = fake_assistant.backing_edges()
    for fmt in ("graphml", "gexf"):
        path = tmp_path / f"g.{fmt}"
        path.write_text(fake_assistant.export_graph(fmt), encoding="utf-8")
        g = nx.read_graphml(path) if fmt == "graphml" else nx.read_gexf(path)
        assert g.number_of_edges() == len(edges)
        assert g.has_edge("iran", "liwa-al-quds") and g.has_edge("russia", "liwa-al-quds")
        # Iran arming Russia is one state backing another, told apart from backing a militia.
        assert str(g.edges["iran", "russia"]["state_to_state"]) == "True"
        assert str(g.edges["iran", "liwa-al-quds"]["state_to_state"]) == "False"
        assert str(g.edges["iran", "liwa-al-quds"]["earlier"]) == "True"
    svg = ET.fromstring(fake_assistant.export_graph("svg"))
    ns = {"s": "http://www.w3.org/2000/svg"}
    assert len(svg.findall("s:g[@class='edge']", ns)) + len(svg.findall("s:g[@class='edge state-edge']", ns)) == len(
        edges)
    assert len(svg.findall("s:g[@class='edge state-edge']", ns)) == 1
    assert min(float(t.get("font-size")) for t in svg.iter("{http://www.w3.org/2000/svg}text")) >= 11


def test_svg_arrowheads_into_one_group_do_not_overlap(fake_assistant):
    svg = ET.fromstring(graph_svg(fake_assistant.backing_edges()))
    ends = {}
    for g in svg.iter("{http://www.w3.org/2000/svg}g"):
        if "edge" in g.get("class", "").split():
            path = g.find("{http://www.w3.org/2000/svg}path").get("d")
            ends.setdefault(g.get("data-group"), []).append(float(path.split()[-1]))
    assert len(ends["liwa-al-quds"]) == 3
    for ys in ends.values():
        ys.sort()
        assert all(b - a > 11 for a, b in zip(ys, ys[1:])), ys  # an arrowhead is 5 strokes (11 units) tall


def test_unknown_formats_are_refused_with_the_choices(fake_assistant):
    with pytest.raises(ExportError, match="markdown, json"):
        fake_assistant.export_answer(fake_assistant.ask("Who backs Liwa al-Quds?"), "pdf")
    with pytest.raises(ExportError, match="graphml, gexf, svg"):
        fake_assistant.export_graph("png")


def test_cli_exports(fake_assistant, monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(cli, "_assistant", lambda args: fake_assistant)
    out = tmp_path / "answer.json"
    assert cli.main(["export", "answer", "Who backs Liwa al-Quds?", "--format", "json", "--out", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["citations"]
    assert cli.main(["export", "actors"]) == 0
    assert capsys.readouterr().out.startswith("actor_id,actor_en,")
    assert cli.main(["export", "graph", "--format", "gexf", "--backer", "russia"]) == 0
    assert "<gexf" in capsys.readouterr().out
    assert cli.main(["export", "graph", "--format", "png"]) == 2
    assert "graphml, gexf, svg" in capsys.readouterr().err
    assert cli.main(["export", "answer"]) == 2

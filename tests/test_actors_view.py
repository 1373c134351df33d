"""The Actors view at archive size: choosing rows (names in either script, type, discovered or
listed), paging them, and the handler drawing only the page's graph. Fast: the fake encoder."""

from __future__ import annotations

import re

import pytest

from assistant.actors import ActorSelection, Origin, actor_type, page_of
from assistant.app import make_handlers

from conftest import CORPUS

FURSAN = """---
id: upload_fursan
title: حركة فرسان الجبل تعلن سيطرتها على قرى في ريف حماة
date: 2024-06-02
---
أعلنت حركة فرسان الجبل، بقيادة العقيد سامر الخطيب، سيطرتها على ثلاث قرى في ريف حماة الشمالي.
وقالت مصادر محلية إن الحركة المدعومة من تركيا دفعت بتعزيزات جديدة إلى المنطقة.
"""


@pytest.fixture
def with_discovered(fake_assistant, tmp_path):
    path = tmp_path / "fursan.md"
    path.write_text(FURSAN, encoding="utf-8")
    assert fake_assistant.ingest([CORPUS, path]).added == ["upload_fursan"]
    return fake_assistant


def _ids(html: str) -> list[str]:
    return [i.replace("&#45;", "-") for i in re.findall(r"<tr data-actor-id='([^']+)'", html)]


def test_a_selection_finds_names_in_either_script_and_by_origin(with_discovered):
    rows = with_discovered.actor_table()
    [fursan] = ActorSelection("حركه فرسان").rows(rows)  # ta marbuta unmarked: normalised matching
    assert ActorSelection("HRKA FRSAN", origin="discovered").rows(rows) == [fursan]
    assert ActorSelection("Liwa al-Quds").rows(rows)[0].actor_id == "liwa-al-quds"
    assert ActorSelection("لواء القدس", origin=Origin.DISCOVERED).rows(rows) == []
    curated = ActorSelection(origin="curated").rows(rows)
    assert fursan not in curated and len(curated) == len(rows) - len(ActorSelection(origin="discovered").rows(rows))
    states = ActorSelection(kind="state").rows(rows)
    assert states and all(actor_type(r.actor_id) == "state" for r in states)
    with pytest.raises(ValueError, match="unknown actor type"):
        ActorSelection(kind="militia")
    with pytest.raises(ValueError):
        ActorSelection(origin="invented")


def test_pages_are_clamped_and_counted(with_discovered):
    rows = with_discovered.actor_table()
    last = page_of(rows, 99, 5)
    assert last.number == last.pages == -(-len(rows) // 5)
    assert (last.first, last.last, last.total) == (5 * (last.pages - 1) + 1, len(rows), len(rows))
    assert list(last.rows) == rows[last.first - 1:]
    assert page_of(rows, 0, 5).rows == tuple(rows[:5])
    assert page_of([], 3, 5).first == page_of([], 3, 5).last == 0
    with pytest.raises(ValueError):
        page_of(rows, 1, 0)


def test_the_view_renders_one_page_and_the_graph_of_its_rows(with_discovered):
    assistant = with_discovered
    assistant.settings = assistant.settings.with_(actors_page_size=3, actors_graph_edges=2)
    view = make_handlers(assistant).actors_view
    graph, table, facts, _, actors, number, *downloads = view("all", True, "", "any", "all", 2)
    rows = assistant.actor_table()
    assert number == 2 and _ids(table) == [r.actor_id for r in rows[3:6]]
    assert f"Showing <b>4–6</b> of <b>{len(rows)}</b> actors" in table and f"عرض 4–6 من {len(rows)}" in table
    shown = {r.actor_id for r in rows[3:6]}
    drawn = [(b.replace("&#45;", "-"), g.replace("&#45;", "-"))
             for b, g in re.findall(r"<g class='edge[^']*' data-backer='([^']+)' data-group='([^']+)'", graph)]
    edges = [e for e in assistant.backing_edges() if e.group_id in shown or e.backer_id in shown]
    assert len(drawn) == min(2, len(edges)) and all(b in shown or g in shown for b, g in drawn)
    if len(edges) > 2:
        assert f"data-left-out='{len(edges) - 2}'" in graph
    assert len(downloads) == 5 and all(downloads)

    graph, table, *_ = view("all", True, "فرسان", "armed_group", "discovered", 7)  # clamped to the one page
    [fursan] = _ids(table)
    assert "discovered / مكتشف" in table and "data-discovered='true'" in table
    assert re.search(f"<g class='node group discovered' data-actor-id='{re.escape(fursan).replace('-', '&#45;')}'",
                     graph)
    assert "No actor matches the filter" in view("all", True, "no such actor", "any", "all", 1)[1]

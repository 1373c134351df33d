"""Reading a corpus folder (assistant/corpus.py): what is skipped is reported with its reason, links are not
followed out of the folder, .jsonl fields are typed and lines read one by one, sizes are limited."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from assistant.corpus import read_articles
from assistant.settings import Settings

ARTICLE = "عنوان المقال\n\nقال مصدر محلي إن الفصيل المسلح انسحب من القرية بعد اشتباكات عنيفة استمرت يومين."
SETTINGS = Settings()
FOLLOW = Settings(follow_links=True)


def problems(result) -> dict[str, str]:
    """{file name (and :line): reason}."""
    return {Path(p.path).name + (f":{p.line}" if p.line else ""): p.reason for p in result.problems}


def test_a_link_to_etc_passwd_is_not_ingested_and_is_reported(tmp_path):
    (tmp_path / "good.txt").write_text(ARTICLE, "utf-8")
    (tmp_path / "passwd.txt").symlink_to("/etc/passwd")
    for settings in (SETTINGS, FOLLOW):  # not even when links are followed: it leads out of the folder
        result = read_articles([tmp_path], settings)
        assert [a.id for a in result.articles] == ["good"]
        assert "root:" not in " ".join(a.text for a in result.articles)
    assert problems(read_articles([tmp_path], SETTINGS))["passwd.txt"] == "symbolic link, not followed"
    assert problems(read_articles([tmp_path], FOLLOW))["passwd.txt"] == ("symbolic link to outside the folder, "
                                                                         "not followed")


def test_links_inside_the_folder_are_followed_only_when_asked(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "a.txt").write_text(ARTICLE, "utf-8")
    (tmp_path / "alias.txt").symlink_to(tmp_path / "real" / "a.txt")
    (tmp_path / "folder-link").symlink_to(tmp_path / "real", target_is_directory=True)
    (tmp_path / "outside").symlink_to("/etc", target_is_directory=True)
    (tmp_path / "loop").symlink_to(tmp_path, target_is_directory=True)
    plain = read_articles([tmp_path], SETTINGS)
    assert [a.path for a in plain.articles] == [str(tmp_path / "real" / "a.txt")]
    assert {name: reason for name, reason in problems(plain).items()} == {
        "alias.txt": "symbolic link, not followed", "folder-link": "symbolic link, not followed",
        "outside": "symbolic link, not followed", "loop": "symbolic link, not followed"}
    followed = read_articles([tmp_path], FOLLOW)
    paths = sorted(a.path for a in followed.articles) + [p.path for p in followed.problems]
    assert str(tmp_path / "alias.txt") in paths and str(tmp_path / "folder-link" / "a.txt") in paths
    found = problems(followed)
    assert found["outside"] == "symbolic link to outside the folder, not followed"
    assert "link loop" in found["loop"]
    assert "duplicate article id 'a'" in found["a.txt"]  # the same file reached three ways is read once


def test_a_broken_link_is_reported(tmp_path):
    (tmp_path / "gone.txt").symlink_to(tmp_path / "missing.txt")
    assert problems(read_articles([tmp_path], SETTINGS)) == {"gone.txt": "symbolic link, not followed"}
    assert problems(read_articles([tmp_path], FOLLOW)) == {"gone.txt": "broken symbolic link"}


def test_every_skipped_file_is_listed_with_its_reason(tmp_path):
    (tmp_path / "good.md").write_text(ARTICLE, "utf-8")
    (tmp_path / ".hidden.txt").write_text(ARTICLE, "utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "inside.txt").write_text(ARTICLE, "utf-8")
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_text(" \n\t\n", "utf-8")
    (tmp_path / "nul.txt").write_bytes(b"\x00" * 100)
    (tmp_path / "binary.txt").write_bytes(b"abc\x00def\n" * 10)
    (tmp_path / "latin1.txt").write_bytes("titre\n\ncaf\xe9".encode("latin-1"))
    (tmp_path / "furniture.txt").write_text("عنوان فقط\n\nعنوان فقط\nاترك تعليقاً\nالتعليقات (0)\n", "utf-8")
    os.mkfifo(tmp_path / "pipe.txt")
    result = read_articles([tmp_path], SETTINGS)
    assert [a.id for a in result.articles] == ["good"]
    assert problems(result) == {
        ".hidden.txt": "hidden file or folder, skipped",
        ".git": "hidden file or folder, skipped",  # once, not each file inside
        "photo.jpg": "unsupported file type (use .txt, .md, .jsonl)",
        "empty.txt": "empty file (0 bytes)",
        "blank.txt": "the file has no text",
        "nul.txt": "no text (NUL bytes only)",
        "binary.txt": "binary data (NUL bytes)",
        "latin1.txt:3": "not UTF-8 text (byte 10)",
        "furniture.txt": "nothing left after cleaning: only the title or site boilerplate",
        "pipe.txt": "not a regular file",
    }


def test_a_missing_path_and_an_unsupported_file_given_by_name_are_reported(tmp_path):
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    result = read_articles([tmp_path / "nope", tmp_path / "notes.pdf"], SETTINGS)
    assert problems(result) == {"nope": "no such file or folder",
                                "notes.pdf": "unsupported file type (use .txt, .md, .jsonl)"}


def test_jsonl_fields_must_be_strings_and_each_bad_line_costs_only_itself(tmp_path):
    good = {"id": "j1", "title": "عنوان", "text": "نص المقال عن الفصيل المسلح في الشمال.", "date": "2024-01-01"}
    lines = [json.dumps(good, ensure_ascii=False).encode(),
             json.dumps({**good, "id": 7}).encode(),
             json.dumps({**good, "id": "j3", "date": 2024, "source": ["a"], "url": {"u": 1}}).encode(),
             json.dumps({**good, "id": "j4", "title": True}).encode(),
             b'{"id": "j5", "title": "\xd8\xb9", "text": "\xff\xfe broken"}',  # invalid UTF-8 in one line
             json.dumps({**good, "id": "j6", "source": None}).encode(),  # null: no value
             b"[1, 2]",
             json.dumps({**good, "id": "j8", "text": "\\ud800"}).replace("\\\\", "\\").encode(),
             json.dumps({**good, "id": "j9", "text": "\u2028 سطر \u0085 " + good["text"]}, ensure_ascii=False).encode()]
    (tmp_path / "c.jsonl").write_bytes(b"\xef\xbb\xbf" + b"\n".join(lines) + b"\n")
    result = read_articles([tmp_path], SETTINGS)
    assert [a.id for a in result.articles] == ["j1", "j6", "j9"]
    assert next(a for a in result.articles if a.id == "j6").source == ""
    assert "\u2028" in result.articles[2].text  # a line separator inside a string does not split the line
    assert problems(result) == {
        "c.jsonl:2": "malformed line: id must be a string, not a number",
        "c.jsonl:3": "malformed line: source must be a string, not a list; url must be a string, not an object; "
                     "date must be a string, not a number",
        "c.jsonl:4": "malformed line: title must be a string, not true/false",
        "c.jsonl:5": "not UTF-8 text (byte 37 of the line)",
        "c.jsonl:7": "malformed line: a line must be a JSON object",
        "c.jsonl:8": "text holds lone surrogates, which are not text",
    }


def test_a_50_megabyte_text_file_is_refused_from_its_size_in_under_a_second(tmp_path):
    big = tmp_path / "big.txt"
    with open(big, "wb") as handle:  # sparse: 50 MB on paper, nothing written
        handle.truncate(50 * 1024 * 1024)
    started = time.perf_counter()
    result = read_articles([tmp_path], SETTINGS)
    assert time.perf_counter() - started < 1.0
    assert problems(result) == {"big.txt": "the file has 52,428,800 bytes; the limit is 20,000,000 "
                                           "(max_file_bytes (ASSISTANT_MAX_FILE_BYTES))"}


def test_an_article_over_the_limit_is_refused_and_the_others_kept(tmp_path):
    small = Settings(max_article_chars=200)
    (tmp_path / "long.txt").write_text("عنوان\n\n" + "كلمة " * 100, "utf-8")
    (tmp_path / "short.txt").write_text(ARTICLE, "utf-8")
    (tmp_path / "c.jsonl").write_text(json.dumps({"id": "j", "title": "t", "text": "نص " * 100}) + "\n", "utf-8")
    result = read_articles([tmp_path], small)
    assert [a.id for a in result.articles] == ["short"]
    limit = "the limit is 200 (max_article_chars (ASSISTANT_MAX_ARTICLE_CHARS))"
    assert problems(result) == {"long.txt": f"the article has 507 characters; {limit}",
                                "c.jsonl:1": f"the article has 300 characters; {limit}"}


@pytest.mark.parametrize("name", ["a.TXT", "b.Md"])
def test_suffixes_are_read_whatever_their_case(tmp_path, name):
    (tmp_path / name).write_text(ARTICLE, "utf-8")
    assert len(read_articles([tmp_path], SETTINGS).articles) == 1


def test_the_ingest_command_follows_links_inside_the_folder_only_with_its_flag(tmp_path, monkeypatch, capsys):
    from assistant import api, cli

    from conftest import FakeEncoder

    monkeypatch.setattr(api, "get_encoder", lambda settings: FakeEncoder())  # no model: the fake embeds
    folder = tmp_path / "corpus"
    (folder / "real").mkdir(parents=True)
    (folder / "real" / "a.txt").write_text(ARTICLE, "utf-8")
    (folder / "b.txt").symlink_to(folder / "real" / "a.txt")
    (folder / "passwd.txt").symlink_to("/etc/passwd")
    assert cli.main(["ingest", str(folder), "--index", str(tmp_path / "plain")]) == 0
    out = capsys.readouterr()
    assert "b.txt: symbolic link, not followed" in out.err and "1 added" in out.out
    assert cli.main(["ingest", str(folder), "--index", str(tmp_path / "followed"), "--follow-links"]) == 0
    out = capsys.readouterr()
    assert "2 added" in out.out and "passwd.txt: symbolic link to outside the folder, not followed" in out.err


def test_the_ask_command_says_why_a_question_cannot_be_asked(capsys):
    from assistant import cli

    assert cli.main(["ask", "\x00\ud800 \x1b"]) == 2
    assert "error: the question is empty" in capsys.readouterr().err

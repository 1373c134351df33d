"""Reading articles from disk: ``.txt``, ``.md`` and ``.jsonl`` files, folders recursively.

A bad file or line never stops ingestion: it is reported (file, line, reason) and the
rest is read.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

SUFFIXES = (".txt", ".md", ".jsonl")


@dataclass(frozen=True)
class Article:
    """One news article. ``text`` is what citations point into once cleaned."""

    id: str
    title: str
    text: str
    source: str = ""
    url: str = ""
    date: str = ""
    path: str = ""

    @property
    def fingerprint(self) -> str:
        """Content hash: an unchanged article re-ingested is recognised by it."""
        payload = json.dumps([self.id, self.title, self.text, self.source, self.url, self.date])
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]

    def to_dict(self) -> dict:
        return dict(vars(self))  # every field is a plain value; dataclasses.asdict takes 25 times as long


@dataclass(frozen=True)
class ReadProblem:
    """A file or line that could not be read, with the reason."""

    path: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.reason}"


@dataclass
class ReadResult:
    articles: list[Article] = field(default_factory=list)
    problems: list[ReadProblem] = field(default_factory=list)


def _front_matter(text: str) -> tuple[dict[str, str], str]:
    """Split a ``---``-fenced ``key: value`` header off a file's text."""
    if not text.startswith("---\n"):
        return {}, text
    end = text.find("\n---\n", 4)
    if end < 0:
        return {}, text
    meta = {}
    for line in text[4:end].splitlines():
        key, sep, value = line.partition(":")
        if sep:
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
                value = value[1:-1]  # a quoted value; a quote inside a title stays
            meta[key.strip().lower()] = value
    return meta, text[end + 5:]


def _read_text_file(path: Path, raw: str) -> Article:
    meta, body = _front_matter(raw)
    title = meta.get("title", "")
    if not title:
        first = next((line for line in body.splitlines() if line.strip()), "")
        title = first.strip().lstrip("#").strip()
    if not body.strip():
        raise ValueError("the file has no text")
    return Article(
        id=meta.get("id", path.stem),
        title=title,
        text=body,
        source=meta.get("source", ""),
        url=meta.get("url", ""),
        date=meta.get("date", ""),
        path=str(path),
    )


def _read_jsonl(path: Path, raw: str, result: ReadResult) -> None:
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            if not isinstance(record, dict):
                raise ValueError("a line must be a JSON object")
            missing = [key for key in ("id", "title", "text") if not str(record.get(key) or "").strip()]
            if missing:
                raise ValueError(f"missing {', '.join(missing)}")
            result.articles.append(
                Article(
                    id=str(record["id"]),
                    title=str(record["title"]),
                    text=str(record["text"]),
                    source=str(record.get("source") or ""),
                    url=str(record.get("url") or ""),
                    date=str(record.get("date") or ""),
                    path=str(path),
                )
            )
        except ValueError as error:  # json.JSONDecodeError is a ValueError
            result.problems.append(ReadProblem(str(path), number, f"malformed line: {error}"))


def _files(paths: list[Path], result: ReadResult) -> list[Path]:
    files = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in SUFFIXES
                                and not any(part.startswith(".") for part in p.relative_to(path).parts)))
        elif path.is_file():
            if path.suffix in SUFFIXES:
                files.append(path)
            else:
                reason = f"unsupported file type (use {', '.join(SUFFIXES)})"
                result.problems.append(ReadProblem(str(path), None, reason))
        else:
            result.problems.append(ReadProblem(str(path), None, "no such file or folder"))
    return files


def read_articles(paths: list[str | Path]) -> ReadResult:
    """Read every article under ``paths``; problems are collected, never raised."""
    result = ReadResult()
    for path in _files([Path(p) for p in paths], result):
        try:
            raw = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = path.read_bytes()[: error.start].count(b"\n") + 1
            result.problems.append(ReadProblem(str(path), line, f"not UTF-8 text (byte {error.start})"))
            continue
        except OSError as error:
            result.problems.append(ReadProblem(str(path), None, f"cannot read: {error.strerror}"))
            continue
        if path.suffix == ".jsonl":
            _read_jsonl(path, raw, result)
            continue
        try:
            result.articles.append(_read_text_file(path, raw))
        except ValueError as error:
            result.problems.append(ReadProblem(str(path), None, str(error)))
    seen: dict[str, str] = {}
    unique = []
    for article in result.articles:
        if article.id in seen:
            reason = f"duplicate article id {article.id!r} (first in {seen[article.id]}); skipped"
            result.problems.append(ReadProblem(article.path, None, reason))
            continue
        seen[article.id] = article.path
        unique.append(article)
    result.articles = unique
    return result

"""Reading articles from disk: ``.txt``, ``.md`` and ``.jsonl`` files, folders recursively.

A bad file or line never stops ingestion: it is reported (file, line, reason) and the
rest is read. Whatever is skipped is reported too (``read_articles``).
"""

from __future__ import annotations

import codecs
import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from .settings import Settings, load_settings, setting_name

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
    return Article(
        id=meta.get("id", path.stem),
        title=title,
        text=body,
        source=meta.get("source", ""),
        url=meta.get("url", ""),
        date=meta.get("date", ""),
        path=str(path),
    )


_FIELDS = ("id", "title", "text", "source", "url", "date")
_JSON_TYPES = {bool: "true/false", int: "a number", float: "a number", list: "a list", dict: "an object"}
_SURROGATE = re.compile("[\ud800-\udfff]")


def _article_problem(article: Article, settings: Settings) -> str | None:
    """Why an article read from a file cannot be indexed, or None."""
    text = article.text
    if len(text) > settings.max_article_chars:
        return (f"the article has {len(text):,} characters; the limit is {settings.max_article_chars:,} "
                f"({setting_name('max_article_chars')})")
    if "\x00" in text:
        return "no text (NUL bytes only)" if not text.replace("\x00", "").strip() else "binary data (NUL bytes)"
    bad = [name for name in _FIELDS if _SURROGATE.search(getattr(article, name))]
    if bad:
        return f"{', '.join(bad)} holds lone surrogates, which are not text"
    if not text.strip():
        return "the file has no text"  # a .jsonl line without text is "missing text"
    from .cleaning import clean_text  # cleaning reads Articles: imported here, not at the top

    if not clean_text(text, article.title).strip():
        return "nothing left after cleaning: only the title or site boilerplate"
    return None


def _jsonl_article(record: object, path: Path) -> Article:
    """The article of one parsed ``.jsonl`` line: its fields must be strings (never stringified)."""
    if not isinstance(record, dict):
        raise ValueError("a line must be a JSON object")
    wrong = [f"{key} must be a string, not {_JSON_TYPES.get(type(record[key]), type(record[key]).__name__)}"
             for key in _FIELDS if record.get(key) is not None and not isinstance(record[key], str)]
    if wrong:
        raise ValueError("; ".join(wrong))
    missing = [key for key in ("id", "title", "text") if not (record.get(key) or "").strip()]
    if missing:
        raise ValueError(f"missing {', '.join(missing)}")
    return Article(**{key: record.get(key) or "" for key in _FIELDS}, path=str(path))


def _read_jsonl(path: Path, settings: Settings, result: ReadResult) -> None:
    """One article per line; each line is decoded and checked on its own, so one bad line costs only itself."""
    with open(path, "rb") as handle:
        for number, line in enumerate(handle, start=1):
            if number == 1:
                line = line.removeprefix(codecs.BOM_UTF8)
            try:
                text = line.decode("utf-8")
            except UnicodeDecodeError as error:
                result.problems.append(ReadProblem(str(path), number, f"not UTF-8 text (byte {error.start} "
                                                                      "of the line)"))
                continue
            if not text.strip():
                continue
            try:
                article = _jsonl_article(json.loads(text), path)
            except ValueError as error:  # json.JSONDecodeError is a ValueError
                result.problems.append(ReadProblem(str(path), number, f"malformed line: {error}"))
                continue
            problem = _article_problem(article, settings)
            if problem:
                result.problems.append(ReadProblem(str(path), number, problem))
            else:
                result.articles.append(article)


def _read_file(path: Path, settings: Settings, result: ReadResult) -> None:
    """The articles of one supported file, sized up before it is read."""
    try:
        size = path.stat().st_size
    except OSError as error:
        result.problems.append(ReadProblem(str(path), None, f"cannot read: {error.strerror}"))
        return
    if size == 0:
        result.problems.append(ReadProblem(str(path), None, "empty file (0 bytes)"))
        return
    if size > settings.max_file_bytes:
        result.problems.append(ReadProblem(str(path), None, f"the file has {size:,} bytes; the limit is "
                                                            f"{settings.max_file_bytes:,} "
                                                            f"({setting_name('max_file_bytes')})"))
        return
    if path.suffix.lower() == ".jsonl":
        _read_jsonl(path, settings, result)
        return
    try:
        data = path.read_bytes()
    except OSError as error:
        result.problems.append(ReadProblem(str(path), None, f"cannot read: {error.strerror}"))
        return
    try:
        raw = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        result.problems.append(ReadProblem(str(path), line, f"not UTF-8 text (byte {error.start})"))
        return
    article = _read_text_file(path, raw)
    problem = _article_problem(article, settings)
    if problem:
        result.problems.append(ReadProblem(str(path), None, problem))
    else:
        result.articles.append(article)


def _supported(path: Path) -> bool:
    return path.suffix.lower() in SUFFIXES


_UNSUPPORTED = f"unsupported file type (use {', '.join(SUFFIXES)})"


def _walk(folder: Path, root: Path, follow_links: bool, result: ReadResult,
          ancestors: frozenset[Path] = frozenset()) -> list[Path]:
    """The supported files under ``folder`` (inside the corpus folder ``root``, resolved), in name order;
    everything skipped is reported with its reason. ``ancestors``: the folders above, resolved."""
    def skip(path: Path, reason: str) -> None:
        result.problems.append(ReadProblem(str(path), None, reason))

    real = folder.resolve()
    if real in ancestors:  # a followed link back up the tree
        skip(folder, "symbolic link loop, not followed")
        return []
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as error:
        skip(folder, f"cannot read the folder: {error.strerror}")
        return []
    files = []
    for entry in entries:
        path = Path(entry.path)
        if entry.name.startswith("."):
            skip(path, "hidden file or folder, skipped")
            continue
        if entry.is_symlink():
            if not follow_links:
                skip(path, "symbolic link, not followed")
                continue
            if not path.resolve().is_relative_to(root):
                skip(path, "symbolic link to outside the folder, not followed")
                continue
        try:
            is_dir, is_file = entry.is_dir(), entry.is_file()
        except OSError as error:
            skip(path, f"cannot read: {error.strerror}")
            continue
        if is_dir:
            files.extend(_walk(path, root, follow_links, result, ancestors | {real}))
        elif not is_file:
            skip(path, "broken symbolic link" if entry.is_symlink() else "not a regular file")
        elif _supported(path):
            files.append(path)
        else:
            skip(path, _UNSUPPORTED)
    return files


def _files(paths: list[Path], settings: Settings, result: ReadResult) -> list[Path]:
    files = []
    for path in paths:
        if path.is_dir():  # a path given is followed even if it is a link: the caller chose it
            files.extend(_walk(path, path.resolve(), settings.follow_links, result))
        elif path.is_file():
            if _supported(path):
                files.append(path)
            else:
                result.problems.append(ReadProblem(str(path), None, _UNSUPPORTED))
        elif path.exists():
            result.problems.append(ReadProblem(str(path), None, "not a regular file"))
        else:
            result.problems.append(ReadProblem(str(path), None, "no such file or folder"))
    return files


def read_articles(paths: list[str | Path], settings: Settings | None = None) -> ReadResult:
    """Read every article under ``paths``; problems are collected, never raised.

    Folders are read recursively, in name order. Everything skipped is reported with its reason:
    hidden files and folders, unsupported types, symbolic links (not followed unless
    ``settings.follow_links``, and then only to somewhere inside the folder), empty files, files over
    ``max_file_bytes`` (from their size, unread), text that is not UTF-8, NUL bytes, articles over
    ``max_article_chars`` or with nothing left after cleaning. A ``.jsonl`` line is an object whose
    ``id``, ``title`` and ``text`` (and optional ``source``, ``url``, ``date``) are strings; a bad line is
    reported with its number and the file's other lines are read.
    """
    settings = settings or load_settings()
    result = ReadResult()
    for path in _files([Path(p) for p in paths], settings, result):
        _read_file(path, settings, result)
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

"""Chunking: cleaned articles -> passages with exact character offsets."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .corpus import Article

if TYPE_CHECKING:  # imported where a splitter is made: loading or serving an index splits nothing
    from langchain_text_splitters import RecursiveCharacterTextSplitter

# Paragraph, line, then Arabic and Latin sentence ends, then the Arabic comma, then words.
SEPARATORS = ["\n\n", "\n", ".", "؟", "?", "!", "؛", "،", ",", " ", ""]


@dataclass(frozen=True)
class Chunk:
    """A passage of a cleaned article: ``article_text[start:end] == text``."""

    id: str
    article_id: str
    start: int
    end: int
    text: str

    def to_dict(self) -> dict:
        return dict(vars(self))  # every field is a plain value; dataclasses.asdict takes 25 times as long


def make_splitter(chunk_size: int, chunk_overlap: int) -> RecursiveCharacterTextSplitter:
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    return RecursiveCharacterTextSplitter(
        separators=SEPARATORS,
        chunk_size=chunk_size,
        chunk_overlap=chunk_overlap,
        keep_separator="end",  # a sentence keeps its full stop or question mark
        strip_whitespace=True,
    )


def chunk_id(article_id: str, start: int, end: int) -> str:
    digest = hashlib.sha1(f"{article_id}:{start}:{end}".encode()).hexdigest()[:12]
    return f"{article_id}#{digest}"


# A sentence ends at . ! ? ؟ (and any closing quotes) followed by white space, or at a line break.
_SENTENCE_END = re.compile(r"(?<=[.!?؟])[\"”»’)]*\s+|\n+")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of ``text``, surrounding white space excluded."""
    spans = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        spans.append((start, match.start() + len(match.group(0).rstrip())))
        start = match.end()
    spans.append((start, len(text)))
    trimmed = []
    for s, e in spans:
        piece = text[s:e]
        s += len(piece) - len(piece.lstrip())
        e -= len(piece) - len(piece.rstrip())
        if e > s:
            trimmed.append((s, e))
    return trimmed


def sentence_units(article: Article, splitter: RecursiveCharacterTextSplitter) -> list[Chunk]:
    """The article's sentences as citable units; a sentence longer than a chunk is split
    at clause boundaries by the same splitter, so every unit fits the model."""
    units = []
    limit = splitter._chunk_size
    for start, end in sentence_spans(article.text):
        if end - start <= limit:
            units.append(Chunk(chunk_id(article.id, start, end), article.id, start, end, article.text[start:end]))
            continue
        sentence = Article(article.id, "", article.text[start:end])
        for piece in chunk_article(sentence, splitter):
            units.append(Chunk(chunk_id(article.id, start + piece.start, start + piece.end), article.id,
                               start + piece.start, start + piece.end, piece.text))
    return units


def chunk_article(article: Article, splitter: RecursiveCharacterTextSplitter) -> list[Chunk]:
    """Split a cleaned article; each chunk is located in the text, never re-typed."""
    chunks = []
    cursor = 0
    for piece in splitter.split_text(article.text):
        start = article.text.find(piece, cursor)
        if start < 0:  # overlap can place a piece before the cursor
            start = article.text.find(piece)
        end = start + len(piece)
        chunks.append(Chunk(chunk_id(article.id, start, end), article.id, start, end, piece))
        cursor = start + 1
    return chunks

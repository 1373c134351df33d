"""Inputs checked at the door: a question and the chat history, before anything else reads them.

``Assistant.ask``/``search``/``understand`` run every question through ``check_question`` and every
history through ``check_history``, so the UI, the CLI, the HTTP API and the evaluation harness get the
same rules, and everything past this module may take its input to be well formed:

* A question must be a ``str``. Characters that are not text are *removed*, not refused: lone
  surrogates (``"\\ud800"``, which no encoding can write) and control characters (NUL, ESC, DEL, the C1
  range...), except tab, line feed and carriage return, which are whitespace. What remains is stripped
  and must not be empty. The question must be at most ``max_question_chars`` long as sent (measured
  before cleaning, so that a huge one costs nothing).
* A history must be ``None`` or a list (or tuple) of messages, oldest first. A message is a ``dict``
  with ``"role"`` ``"user"`` or ``"assistant"`` and ``"content"`` a ``str`` (other keys, such as a chat
  widget's metadata, are ignored). Anything else, the history itself (a string, a number, a set, a
  generator, a dict) or any one message in it, is *refused* with a ``QuestionError`` that says which
  message and why: a malformed history is a client's bug, and answering as if part of the chat had not
  happened would hide it. Contents are cleaned as questions are (but may be empty), and the history is
  limited in messages, in characters per message and in characters overall.

Every limit is a ``Settings`` field, named in the error with its environment variable.
"""

from __future__ import annotations

import re

from .settings import Settings, setting_name

ROLES = ("user", "assistant")

# Lone surrogates and the C0/C1 control characters but for tab, line feed and carriage return.
_NOT_TEXT = re.compile("[\ud800-\udfff\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]+")


class QuestionError(ValueError):
    """The question (or its history) cannot be asked as it is; the message says why."""


def clean_text(text: str) -> str:
    """``text`` without lone surrogates and control characters (tab, newline and return stay)."""
    return _NOT_TEXT.sub("", text)


def _too_long(what: str, size: int, field: str, limit: int) -> QuestionError:
    return QuestionError(f"{what} has {size:,} characters; the limit is {limit:,} ({setting_name(field)})")


def check_question(question: object, settings: Settings) -> str:
    """The question cleaned and stripped (module docstring), or a ``QuestionError``."""
    if not isinstance(question, str):
        raise QuestionError(f"the question must be text, not {type(question).__name__}")
    if len(question) > settings.max_question_chars:
        raise _too_long("the question", len(question), "max_question_chars", settings.max_question_chars)
    question = clean_text(question).strip()
    if not question:
        raise QuestionError("the question is empty")
    return question


def check_history(history: object, settings: Settings) -> list[dict[str, str]]:
    """The chat as fresh ``{"role", "content"}`` dicts with cleaned contents (module docstring), or a
    ``QuestionError`` naming the first message that is not one, or the limit it passes."""
    if history is None:
        return []
    if not isinstance(history, list | tuple):
        raise QuestionError(f"the history must be a list of messages, not {type(history).__name__}")
    if len(history) > settings.max_history_messages:
        raise QuestionError(f"the history has {len(history):,} messages; the limit is "
                            f"{settings.max_history_messages:,} ({setting_name('max_history_messages')})")
    messages, total = [], 0
    for number, message in enumerate(history):
        where = f"history[{number}]"
        if not isinstance(message, dict):
            raise QuestionError(f"{where} must be a message ({{'role': ..., 'content': ...}}), "
                                f"not {type(message).__name__}")
        role, content = message.get("role"), message.get("content")
        if not isinstance(role, str) or role not in ROLES:
            raise QuestionError(f"{where} has role {_shown(role)}; a role is 'user' or 'assistant'")
        if not isinstance(content, str):
            raise QuestionError(f"{where} has content of type {type(content).__name__}; content must be text")
        if len(content) > settings.max_history_message_chars:  # before cleaning: a huge message costs nothing
            raise _too_long(where, len(content), "max_history_message_chars", settings.max_history_message_chars)
        total += len(content)
        if total > settings.max_history_chars:
            raise QuestionError(f"the history has over {settings.max_history_chars:,} characters by {where}; "
                                f"the limit is {settings.max_history_chars:,} ({setting_name('max_history_chars')})")
        messages.append({"role": role, "content": clean_text(content)})
    return messages


def _shown(value: object) -> str:
    """A short, printable picture of a bad value for an error message."""
    text = repr(value) if isinstance(value, str | int | float | bool | None) else type(value).__name__
    return clean_text(text[:40] + ("..." if len(text) > 40 else ""))

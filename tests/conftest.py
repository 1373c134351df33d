"""Shared fixtures: one real index over the seed corpus, built once per test session."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import pytest

from assistant import Assistant

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory) -> Path:
    """An index of the five seed articles, built with the real model."""
    path = tmp_path_factory.mktemp("index") / "seed"
    report = Assistant(index_dir=path).ingest([CORPUS])
    assert len(report.added) == 5 and not report.problems
    return path


@pytest.fixture(scope="session")
def seed_assistant(seed_index) -> Assistant:
    return Assistant(index_dir=seed_index)


@pytest.fixture
def index_copy(seed_index, tmp_path) -> Path:
    """A throw-away copy of the seed index, for tests that damage or extend it."""
    target = tmp_path / "index"
    shutil.copytree(seed_index, target)
    return target


def free_port() -> int:
    """A free TCP port on loopback, for a test server."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

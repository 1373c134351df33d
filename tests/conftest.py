"""Shared fixtures: one real index over the seed corpus, built once per test session, and a
deterministic fake encoder for fast tests of everything below the model."""

from __future__ import annotations

import gc
import hashlib
import shutil
import socket
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import faiss
import numpy as np
import pytest

from assistant import Assistant
from assistant.arabic import tokenize
from assistant.embedding import ModelInfo

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
SHOTS = REPO / "artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]


@pytest.hookimpl(tryfirst=True)  # before Hypothesis's own hook loads the profile --hypothesis-profile names
def pytest_configure(config):
    # Test-sized stores gain nothing from faiss's OpenMP threads, and on a machine shared with other jobs
    # their spin-waits cost several times the work itself.
    faiss.omp_set_num_threads(1)
    register_hypothesis_profiles()
    gc.disable()  # until collection ends (pytest_collection_finish)


def pytest_collection_finish(session):
    # What collection imported (gradio, pandas, faiss, the actor catalogue...) lives to the end of the session:
    # frozen out of the cyclic collector, whose full passes would otherwise walk it again and again. Imports
    # leave little cyclic garbage, so the collector was off while they ran.
    gc.freeze()
    gc.enable()


def register_hypothesis_profiles() -> None:
    """Hypothesis profiles: ``fast`` (loaded unless another is named), for the fast suite, and ``ci``, which
    ``make test`` (and so CI) loads with ``--hypothesis-profile=ci``: ten times the examples per test.
    Neither has a deadline (an example's time depends on the machine's load) nor an example database
    (nothing is written into the checkout)."""
    from hypothesis import HealthCheck, settings

    common = {"deadline": None, "database": None,
              "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large]}
    settings.register_profile("ci", max_examples=1000, **common)
    settings.register_profile("fast", max_examples=100, **common)
    settings.load_profile("fast")


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


@contextmanager
def served_app(assistant: Assistant):
    """The app over ``assistant``, served from this process on a free loopback port: its URL."""
    from assistant import app as ui

    app = ui.build_app(assistant)
    port = free_port()
    ui.launch(app, "127.0.0.1", port, block=False)
    SHOTS.mkdir(parents=True, exist_ok=True)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        app.close()


def require_chromium() -> None:
    """Skip the test when Debian's Chromium is not installed (before any costly set-up)."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")


@contextmanager
def chromium():
    """Debian's Chromium driven by Playwright (skips when it is not installed)."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def free_port() -> int:
    """A free TCP port on loopback, for a test server."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@lru_cache(maxsize=1 << 16)
def _token_vector(token: str, dimension: int) -> np.ndarray:
    """The fake encoder's fixed random vector for ``token`` (read-only: it is shared). Cached: the seed
    articles' words come back in every test, and drawing a generator per token is most of the fake's work."""
    seed = int.from_bytes(hashlib.blake2b(token.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "big")
    vector = np.random.default_rng(seed).standard_normal(dimension).astype(np.float32)
    vector.setflags(write=False)
    return vector


class FakeEncoder:
    """An ``embedding.Encoder`` without a model: a text's vector is the normalised sum of one fixed
    random vector per normalised token (``arabic.tokenize``), so texts sharing words are close and the
    same text always gets the same vector. Counts what it embeds."""

    def __init__(self, dimension: int = 64):
        self.info = ModelInfo(model="fake", weights_sha256="fake-weights-0", dimension=dimension, backend="fake")
        self.queries = 0
        self.documents = 0

    def _embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.info.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            vector = sum((_token_vector(t, self.info.dimension) for t in tokenize(text) or ["\0"]),
                         np.zeros(self.info.dimension, np.float32))
            out[row] = vector / np.linalg.norm(vector)
        return out

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        self.queries += len(texts)
        return self._embed(list(texts))

    def encode_documents(self, texts: list[str], titles: list[str] | None = None) -> np.ndarray:
        self.documents += len(texts)
        return self._embed(list(texts))


@pytest.fixture
def fake_encoder() -> FakeEncoder:
    return FakeEncoder()


@pytest.fixture(scope="session")
def fake_index(tmp_path_factory) -> Path:
    """The five seed articles embedded by the fake encoder, built once per session. Never written to:
    tests take a copy (``copy_fake_index``), so that each starts from the same files whatever the others did."""
    encoder = FakeEncoder()
    path = tmp_path_factory.mktemp("fake") / "index"
    report = Assistant(index_dir=path, encoder=encoder).ingest([CORPUS])
    assert len(report.added) == 5 and not report.problems and encoder.documents > 0
    return path


def copy_fake_index(fake_index: Path, target: Path) -> Path:
    """A private copy of the session's fake index at ``target``. Copied, not hard-linked: damage tests
    rewrite files in place, which would reach the shared inode. File times are kept, so the copy passes
    the load check of file times without rehashing."""
    shutil.copytree(fake_index, target)
    return target


@pytest.fixture
def fake_assistant(fake_index, tmp_path, fake_encoder) -> Assistant:
    """An assistant over a copy of the five seed articles embedded by the fake encoder (milliseconds, no
    model), free to be extended or damaged; it embeds questions with the test's ``fake_encoder``."""
    return Assistant(index_dir=copy_fake_index(fake_index, tmp_path / "fake-index"), encoder=fake_encoder)

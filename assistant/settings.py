"""Every tunable of the assistant in one place, with defaults that work.

Each field can be overridden by an environment variable named ``ASSISTANT_<FIELD>``
(for example ``ASSISTANT_MODEL=/path/to/model``), so the CLI, the UI, the harness and
the tests share one source of configuration.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent

MODEL_ID = "google/embeddinggemma-300m"


def _home() -> Path:
    return Path(os.environ.get("ASSISTANT_HOME", Path.home() / ".cache" / "assistant"))


class Backend(StrEnum):
    """Inference back-ends of the embedding model (``Settings.backend``); the old strings still work."""

    TORCH = "torch"  # fp32 through sentence-transformers and torch: the reference
    ONNX_INT8 = "onnx-int8"  # int8 weights through ONNX Runtime, exported at set-up

    @classmethod
    def _missing_(cls, value):
        raise ValueError(f"unknown embedding backend {value!r} (use one of {', '.join(b.value for b in cls)})")


@dataclass(frozen=True)
class Settings:
    """Configuration shared by every stage of the pipeline."""

    # The embedding model: a hub id or a local directory. The hub id resolves to the
    # verified copy assembled at set-up (see ``assistant.model_setup``) when one exists.
    model: str = MODEL_ID
    models_dir: Path = field(default_factory=lambda: _home() / "models")
    # Inference back-end: "onnx-int8" (ONNX Runtime, int8 weights, built at set-up by
    # ``assistant setup-model``) or "torch" (fp32 through sentence-transformers, the reference).
    # int8 is the default: the same XQuAD R@1 within 0.01, three to four times faster questions in
    # 52-58 % of the memory (README, Performance).
    backend: Backend = Backend.ONNX_INT8
    # CPU threads for inference; 0 lets the back-end use every core.
    threads: int = 0
    # Let ONNX Runtime's threads spin while they wait for work (its own default). On a quiet 2-core
    # VNNI machine a question embeds in 13 ms instead of 17 and passages go 10 % faster; beside
    # another busy process a question takes 29 ms instead of 22 (README, Performance):
    # ASSISTANT_SPIN=0 there.
    spin: bool = True
    # EmbeddingGemma defaults to 2048 tokens; our chunks are a few hundred characters.
    max_seq_length: int = 256
    # Measured on the int8 back-end (seed passages, 2-core VNNI machine): batches of 2-16 embed
    # faster than 1 or 32-64, and, activations being quantised per batch, sit closer to fp32.
    batch_size: int = 8
    # Ingestion: embed on this many Ray worker processes (``assistant.distributed``, the
    # ``distributed`` extra); 0 embeds in this process. Both build the same index.
    ray_workers: int = 0

    index_dir: Path = REPO_ROOT / "index"
    corpus_dir: Path = REPO_ROOT / "corpus"

    chunk_size: int = 350
    chunk_overlap: int = 70

    # An ingestion that finds another one writing the same index waits this many seconds for it
    # (saying so), then gives up with IndexBusyError; 0 gives up at once.
    ingest_lock_timeout: float = 600.0
    # Passages and sentences of recent ingestions kept beside the vector stores (added to them as the
    # index loads) before an ingestion compacts them in: more makes adding to a large index cheaper
    # more often, and loading it slower (HNSW inserts each at load).
    compact_units: int = 2000

    # FAISS: exact search below this many chunks, HNSW above it.
    hnsw_threshold: int = 50_000
    # Recall@10 against exact search (benchmarks/bench_scale.py, 778 gold and XQuAD questions), with
    # construction 200: on the 5,005-article index's real vectors (40,769 passages, 57,177 sentences)
    # searching 256 wide finds 0.983 / 0.977, 512 0.995 / 0.991, 1024 0.998 / 0.997; on its synthetic
    # x8 (326,152 + 457,416 jittered copies, harder: near-twins) 256 finds 0.931 / 0.916, 512
    # 0.972 / 0.958, 1024 0.990 / 0.985 for 3.3 + 3.7 ms a question. The search width applies when
    # searching, so it can be changed without a rebuild (README, Scale).
    hnsw_m: int = 32
    hnsw_ef_construction: int = 200
    hnsw_ef_search: int = 1024

    # Retrieval
    candidates: int = 30  # taken from each retriever before fusion
    top_k: int = 5  # passages handed to the answer stage
    rrf_k: int = 60
    # Abstention: below this cosine similarity between the question and its best passage
    # or sentence, the corpus is taken not to answer. English questions over Arabic text
    # score lower than Arabic ones (cross-lingual), hence two thresholds; both were read
    # off the gold set's score distributions (see README, Evaluation).
    min_score_ar: float = 0.37
    min_score_en: float = 0.35
    # Abstention by the fitted answerability model (``assistant.answerability``; every answer shows its
    # confidence either way): with ``answerability`` on, when the model's probability that the corpus answers is
    # below the refusal point of the question's language the corpus is taken not to answer, and the cosine
    # floors above only choose which passages' sentences may be cited. Off, the floors decide.
    # ``benchmarks/fit_answerability.py`` picks both points and prints their false refusals and abstention.
    answerability: bool = False
    answer_threshold_ar: float = 0.05
    answer_threshold_en: float = 0.125
    max_citations: int = 3
    # The answer stage: weigh candidate sentences with the fitted scorer (off: cosine similarity alone), and
    # cite, for a question about a group, only paragraphs that name it. Both exist for ablations.
    sentence_scorer: bool = True
    grounding: bool = True

    max_question_chars: int = 2000

    # Limits at the door: what a question, a chat history, a file, an article, an upload and a login
    # may be before it is refused (with an error naming the setting, ``setting_name``).
    max_history_messages: int = 200
    max_history_message_chars: int = 20_000
    max_history_chars: int = 100_000
    # A .txt/.md/.jsonl file, from its size on disk, before it is read.
    max_file_bytes: int = 20_000_000
    # One article's text (a .txt/.md body or a .jsonl line's "text").
    max_article_chars: int = 1_000_000
    # One file uploaded in the UI (Gradio refuses larger ones while they arrive).
    max_upload_bytes: int = 20_000_000
    # Symbolic links inside a corpus folder are skipped unless this is on, and even then only those that
    # resolve inside the folder are followed.
    follow_links: bool = False
    # ``--auth`` logins: after this many failures in a row from one client address, that address is
    # refused for login_delay_s seconds, doubled at each further failure up to login_max_delay_s.
    login_failures_allowed: int = 5
    login_delay_s: float = 1.0
    login_max_delay_s: float = 900.0
    # Take the client address of a login from the last X-Forwarded-For entry (the address the proxy in
    # front saw). Only behind a proxy that sets it: anyone can send the header.
    trust_forwarded_for: bool = False

    # The Actors tab: rows of the actor table a page, and the most backing edges its graph draws (those
    # of the rows shown; the page says how many it left out).
    actors_page_size: int = 50
    actors_graph_edges: int = 150

    # The user's own actor file (actors, aliases, merges; ``assistant.actors.catalogue``): empty for none.
    user_actors: str = ""

    def __post_init__(self):
        object.__setattr__(self, "backend", Backend(self.backend))  # "torch" -> Backend.TORCH, or a clear error
        for name in ("answer_threshold_ar", "answer_threshold_en"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{setting_name(name)} is a probability, between 0 and 1, not {getattr(self, name)}")

    def with_(self, **changes) -> Settings:
        """A copy with some fields changed."""
        return dataclasses.replace(self, **changes)


def setting_name(field_name: str) -> str:
    """How an error names a setting: its field and environment variable."""
    return f"{field_name} (ASSISTANT_{field_name.upper()})"


def _coerce(kind: type, value: str):
    if kind is Path or kind == "Path":
        return Path(value)
    if kind in (bool, "bool"):
        if value.strip().lower() not in ("1", "0", "true", "false", "yes", "no", "on", "off"):
            raise ValueError(f"expected a yes/no value, got {value!r}")
        return value.strip().lower() in ("1", "true", "yes", "on")
    if kind in (int, "int"):
        return int(value)
    if kind in (float, "float"):
        return float(value)
    if kind in (Backend, "Backend"):
        return Backend(value.strip())
    return value


def load_settings(**overrides) -> Settings:
    """Defaults, then ``ASSISTANT_*`` environment variables (an empty one counts as unset), then explicit
    overrides."""
    values = {}
    for f in dataclasses.fields(Settings):
        env = os.environ.get(f"ASSISTANT_{f.name.upper()}")
        if env is not None and env.strip():  # set but empty (`ASSISTANT_SPIN=`) keeps the default
            values[f.name] = _coerce(f.type, env)
    values.update({k: v for k, v in overrides.items() if v is not None})
    return Settings(**values)

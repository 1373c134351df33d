"""Embedding: the ``Encoder`` protocol, and EmbeddingGemma behind it.

Everything downstream (ingestion, retrieval, the API) takes an ``Encoder``: the int8 and fp32
``ModelEncoder``, the Ray one (``assistant.distributed``), or a test's fake. One model object is
loaded per process and shared by every index that uses it.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from .model_setup import verify_model_dir
from .settings import MODEL_ID, Backend, Settings

# Never reach for a hub at run time unless the user asks for one by id.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


@dataclass(frozen=True)
class ModelInfo:
    """What an index records about the model that embedded it."""

    model: str
    weights_sha256: str
    dimension: int
    backend: str


def resolve_model_dir(settings: Settings) -> tuple[Path, str]:
    """The local directory of the configured model and the hash of its weights.

    A directory must hold the verified EmbeddingGemma weights; the EmbeddingGemma id resolves to the copy assembled at
    set-up, else (only where a hub is reachable) to a hub download. Both are verified.
    """
    candidate = Path(settings.model).expanduser()
    if candidate.is_dir():
        return candidate, verify_model_dir(candidate)
    if settings.model == MODEL_ID:
        local = settings.models_dir / "embeddinggemma-300m"
        if local.is_dir():
            return local, verify_model_dir(local)
    from huggingface_hub import snapshot_download  # only when a hub id is configured

    os.environ.pop("HF_HUB_OFFLINE", None)
    path = Path(snapshot_download(settings.model))
    if settings.model == MODEL_ID:
        return path, verify_model_dir(path)
    return path, _hash_weights(path)


def _hash_weights(model_dir: Path) -> str:
    from .model_setup import sha256_file

    weights = model_dir / "model.safetensors"
    return sha256_file(weights) if weights.is_file() else "unknown"


class _TorchModel:
    """fp32 inference through sentence-transformers and torch (the reference)."""

    def __init__(self, model_dir: Path, settings: Settings):
        from sentence_transformers import SentenceTransformer

        if settings.threads:
            import torch

            torch.set_num_threads(settings.threads)  # process-wide: torch has no per-model setting
        self.model = SentenceTransformer(str(model_dir), device="cpu")
        self.model.max_seq_length = settings.max_seq_length
        self.dimension = int(self.model.get_embedding_dimension())

    def __call__(self, batch: list[str]) -> np.ndarray:
        return self.model.encode(batch, prompt="", batch_size=len(batch), normalize_embeddings=True,
                                 convert_to_numpy=True)


class _OnnxModel:
    """int8 inference through ONNX Runtime, on the export built at set-up (``model_setup.build_onnx``).

    Neither torch nor sentence-transformers is imported: the graph holds the transformer,
    pooling, dense layers and normalisation, and ``tokenizers`` prepares its input.
    """

    def __init__(self, model_dir: Path, weights_sha256: str, settings: Settings):
        import onnxruntime
        from tokenizers import Tokenizer

        from .model_setup import ONNX_MODEL, onnx_dir, verify_onnx_dir

        folder = onnx_dir(model_dir)
        manifest = verify_onnx_dir(folder, weights_sha256)
        self.recipe = f"{manifest['recipe']}-{manifest['variant']}"
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(settings.max_seq_length)
        self.tokenizer.enable_padding(pad_id=self.tokenizer.token_to_id("<pad>") or 0)
        options = onnxruntime.SessionOptions()
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        # Spinning threads wait for work by burning a core: faster alone, slower beside a busy process.
        options.add_session_config_entry("session.intra_op.allow_spinning", "1" if settings.spin else "0")
        # ...and they would go on spinning after a run, through the search that follows it: a flat search
        # over 40,000 passages took 21 ms after a question instead of 10 (README, Performance).
        options.add_session_config_entry("session.force_spinning_stop", "1")
        options.intra_op_num_threads = settings.threads
        self.session = onnxruntime.InferenceSession(str(folder / ONNX_MODEL), options,
                                                    providers=["CPUExecutionProvider"])
        self.dimension = int(self.session.get_outputs()[0].shape[-1])

    def __call__(self, batch: list[str]) -> np.ndarray:
        encoded = self.tokenizer.encode_batch(batch)
        feed = {"input_ids": np.array([e.ids for e in encoded], dtype=np.int64),
                "attention_mask": np.array([e.attention_mask for e in encoded], dtype=np.int64)}
        return self.session.run(None, feed)[0]


def length_batches(texts: list[str], size: int) -> list[list[int]]:
    """Positions in ``texts``, longest text first, cut into batches of ``size``.

    Texts of similar length waste little on padding. Every path that embeds batches through
    this (one process, or Ray workers handed whole batches), because an int8 vector depends on
    the texts batched with it: dynamic quantisation scales activations per batch.
    """
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]), reverse=True)
    return [order[start:start + size] for start in range(0, len(order), size)]


def document_inputs(texts: list[str], titles: list[str] | None = None) -> list[str]:
    """Passages as EmbeddingGemma's document prompt wants them, with their article titles."""
    titles = titles or ["none"] * len(texts)
    return [f"title: {title or 'none'} | text: {text}" for title, text in zip(titles, texts)]


@runtime_checkable
class Encoder(Protocol):
    """What turns text into unit vectors: questions and passages embed differently (prompts)."""

    info: ModelInfo

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """One unit vector (float32 row) per question, in order."""
        ...

    def encode_documents(self, texts: list[str], titles: list[str] | None = None) -> np.ndarray:
        """One unit vector per passage, in order; ``titles`` are the passages' article titles."""
        ...


class ModelEncoder:
    """EmbeddingGemma with its query and document prompts, on the configured back-end (an ``Encoder``)."""

    def __init__(self, settings: Settings):
        model_dir, weights = resolve_model_dir(settings)
        self.query_prompt = json.loads((model_dir / "config_sentence_transformers.json").read_text("utf-8")
                                       )["prompts"]["query"]
        if settings.backend is Backend.ONNX_INT8:
            self.model = _OnnxModel(model_dir, weights, settings)
        else:
            self.model = _TorchModel(model_dir, settings)
        # An int8 vector depends on how the export was quantised: the recipe and its CPU variant are
        # part of the back-end.
        backend = (settings.backend.value if settings.backend is Backend.TORCH
                   else f"{settings.backend.value}/{self.model.recipe}")
        self.info = ModelInfo(model=settings.model, weights_sha256=weights, dimension=self.model.dimension,
                              backend=backend)
        self.batch_size = settings.batch_size
        # Neither torch modules nor our batching are re-entrant (Gradio serves from a pool).
        self._lock = threading.Lock()

    def embed(self, inputs: list[str]) -> np.ndarray:
        """Unit vectors of texts that already carry their prompt, in input order, in ``length_batches``."""
        out = np.zeros((len(inputs), self.info.dimension), dtype=np.float32)
        with self._lock:
            for rows in length_batches(inputs, self.batch_size):
                out[rows] = self.model([inputs[i] for i in rows])
        return out

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self.embed([self.query_prompt + text for text in texts])

    def encode_documents(self, texts: list[str], titles: list[str] | None = None) -> np.ndarray:
        """Embed passages; EmbeddingGemma's document prompt carries the article title."""
        return self.embed(document_inputs(texts, titles))


def get_encoder(settings: Settings) -> ModelEncoder:
    """The process-wide encoder for these settings (loaded once, whatever the index)."""
    return _encoder(settings.model, settings.models_dir, settings.backend, settings.max_seq_length,
                    settings.batch_size, settings.threads, settings.spin)


@lru_cache(maxsize=4)
def _encoder(model: str, models_dir: Path, backend: Backend, max_seq_length: int, batch_size: int,
             threads: int, spin: bool) -> ModelEncoder:
    return ModelEncoder(Settings(model=model, models_dir=models_dir, backend=backend,
                            max_seq_length=max_seq_length, batch_size=batch_size, threads=threads, spin=spin))

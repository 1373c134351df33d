"""Embedding: the EmbeddingGemma encoder behind ``encode_queries`` / ``encode_documents``.

One model object is loaded per process and shared by every index that uses it.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from .model_setup import verify_model_dir
from .settings import MODEL_ID, Settings

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


class Encoder:
    """Sentence-transformers EmbeddingGemma with its query and document prompts."""

    def __init__(self, settings: Settings):
        from sentence_transformers import SentenceTransformer

        model_dir, weights = resolve_model_dir(settings)
        self.model = SentenceTransformer(str(model_dir), device="cpu")
        self.model.max_seq_length = settings.max_seq_length
        if settings.backend == "int8":
            import torch

            self.model = torch.ao.quantization.quantize_dynamic(self.model, {torch.nn.Linear}, dtype=torch.qint8)
        elif settings.backend != "torch":
            raise ValueError(f"unknown embedding backend {settings.backend!r} (use 'torch' or 'int8')")
        self.batch_size = settings.batch_size
        self.info = ModelInfo(
            model=settings.model,
            weights_sha256=weights,
            dimension=int(self.model.get_embedding_dimension()),
            backend=settings.backend,
        )
        # torch modules are not re-entrant across threads (Gradio serves from a pool).
        self._lock = threading.Lock()

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            vectors = self.model.encode_query(texts, batch_size=self.batch_size, normalize_embeddings=True,
                                              convert_to_numpy=True, show_progress_bar=False)
        return np.asarray(vectors, dtype=np.float32)

    def encode_documents(self, texts: list[str], titles: list[str] | None = None,
                         show_progress_bar: bool = False) -> np.ndarray:
        """Embed passages; EmbeddingGemma's document prompt carries the article title."""
        titles = titles or ["none"] * len(texts)
        prompted = [f"title: {title or 'none'} | text: {text}" for title, text in zip(titles, texts)]
        with self._lock:
            vectors = self.model.encode_document(prompted, prompt="", batch_size=self.batch_size,
                                                 normalize_embeddings=True, convert_to_numpy=True,
                                                 show_progress_bar=show_progress_bar)
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)


def get_encoder(settings: Settings) -> Encoder:
    """The process-wide encoder for these settings (loaded once, whatever the index)."""
    return _encoder(settings.model, settings.models_dir, settings.backend, settings.max_seq_length,
                    settings.batch_size)


@lru_cache(maxsize=4)
def _encoder(model: str, models_dir: Path, backend: str, max_seq_length: int, batch_size: int) -> Encoder:
    return Encoder(Settings(model=model, models_dir=models_dir, backend=backend,
                            max_seq_length=max_seq_length, batch_size=batch_size))

"""Embedding: the EmbeddingGemma encoder behind ``encode_queries`` / ``encode_documents``.

One model object is loaded per process and shared by every index that uses it.
"""

from __future__ import annotations

import json
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


class _TorchModel:
    """fp32 inference through sentence-transformers and torch (the reference)."""

    def __init__(self, model_dir: Path, settings: Settings):
        from sentence_transformers import SentenceTransformer

        if settings.threads:
            import torch

            torch.set_num_threads(settings.threads)  # process-wide: torch has no per-model setting
        self.model = SentenceTransformer(str(model_dir), device="cpu")
        self.model.max_seq_length = settings.max_seq_length
        self.batch_size = settings.batch_size
        self.dimension = int(self.model.get_embedding_dimension())

    def __call__(self, texts: list[str], show_progress_bar: bool = False) -> np.ndarray:
        return self.model.encode(texts, prompt="", batch_size=self.batch_size, normalize_embeddings=True,
                                 convert_to_numpy=True, show_progress_bar=show_progress_bar)


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
        verify_onnx_dir(folder, weights_sha256)
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(settings.max_seq_length)
        self.tokenizer.enable_padding(pad_id=self.tokenizer.token_to_id("<pad>") or 0)
        options = onnxruntime.SessionOptions()
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        # Spinning threads wait for work by burning a core: on a shared 2-core machine that
        # doubled question latency (42 -> 85 ms) whenever another process was busy.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.intra_op_num_threads = settings.threads
        self.session = onnxruntime.InferenceSession(str(folder / ONNX_MODEL), options,
                                                    providers=["CPUExecutionProvider"])
        self.batch_size = settings.batch_size
        self.dimension = int(self.session.get_outputs()[0].shape[-1])

    def __call__(self, texts: list[str], show_progress_bar: bool = False) -> np.ndarray:
        # Batches of similar length waste little on padding; results go back in input order.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]), reverse=True)
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for start in range(0, len(order), self.batch_size):
            rows = order[start:start + self.batch_size]
            encoded = self.tokenizer.encode_batch([texts[i] for i in rows])
            feed = {"input_ids": np.array([e.ids for e in encoded], dtype=np.int64),
                    "attention_mask": np.array([e.attention_mask for e in encoded], dtype=np.int64)}
            out[rows] = self.session.run(None, feed)[0]
        return out


BACKENDS = ("torch", "onnx-int8")


class Encoder:
    """EmbeddingGemma with its query and document prompts, on the configured back-end."""

    def __init__(self, settings: Settings):
        if settings.backend not in BACKENDS:
            raise ValueError(f"unknown embedding backend {settings.backend!r} (use one of {', '.join(BACKENDS)})")
        model_dir, weights = resolve_model_dir(settings)
        self.query_prompt = json.loads((model_dir / "config_sentence_transformers.json").read_text("utf-8")
                                       )["prompts"]["query"]
        if settings.backend == "onnx-int8":
            self.model = _OnnxModel(model_dir, weights, settings)
        else:
            self.model = _TorchModel(model_dir, settings)
        self.info = ModelInfo(model=settings.model, weights_sha256=weights, dimension=self.model.dimension,
                              backend=settings.backend)
        # Neither torch modules nor our batching are re-entrant (Gradio serves from a pool).
        self._lock = threading.Lock()

    def _encode(self, texts: list[str], show_progress_bar: bool = False) -> np.ndarray:
        with self._lock:
            vectors = self.model(texts, show_progress_bar)
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.info.dimension)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode([self.query_prompt + text for text in texts])

    def encode_documents(self, texts: list[str], titles: list[str] | None = None,
                         show_progress_bar: bool = False) -> np.ndarray:
        """Embed passages; EmbeddingGemma's document prompt carries the article title."""
        titles = titles or ["none"] * len(texts)
        return self._encode([f"title: {title or 'none'} | text: {text}" for title, text in zip(titles, texts)],
                            show_progress_bar)


def get_encoder(settings: Settings) -> Encoder:
    """The process-wide encoder for these settings (loaded once, whatever the index)."""
    return _encoder(settings.model, settings.models_dir, settings.backend, settings.max_seq_length,
                    settings.batch_size, settings.threads)


@lru_cache(maxsize=4)
def _encoder(model: str, models_dir: Path, backend: str, max_seq_length: int, batch_size: int,
             threads: int) -> Encoder:
    return Encoder(Settings(model=model, models_dir=models_dir, backend=backend,
                            max_seq_length=max_seq_length, batch_size=batch_size, threads=threads))

"""Distributed ingestion: the document encoder spread over Ray actors.

``RayEncoder`` has the interface ``ingestion.ingest`` expects of an encoder (``info``,
``encode_documents``): it holds ``workers`` Ray actors, each owning the encoder that
``get_encoder(settings)`` gives in its own process, cuts every ``encode_documents`` call into
the batches the single process would embed (``embedding.length_batches``) and hands them to
the workers in turn. The index it builds is the single-process one: same chunk and sentence
ids, same files, same staging (so a killed build resumes either way), vectors equal within
float rounding, on the int8 back-end too. ``ingestion.ingest`` makes one (``ingest_encoder``) when
asked for workers::

    ingest(index_dir, articles, lambda: get_encoder(settings), settings, ray_workers=2)

Ray is an optional extra (``pip install -e '.[distributed]'``) and is imported only here,
only when a ``RayEncoder`` is made. Without ``RAY_ADDRESS`` a private local Ray is started
on loopback (no dashboard) and shut down on ``close()``; with ``RAY_ADDRESS`` that cluster is
joined, and a Ray this process already runs is reused; neither is shut down.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from contextlib import nullcontext

import numpy as np

from .embedding import document_inputs, get_encoder, length_batches
from .settings import Settings

INSTALL_HINT = "pip install -e '.[distributed]'"
# The store only carries one staging part (64 texts, their vectors) per worker at a time.
OBJECT_STORE_BYTES = 128 * 1024 * 1024


class DistributedUnavailableError(RuntimeError):
    """Ray is not installed; the message names the command that installs it."""


def _import_ray():
    try:
        import ray
    except ImportError as error:
        raise DistributedUnavailableError(f"distributed ingestion needs Ray, which is not installed: "
                                          f"{INSTALL_HINT}") from error
    return ray


class _EncoderWorker:
    """What runs inside each Ray actor: one encoder on ``threads`` threads."""

    def __init__(self, settings: Settings, threads: int = 1):
        from .embedding import get_encoder

        # workers share the machine's cores instead of each taking all of them
        self.encoder = get_encoder(settings.with_(threads=threads))

    def info(self):
        return self.encoder.info

    def embed(self, inputs: list[str]) -> np.ndarray:
        return self.encoder.embed(inputs)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self.encoder.encode_queries(texts)


class RayEncoder:
    """``Encoder``'s interface over ``workers`` Ray actors; use it as a context manager (or ``close()`` it)."""

    def __init__(self, settings: Settings, workers: int = 2, threads_per_worker: int = 1):
        if workers < 1:
            raise ValueError(f"workers must be at least 1, not {workers}")
        ray = _import_ray()
        self._ray = ray
        self._batch_size = settings.batch_size
        self._actors: list = []
        self._started = False
        if not ray.is_initialized():
            quiet = {"include_dashboard": False, "log_to_driver": False, "logging_level": logging.ERROR}
            address = os.environ.get("RAY_ADDRESS")
            if address:
                ray.init(address=address, **quiet)
            else:
                os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
                # address="local": never join some other Ray found on a shared machine.
                ray.init(address="local", num_cpus=workers * threads_per_worker, _node_ip_address="127.0.0.1",
                         object_store_memory=OBJECT_STORE_BYTES, **quiet)
                self._started = True
        try:
            actor = ray.remote(num_cpus=threads_per_worker)(_EncoderWorker)
            self._actors = [actor.remote(settings, threads_per_worker) for _ in range(workers)]
            infos = ray.get([a.info.remote() for a in self._actors])
        except BaseException:
            self.close()
            raise
        if len(set(infos)) != 1:
            self.close()
            raise RuntimeError(f"the Ray workers loaded different models: {sorted(set(infos), key=str)}")
        self.info = infos[0]

    @property
    def workers(self) -> int:
        return len(self._actors)

    def encode_documents(self, texts: list[str], titles: list[str] | None = None) -> np.ndarray:
        """Embed passages as ``Encoder.encode_documents`` does: the same ``length_batches``, each
        handed whole to a worker in turn, so every text is embedded beside the same texts (an int8
        vector depends on its batch) and the vectors are the single process's."""
        inputs = document_inputs(list(texts), list(titles) if titles else None)
        batches = length_batches(inputs, self._batch_size)
        futures = [self._actors[number % len(self._actors)].embed.remote([inputs[i] for i in rows])
                   for number, rows in enumerate(batches)]
        out = np.zeros((len(inputs), self.info.dimension), dtype=np.float32)
        for rows, vectors in zip(batches, self._ray.get(futures)):
            out[rows] = vectors
        return out

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """Queries are few and short: the first worker embeds them."""
        return self._ray.get(self._actors[0].encode_queries.remote(list(texts)))

    def close(self) -> None:
        """Stop the workers, and the local Ray if this encoder started it."""
        for actor in self._actors:
            try:
                self._ray.kill(actor)
            except Exception:  # already gone with its Ray
                pass
        self._actors = []
        if self._started:
            self._started = False
            self._ray.shutdown()

    def __enter__(self) -> RayEncoder:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def ingest_encoder(settings: Settings, workers: int | None = None, local: Callable[[], object] | None = None):
    """The encoder a build embeds with, as a context manager: a ``RayEncoder`` on ``workers`` (default
    ``settings.ray_workers``) Ray workers when above 0, else ``local()`` (default this process's encoder).
    ``local`` is only called when no workers are asked for, so the Ray path loads no model here."""
    workers = settings.ray_workers if workers is None else workers
    if workers > 0:
        return RayEncoder(settings, workers=workers)  # stopped when the build ends
    return nullcontext(local() if local else get_encoder(settings))

"""Back-ends and search modes as enums taking their old names; the harness swaps the encoder, not the class."""

from __future__ import annotations

import pytest

from assistant import Assistant
from assistant.evaluation import QueryVectorCache, cached_index_dir, evaluate_gold
from assistant.settings import Backend, Settings, load_settings


def test_a_backend_is_an_enum_that_takes_its_old_name(monkeypatch):
    assert Settings().backend is Backend.ONNX_INT8
    assert Settings(backend="torch").backend is Backend.TORCH
    monkeypatch.setenv("ASSISTANT_BACKEND", "torch")
    assert load_settings().backend is Backend.TORCH
    assert Backend.ONNX_INT8 == "onnx-int8" and f"{Backend.ONNX_INT8}" == "onnx-int8"


def test_an_unknown_backend_is_refused_naming_the_known_ones(monkeypatch):
    with pytest.raises(ValueError, match="unknown embedding backend 'bf17' \\(use one of torch, onnx-int8\\)"):
        Settings(backend="bf17")
    monkeypatch.setenv("ASSISTANT_BACKEND", "fp8")
    with pytest.raises(ValueError, match="'fp8'"):
        load_settings()


def test_the_harness_keeps_one_index_per_backend(tmp_path):
    assert cached_index_dir(tmp_path, "xquad", 3, Settings(backend="torch")).name == "xquad-3"
    assert cached_index_dir(tmp_path, "xquad", 3, Settings()).name == "xquad-3-onnx-int8"


def test_the_harness_embeds_each_question_once_through_an_encoder_given_to_assistant(fake_assistant, fake_encoder):
    report = evaluate_gold(fake_assistant)
    in_corpus = [c for c in report.cases if c.in_corpus]
    assert in_corpus and len(in_corpus) < len(report.cases)
    # each in-corpus question is asked and then searched: the second embedding comes from the cache
    assert 0 < fake_encoder.queries <= len(report.cases)
    assert report.metrics()["citation_validity"] == 1.0


def test_an_assistant_given_a_query_cache_uses_it(fake_assistant, fake_encoder):
    cache = QueryVectorCache(fake_encoder)
    cached = Assistant(index_dir=fake_assistant.index_dir, settings=fake_assistant.settings, encoder=cache)
    first = cached.ask("كم عدد مقاتلي لواء القدس؟")
    again = cached.search("كم عدد مقاتلي لواء القدس؟")[1]
    assert cache.embedded == 1 and fake_encoder.queries == 1
    assert first.citations and again

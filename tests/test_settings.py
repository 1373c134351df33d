"""Settings: defaults, then ASSISTANT_* variables, then explicit overrides."""

import os
from pathlib import Path

import pytest

from assistant.settings import Settings, load_settings


def test_environment_variables_are_read_with_their_field_types(monkeypatch):
    monkeypatch.setenv("ASSISTANT_BATCH_SIZE", "4")
    monkeypatch.setenv("ASSISTANT_SPIN", "yes")
    monkeypatch.setenv("ASSISTANT_MIN_SCORE_EN", "0.4")
    monkeypatch.setenv("ASSISTANT_INDEX_DIR", "/tmp/some-index")
    settings = load_settings()
    assert (settings.batch_size, settings.spin, settings.min_score_en) == (4, True, 0.4)
    assert settings.index_dir == Path("/tmp/some-index")
    monkeypatch.setenv("ASSISTANT_SPIN", "0")
    assert load_settings().spin is False
    assert load_settings(batch_size=2).batch_size == 2  # an explicit override wins


def test_a_yes_no_setting_refuses_other_words(monkeypatch):
    monkeypatch.setenv("ASSISTANT_SPIN", "maybe")
    with pytest.raises(ValueError, match="yes/no"):
        load_settings()


def test_defaults_need_no_environment(monkeypatch):
    for name in [n for n in os.environ if n.startswith("ASSISTANT_")]:
        monkeypatch.delenv(name)
    assert load_settings() == Settings()


def test_an_empty_variable_keeps_the_default(monkeypatch):
    monkeypatch.setenv("ASSISTANT_SPIN", "")
    monkeypatch.setenv("ASSISTANT_INDEX_DIR", " ")
    monkeypatch.setenv("ASSISTANT_BATCH_SIZE", "")
    settings = load_settings()
    assert (settings.spin, settings.index_dir, settings.batch_size) == (True, Settings().index_dir, 8)

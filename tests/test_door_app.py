"""The app at the door: logins throttled per client address, uploads limited, a damaged index served with its
message, and the JSON API's history checked by the API. Fake encoder: no model."""

from __future__ import annotations

import shutil

import gradio as gr
import httpx
import pytest

from assistant import Assistant
from assistant.app import _text, build_app, launch, make_handlers, new_session, warm_up
from assistant.login import LoginThrottle, client_address
from assistant.storage import IndexLoadError

from conftest import FakeEncoder, copy_fake_index, free_port


@pytest.fixture(scope="module")
def served(fake_index, tmp_path_factory) -> Assistant:
    """The seed articles on the fake encoder, once for the tests that only read them."""
    return Assistant(index_dir=copy_fake_index(fake_index, tmp_path_factory.mktemp("door-app") / "index"),
                     encoder=FakeEncoder())


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_after_five_failures_an_address_waits_longer_at_each_failure():
    clock = Clock()
    throttle = LoginThrottle(5, 1.0, 8.0, clock)
    assert [throttle.attempt("a") for _ in range(5)] == [0.0] * 5  # each counted as a failure
    assert throttle.attempt("a") == pytest.approx(1.0) and throttle.attempt("b") == 0.0
    waits = []
    for _ in range(6):
        clock.now += throttle.attempt("a")  # wait it out, then fail again
        assert throttle.attempt("a") == 0.0
        waits.append(throttle.attempt("a"))
    assert waits == [2.0, 4.0, 8.0, 8.0, 8.0, 8.0]  # doubled, up to the ceiling
    clock.now += 8.0
    assert throttle.attempt("a") == 0.0
    throttle.succeeded("a")  # a right password forgets the failures
    assert [throttle.attempt("a") for _ in range(5)] == [0.0] * 5


def test_the_table_of_clients_stays_bounded():
    throttle = LoginThrottle(1, 1.0, 1.0, Clock(), max_clients=3)
    for n in range(10):
        throttle.attempt(f"10.0.0.{n}")
    assert len(throttle._records) == 3
    assert throttle.attempt("10.0.0.9") > 0  # the most recent kept


def test_forwarded_for_is_read_only_when_trusted():
    scope = {"client": ("127.0.0.1", 5000), "headers": [(b"x-forwarded-for", b"6.6.6.6, 203.0.113.7")]}
    assert client_address(scope) == "127.0.0.1"
    assert client_address(scope, trust_forwarded_for=True) == "203.0.113.7"
    assert client_address({"client": None, "headers": []}) == "unknown"


def _login(client: httpx.Client, url: str, password: str) -> httpx.Response:
    return client.post(f"{url}/login", data={"username": "editor", "password": password})


def test_twenty_failed_logins_are_throttled_while_another_address_logs_in(served: Assistant):
    port = free_port()
    app = build_app(served)
    launch(app, "127.0.0.1", port, auth=("editor", "right-password"), block=False, settings=served.settings)
    url = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(timeout=10) as attacker, \
                httpx.Client(timeout=10, transport=httpx.HTTPTransport(local_address="127.0.0.2")) as user:
            codes = [_login(attacker, url, f"guess-{n}").status_code for n in range(20)]
            assert codes == [400] * 5 + [429] * 15
            refused = _login(attacker, url, "right-password")  # refused unread, even when right
            assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
            assert "Too many failed logins" in refused.json()["detail"] and "محاولات" in refused.json()["detail"]
            ok = _login(user, url, "right-password")
            assert ok.status_code == 200 and ok.json() == {"success": True}
    finally:
        app.close()


def _damage(current, how: str) -> None:
    if how == "flip":
        data = bytearray(current.read_bytes())
        data[0] ^= 0x01  # "gen-..." -> "fen-...": names a folder that is not there
        current.write_bytes(bytes(data))
    elif how == "empty":
        current.write_bytes(b"")
    else:
        current.unlink()


@pytest.mark.parametrize("how", ["flip", "empty", "delete"])
def test_a_damaged_index_is_served_and_the_page_says_what_is_wrong(served, tmp_path, how):
    damaged = tmp_path / "damaged"
    shutil.copytree(served.index_dir, damaged)
    _damage(damaged / "CURRENT", how)
    assistant = Assistant(index_dir=damaged, encoder=FakeEncoder())
    with pytest.raises(IndexLoadError) as caught:
        assistant.index  # noqa: B018
    message = str(caught.value)
    warm_up(assistant)  # serve starts anyway
    build_app(assistant)
    handlers = make_handlers(assistant)
    corpus, _ = handlers.corpus_view()
    assert _text(message) in corpus and "role='alert'" in corpus
    _, _, _, _, notice, *_ = handlers.chat_turn("من يقود لواء القدس؟", new_session())
    assert _text(message) in notice and "تعذّرت الإجابة" in notice
    with pytest.raises(gr.Error, match="rebuild"):
        handlers.ask_api("من يقود لواء القدس؟", [])


def test_an_upload_over_the_limit_is_refused_and_the_others_added(fake_assistant, tmp_path):
    assistant = Assistant(index_dir=fake_assistant.index_dir, encoder=fake_assistant.encoder,
                          settings=fake_assistant.settings.with_(max_upload_bytes=400))
    small, big = tmp_path / "small.txt", tmp_path / "big.txt"
    small.write_text("مقال قصير\n\nقالت مصادر إن الفصيل انسحب من القرية.", "utf-8")
    big.write_text("مقال طويل\n\n" + "كلمة " * 200, "utf-8")
    status, corpus, _ = make_handlers(assistant).ingest([str(small), str(big)], progress=lambda *a, **k: None)
    assert "1 added" in status
    assert _text(f"big.txt: the file has {big.stat().st_size:,} bytes; the upload limit is 400 "
                 "(max_upload_bytes (ASSISTANT_MAX_UPLOAD_BYTES))") in status
    assert str(tmp_path) not in status  # the name people chose, not the temp path
    status, _, _ = make_handlers(assistant).ingest([str(big)], progress=lambda *a, **k: None)
    assert "Nothing was added / لم يُضف شيء" in status


def test_an_upload_reusing_an_indexed_id_is_refused_unless_replace_is_ticked(fake_assistant, tmp_path):
    seed = fake_assistant.articles()[0]
    upload = tmp_path / f"{seed.id}.txt"  # a .txt file's id is its name: the seed's id, other text
    upload.write_text("عنوان آخر\n\nنص مختلف تماماً عن المقال المفهرس بهذا المعرّف.", "utf-8")
    ingest = make_handlers(fake_assistant).ingest
    status, _, _ = ingest([str(upload)], False, progress=lambda *a, **k: None)
    assert "0 replaced" in status and _text(f"article {seed.id} is already indexed with other content") in status
    assert fake_assistant.index.articles[seed.id].text == seed.text  # nothing replaced silently
    status, _, _ = ingest([str(upload)], True, progress=lambda *a, **k: None)
    assert _text(f"1 replaced ({seed.id})") in status and "استُبدلت 1" in status  # named, in both languages
    assert "نص مختلف" in fake_assistant.index.articles[seed.id].text


@pytest.mark.parametrize("history", ["not a list", [{"role": "user", "content": 5}], [["user", "hi"]], {"a": 1}])
def test_the_json_api_refuses_a_malformed_history_with_the_apis_reason(served, history):
    with pytest.raises(gr.Error, match="history"):
        make_handlers(served).ask_api("من يقود لواء القدس؟", history)


def test_the_json_api_answers_with_a_well_formed_history(served):
    answer = make_handlers(served).ask_api("ومن يقودها؟", ({"role": "user", "content": "ميليشيا الباقر\x00"},))
    assert answer["language"] == "ar" and answer["citations"] + answer["related"]
    assert answer["question"] == "ومن يقودها؟"
    for citation in answer["citations"] + answer["related"]:
        assert served.index.articles[citation["article_id"]].text[citation["start"]:citation["end"]] == citation["text"]


def test_a_long_chat_keeps_answering_and_keeps_questions_as_searched(served):
    chat_turn = make_handlers(served).chat_turn
    session = new_session()
    session["history"] = [{"role": role, "content": "ميليشيا الباقر " * 50} for role in ("user", "assistant")] * 150
    textbox, _, session, _, notice, *_ = chat_turn("\x00ومن يقودها؟\ud800", session)
    assert (textbox, notice) == ("", "")  # answered: the chat sent is its latest turns, within the limits
    assert session["history"][-2]["content"] == "ومن يقودها؟"
    assert "\x00" not in session["display"][-2]["content"]

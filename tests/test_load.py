"""Bounded load tests on loopback: 8 gradio_client clients x 25 questions, zero errors.

``python ui.py`` runs as a subprocess over a private index; every client calls the
app's named ``/ask`` endpoint. Each request has a timeout and the whole run a budget.
Under load every answer must equal the one given to a lone client (a race in the
shared model or index would show as a difference). p50/p95 latency, as the clients
see it, is printed and written to ``artifacts/load.json``. The second test runs the
same load while ``assistant ingest`` (another process) adds 20 articles to the index
the server answers from, and then asks the server about one of them: no restart.
"""

import json
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor, wait
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import free_port

pytestmark = [
    pytest.mark.browser,
    # Gradio's queue calls pandas APIs that pandas 3 deprecates; not ours to fix.
    pytest.mark.filterwarnings("ignore::pandas.errors.Pandas4Warning"),
]

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "artifacts"

CLIENTS = 8
QUESTIONS_PER_CLIENT = 25
REQUEST_TIMEOUT_S = 60
RUN_BUDGET_S = 300
STARTUP_TIMEOUT_S = 180

LIWA = [{"role": "user", "content": "Who trained Liwa al-Quds?"},
        {"role": "assistant", "content": "The indexed articles do not answer this question."}]
# (question, history): English and Arabic, in the corpus and out of it, and a follow-up.
QUESTIONS = [
    ("Which Russian company trained Liwa al-Quds?", None),
    ("How many fighters does Liwa al-Quds have?", None),
    ("من يقود ميليشيا الباقر؟", None),
    ("كم عدد مقاتلي لواء القدس؟", None),
    ("ما هي الميليشيات التي شكلتها روسيا؟", None),
    ("How many fighters does it have?", LIWA),
    ("What is the capital of France?", None),
    ("ما هي عاصمة فرنسا؟", None),
    ("Who won the 2018 FIFA World Cup?", None),
]


def _wait_for(url: str, process: subprocess.Popen, log_path: Path) -> None:
    """Until the page answers; the server's log is shown if it fails to start."""
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while True:
        if process.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"ui.py did not start:\n{log_path.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)


@contextmanager
def _serving(index: Path, log_path: Path):
    """``python ui.py`` over ``index`` on a free loopback port, until the block ends: its URL."""
    port = free_port()
    with open(log_path, "wb") as log:
        process = subprocess.Popen([sys.executable, str(REPO / "ui.py"), "--port", str(port), "--index", str(index)],
                                   cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_for(url, process, log_path)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="module")
def server_url(tmp_path_factory, seed_index):
    """A server over a private copy of the seed index, shared by the module's idle test."""
    tmp = tmp_path_factory.mktemp("load")
    shutil.copytree(seed_index, tmp / "index")
    with _serving(tmp / "index", tmp / "server.log") as url:
        yield url


def _key(answer: dict) -> tuple:
    """What must not change under load: the verdict and the exact spans cited."""
    cited = answer["citations"] if answer["answered"] else answer["related"]
    return answer["answered"], tuple((c["article_id"], c["start"], c["end"]) for c in cited)


def _client(url: str):
    from gradio_client import Client

    return Client(url, verbose=False)


def _expected(url: str) -> dict[str, tuple]:
    """What a lone client gets for each question; this also warms the server up."""
    lone = _client(url)
    return {question: _key(lone.submit(question, history, api_name="/ask").result(timeout=REQUEST_TIMEOUT_S))
            for question, history in QUESTIONS}


def _load_run(url: str) -> tuple[dict, list[tuple[str, tuple | None, str | None]]]:
    """CLIENTS clients asking QUESTIONS_PER_CLIENT questions each, at once: the latency figures, and each
    request's (question, answer key, error)."""

    def run_client(number: int) -> list[tuple[float, str, tuple | None, str | None]]:
        client = _client(url)
        seen = []
        for i in range(QUESTIONS_PER_CLIENT):
            question, history = QUESTIONS[(number + i) % len(QUESTIONS)]
            started = time.perf_counter()
            try:
                answer = client.submit(question, history, api_name="/ask").result(timeout=REQUEST_TIMEOUT_S)
                seen.append((time.perf_counter() - started, question, _key(answer), None))
            except Exception as error:  # a timeout or a server error: both count
                seen.append((time.perf_counter() - started, question, None, f"{type(error).__name__}: {error}"))
        return seen

    started = time.perf_counter()
    with ThreadPoolExecutor(CLIENTS) as pool:
        futures = [pool.submit(run_client, n) for n in range(CLIENTS)]
        done, late = wait(futures, timeout=RUN_BUDGET_S)
        assert not late, f"the load run took over {RUN_BUDGET_S} s"
    wall = time.perf_counter() - started

    results = [r for f in futures for r in f.result()]
    latencies = sorted(r[0] for r in results)
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    report = {
        "clients": CLIENTS,
        "questions_per_client": QUESTIONS_PER_CLIENT,
        "requests": len(results),
        "p50_s": round(cuts[49], 3),
        "p95_s": round(cuts[94], 3),
        "max_s": round(latencies[-1], 3),
        "wall_s": round(wall, 2),
        "requests_per_s": round(len(results) / wall, 2),
    }
    assert len(results) == CLIENTS * QUESTIONS_PER_CLIENT
    return report, [r[1:] for r in results]


def _errors(report: dict, answers: list, allowed: dict[str, set]) -> list[str]:
    """Requests that failed, or got an answer no lone client got (a race in the model or the index)."""
    errors = [f"{question!r}: {error}" if error else f"{question!r}: a different answer"
              for question, key, error in answers if error or key not in allowed[question]]
    report.update(errors=len(errors), first_errors=errors[:5])
    return errors


def _write_report(name: str, report: dict) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "load.json"
    reports = json.loads(path.read_text("utf-8")) if path.is_file() else {}
    reports = reports if isinstance(reports, dict) and "requests" not in reports else {}
    reports[name] = report
    path.write_text(json.dumps(reports, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nload ({name}): {report['requests']} requests from {CLIENTS} clients in {report['wall_s']} s; "
          f"p50 {report['p50_s']} s, p95 {report['p95_s']} s, max {report['max_s']} s; {report['errors']} errors")


def test_concurrent_clients(server_url):
    expected = _expected(server_url)
    report, answers = _load_run(server_url)
    errors = _errors(report, answers, {q: {key} for q, key in expected.items()})
    _write_report("idle", report)
    assert errors == [], errors


# An article no seed names, so that an answer citing it can only come from the ingestion made while serving.
NEW_ARTICLE = {
    "id": "load-new-1", "title": "تشكيل لواء النسر الذهبي في ريف دير الزور", "source": "load test",
    "text": "أعلن فصيل جديد يحمل اسم لواء النسر الذهبي عن تشكيله في ريف دير الزور الشرقي. "
            "ويقود لواء النسر الذهبي القائد ماهر الدباغ، ويضم نحو 450 مقاتلاً من أبناء العشائر. "
            "وقال الناطق باسم اللواء إن مقاتليه ينتشرون في بلدات الشعيطات وهجين والسوسة.",
}


def _twenty_articles(folder: Path) -> Path:
    """19 SaudiNewsNet articles naming Syria with militias (read from ../shared, written only to a temp
    folder) and the one above, as one .jsonl file."""
    from assistant.evaluation import mentions_syria_militias, read_saudinewsnet

    rows = [NEW_ARTICLE]
    for number, record in enumerate(read_saudinewsnet()):
        text = record.get("content") or ""
        if 1500 <= len(text) <= 5000 and mentions_syria_militias(text):
            rows.append({"id": f"load-snn-{number}", "title": record.get("title") or "untitled", "text": text,
                         "source": record.get("source") or ""})
        if len(rows) == 20:
            break
    path = folder / "twenty.jsonl"
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), "utf-8")
    return path


@pytest.fixture
def served_index(tmp_path, seed_index):
    """A server over a private copy of the seed index: (url, index folder)."""
    shutil.copytree(seed_index, tmp_path / "index")
    with _serving(tmp_path / "index", tmp_path / "server.log") as url:
        yield url, tmp_path / "index"


def test_load_while_twenty_articles_are_ingested_by_another_process(served_index, tmp_path):
    pytest.importorskip("gradio_client")
    from assistant.evaluation import SHARED_DIR

    if not (SHARED_DIR / "data" / "saudinewsnet").is_dir():
        pytest.skip("needs ../shared/data/saudinewsnet")
    url, index = served_index
    before = _expected(url)
    idle, idle_answers = _load_run(url)
    articles = _twenty_articles(tmp_path)
    with open(tmp_path / "ingest.log", "wb") as log:
        ingest = subprocess.Popen([sys.executable, "-m", "assistant.cli", "ingest", str(articles), "--index",
                                   str(index)], cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
    try:
        # the load starts once the ingestion is embedding (its staging folder exists)
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not (index / ".staging").exists() and ingest.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        during, during_answers = _load_run(url)
        during["ingestion_still_running_at_end"] = ingest.poll() is None
        assert ingest.wait(timeout=1200) == 0, (tmp_path / "ingest.log").read_text(errors="replace")[-2000:]
    finally:
        if ingest.poll() is None:
            ingest.kill()
    # while it ran, an answer is the one of the index before the ingestion or after it, nothing else
    after = _expected(url)
    idle_errors = _errors(idle, idle_answers, {q: {key} for q, key in before.items()})
    during_errors = _errors(during, during_answers, {q: {before[q], after[q]} for q in before})
    during["idle_p95_s"] = idle["p95_s"]
    during["p95_over_idle"] = round(during["p95_s"] / idle["p95_s"], 2)
    _write_report("idle, same run", idle)
    _write_report("while 20 articles are ingested", during)
    assert idle_errors == [] and during_errors == [], (idle_errors + during_errors)[:5]
    assert "20 added" in (tmp_path / "ingest.log").read_text(errors="replace")
    # the server answers from the generation the other process wrote: no restart
    answer = _client(url).submit("من يقود لواء النسر الذهبي؟", None, api_name="/ask").result(timeout=REQUEST_TIMEOUT_S)
    assert answer["answered"] and answer["citations"][0]["article_id"] == NEW_ARTICLE["id"], answer
    cited = answer["citations"][0]
    assert NEW_ARTICLE["text"][cited["start"]:cited["end"]] == cited["text"]

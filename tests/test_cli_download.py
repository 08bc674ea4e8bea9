"""`playground download` against a local HTTP server on 127.0.0.1 (tests/helpers/download_server.py),
never the internet: files placed and checked, offline and bad checksums said clearly, bad arguments
exit 2."""

from __future__ import annotations

import numpy as np
import pytest

from playground.cli import main

from helpers.cli import last_json, playground
from helpers.download_server import closed_port_url, mnist_files, npy_bytes, serve

# ---------------------------------------------------------------------------
# playground download, against the local server


def test_download_quickdraw_from_local_server_then_train(file_server, tmp_path):
    rng = np.random.default_rng(3)
    files = {f"{name}.npy": npy_bytes(rng.integers(0, 256, (40, 784), dtype=np.uint8)) for name in ("cat", "tractor")}
    serve(file_server, files)
    run = playground(
        "download", "quickdraw", "--categories", "cat,tractor", "--data-dir", str(tmp_path), "--mirror", file_server.url
    )
    assert run.returncode == 0, run.stderr
    assert f"quickdraw: ready in {tmp_path / 'quickdraw'}" in run.stdout
    for file_name, content in files.items():
        assert (tmp_path / "quickdraw" / file_name).read_bytes() == content
    assert "cat.npy" in run.stderr  # the progress bar names the file
    run = playground(
        "train",
        "--data",
        "quickdraw",
        "--categories",
        "cat,tractor",
        "--data-dir",
        str(tmp_path),
        "--layers",
        "8",
        "--epochs",
        "1",
        "--json",
        "--quiet",
    )
    assert run.returncode == 0, run.stderr
    assert last_json(run)["train_samples"] == 64


def test_download_offline_exits_1_with_a_clear_message(tmp_path):
    run = playground("download", "mnist", "--data-dir", str(tmp_path), "--mirror", closed_port_url(), "--quiet")
    assert run.returncode == 1
    assert "download of mnist failed" in run.stderr and "cannot reach 127.0.0.1" in run.stderr
    assert "Traceback" not in run.stderr
    assert not any((tmp_path / "mnist").glob("*.gz"))


def test_download_checksum_mismatch_exits_1_and_places_nothing(file_server, tmp_path, capsys):
    serve(file_server, mnist_files(20))  # not the publisher's files: every MD5 differs
    assert main(["download", "mnist", "--data-dir", str(tmp_path), "--mirror", file_server.url, "--quiet"]) == 1
    error = capsys.readouterr().err
    assert "failed its check" in error and "MD5" in error
    assert list((tmp_path / "mnist").iterdir()) == []


@pytest.mark.parametrize(
    "args,message",
    [
        (["digits"], "invalid choice: 'digits'"),
        (["quickdraw", "--categories", "../etc"], "is not a Quick, Draw! category name"),
    ],
)
def test_download_bad_arguments_exit_2(args, message, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["download", *args, "--data-dir", str(tmp_path)])
    assert exit_info.value.code == 2 and message in capsys.readouterr().err


def test_download_categories_for_another_set_exit_2(tmp_path, capsys):
    assert main(["download", "mnist", "--categories", "cat", "--data-dir", str(tmp_path)]) == 2
    assert "--categories applies to quickdraw only" in capsys.readouterr().err
    assert not (tmp_path / "mnist").exists()

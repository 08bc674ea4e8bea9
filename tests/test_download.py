"""Downloads against a small HTTP server on 127.0.0.1 (Range/206 support, and a mode that cuts transfers)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from playground.data.download import (
    DOWNLOADABLE,
    MANIFEST_PATH,
    ChecksumError,
    DownloadError,
    OfflineError,
    download_dataset,
)
from playground.data.images import (
    QUICKDRAW_CATEGORIES,
    load_cifar10,
    load_mnist,
    load_quickdraw,
)

from helpers.download_server import cifar_archive, closed_port_url, manifest_for, mnist_files, npy_bytes, serve

# ---------------------------------------------------------------------------
# The local server


# ---------------------------------------------------------------------------
# Fixture content in the official formats


# ---------------------------------------------------------------------------
# The real manifest


def test_manifest_lists_every_downloadable_set_with_publisher_md5s():
    manifest = json.loads(MANIFEST_PATH.read_text())["datasets"]
    assert set(manifest) == set(DOWNLOADABLE)
    for name in ("mnist", "fashion-mnist", "cifar-10"):
        for spec in manifest[name]["files"]:
            assert len(spec["md5"]) == 32 and int(spec["md5"], 16) >= 0
    assert [spec["name"] for spec in manifest["mnist"]["files"]] == [
        "train-images-idx3-ubyte.gz",
        "train-labels-idx1-ubyte.gz",
        "t10k-images-idx3-ubyte.gz",
        "t10k-labels-idx1-ubyte.gz",
    ]
    assert manifest["mnist"]["files"][0]["md5"] == "f68b3c2dcbeaaa9fbdd348bbdeb94873"
    assert manifest["cifar-10"]["files"][0]["md5"] == "c32a1d4ab5d03f1284b67883e8d87530"
    assert tuple(manifest["quickdraw"]["categories"]) == QUICKDRAW_CATEGORIES


def test_unknown_name():
    with pytest.raises(ValueError, match="cannot download 'digits'.*needs no download"):
        download_dataset("digits")


# ---------------------------------------------------------------------------
# Downloads


def test_download_places_verified_files_and_loads(file_server, tmp_path):
    files = mnist_files()
    serve(file_server, files)
    folder = download_dataset("mnist", tmp_path, base_url=file_server.url, progress=False, manifest=manifest_for(files))
    assert folder == tmp_path / "mnist"
    assert sorted(path.name for path in folder.iterdir()) == sorted(files)
    assert load_mnist(tmp_path).train_images.shape == (300, 28, 28)
    # A second run finds intact files and asks for nothing.
    file_server.state.requests.clear()
    download_dataset("mnist", tmp_path, base_url=file_server.url, progress=False, manifest=manifest_for(files))
    assert file_server.state.requests == []


def test_progress_goes_to_stderr(file_server, tmp_path, capsys):
    files = mnist_files(20)
    serve(file_server, files)
    download_dataset("mnist", tmp_path, base_url=file_server.url, progress=True, manifest=manifest_for(files))
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "train-images-idx3-ubyte.gz" in captured.err


def test_checksum_mismatch_deletes_and_raises(file_server, tmp_path):
    files = mnist_files(20)
    serve(file_server, files)
    manifest = manifest_for(files)
    manifest["datasets"]["mnist"]["files"][1]["md5"] = "0" * 32
    with pytest.raises(
        ChecksumError,
        match=r"train-labels-idx1-ubyte\.gz: the downloaded file failed its check "
        r"\(MD5 [0-9a-f]{32}, the publisher's is 0{32}\); it was deleted",
    ):
        download_dataset("mnist", tmp_path, base_url=file_server.url, progress=False, manifest=manifest)
    folder = tmp_path / "mnist"
    assert not (folder / "train-labels-idx1-ubyte.gz").exists()
    assert not list(folder.glob("*.part"))
    assert (folder / "train-images-idx3-ubyte.gz").exists()  # the file before it was fine


def test_corrupt_file_on_disk_is_downloaded_again(file_server, tmp_path):
    files = mnist_files(20)
    serve(file_server, files)
    folder = tmp_path / "mnist"
    folder.mkdir()
    (folder / "t10k-labels-idx1-ubyte.gz").write_bytes(b"corrupt")
    download_dataset("mnist", tmp_path, base_url=file_server.url, progress=False, manifest=manifest_for(files))
    assert (folder / "t10k-labels-idx1-ubyte.gz").read_bytes() == files["t10k-labels-idx1-ubyte.gz"]


def test_interrupted_transfer_is_resumed_with_range(file_server, tmp_path):
    files = mnist_files()
    serve(file_server, files)
    file_server.state.cuts = 1  # the first response breaks off halfway
    download_dataset("mnist", tmp_path, base_url=file_server.url, progress=False, manifest=manifest_for(files))
    content = files["train-images-idx3-ubyte.gz"]
    assert (tmp_path / "mnist" / "train-images-idx3-ubyte.gz").read_bytes() == content
    assert file_server.state.requests[:2] == [
        ("/data/train-images-idx3-ubyte.gz", None),
        ("/data/train-images-idx3-ubyte.gz", f"bytes={len(content) // 2}-"),
    ]


def test_interrupted_download_keeps_part_and_resumes_next_time(file_server, tmp_path):
    files = mnist_files()
    serve(file_server, files)
    file_server.state.cuts = 100  # every response breaks off
    manifest = manifest_for(files)
    with pytest.raises(
        DownloadError,
        match=r"train-images-idx3-ubyte\.gz: the connection closed after .* bytes; "
        r"the .* bytes received are kept in .*\.part, run the download again to resume",
    ):
        download_dataset("mnist", tmp_path, base_url=file_server.url, progress=False, manifest=manifest, retries=1)
    folder = tmp_path / "mnist"
    target, part = folder / "train-images-idx3-ubyte.gz", folder / "train-images-idx3-ubyte.gz.part"
    assert not target.exists()  # nothing partial in place
    kept = part.stat().st_size
    assert 0 < kept < len(files["train-images-idx3-ubyte.gz"])
    file_server.state.cuts = 0
    file_server.state.requests.clear()
    download_dataset("mnist", tmp_path, base_url=file_server.url, progress=False, manifest=manifest)
    assert file_server.state.requests[0] == ("/data/train-images-idx3-ubyte.gz", f"bytes={kept}-")
    assert target.read_bytes() == files["train-images-idx3-ubyte.gz"]
    assert not list(folder.glob("*.part"))


def test_server_without_range_support_restarts_cleanly(file_server, tmp_path):
    files = mnist_files()
    serve(file_server, files)
    file_server.state.ranges = False
    folder = tmp_path / "mnist"
    folder.mkdir()
    (folder / "train-images-idx3-ubyte.gz.part").write_bytes(files["train-images-idx3-ubyte.gz"][:1000])
    download_dataset("mnist", tmp_path, base_url=file_server.url, progress=False, manifest=manifest_for(files))
    assert (folder / "train-images-idx3-ubyte.gz").read_bytes() == files["train-images-idx3-ubyte.gz"]


def test_stale_part_failing_the_checksum_is_fetched_afresh(file_server, tmp_path):
    files = mnist_files()
    serve(file_server, files)
    folder = tmp_path / "mnist"
    folder.mkdir()
    (folder / "train-images-idx3-ubyte.gz.part").write_bytes(b"x" * 1000)  # not the start of the file
    download_dataset("mnist", tmp_path, base_url=file_server.url, progress=False, manifest=manifest_for(files))
    assert (folder / "train-images-idx3-ubyte.gz").read_bytes() == files["train-images-idx3-ubyte.gz"]
    assert ("/data/train-images-idx3-ubyte.gz", "bytes=1000-") in file_server.state.requests


def test_complete_part_is_verified_and_placed(file_server, tmp_path):
    files = mnist_files(20)
    serve(file_server, files)
    folder = tmp_path / "mnist"
    folder.mkdir()
    # As if a run crashed after the transfer but before os.replace:
    (folder / "t10k-labels-idx1-ubyte.gz.part").write_bytes(files["t10k-labels-idx1-ubyte.gz"])
    download_dataset("mnist", tmp_path, base_url=file_server.url, progress=False, manifest=manifest_for(files))
    assert (folder / "t10k-labels-idx1-ubyte.gz").read_bytes() == files["t10k-labels-idx1-ubyte.gz"]


def test_offline_error_names_host_and_what_to_do(tmp_path):
    files = mnist_files(5)
    with pytest.raises(
        OfflineError,
        match=r"cannot reach 127\.0\.0\.1:\d+ \(.*\): no connection for "
        r"train-images-idx3-ubyte\.gz; copy the files into .*mnist or pass --data-dir",
    ):
        download_dataset("mnist", tmp_path, base_url=closed_port_url(), progress=False, manifest=manifest_for(files))
    assert list((tmp_path / "mnist").iterdir()) == []


def test_http_error_is_reported(file_server, tmp_path):
    files = mnist_files(5)
    with pytest.raises(DownloadError, match=r"could not download train-images-idx3-ubyte\.gz: .*HTTP 404"):
        download_dataset("mnist", tmp_path, base_url=file_server.url, progress=False, manifest=manifest_for(files))


def test_next_mirror_is_tried(file_server, tmp_path):
    files = mnist_files(5)
    serve(file_server, files)
    manifest = manifest_for(files, mirrors=[closed_port_url(), file_server.url])
    download_dataset("mnist", tmp_path, progress=False, manifest=manifest)
    assert load_mnist(tmp_path).test_images.shape == (5, 28, 28)


def test_quickdraw_checks_format_and_places_files(file_server, tmp_path):
    rows = np.random.default_rng(3).integers(0, 256, (30, 784), dtype=np.uint8)
    serve(file_server, {"cat.npy": npy_bytes(rows), "house plant.npy": npy_bytes(rows[:10])})
    manifest = {"datasets": {"quickdraw": {"folder": "quickdraw", "mirrors": [], "categories": ["cat"]}}}
    download_dataset(
        "quickdraw", tmp_path, base_url=file_server.url, progress=False, manifest=manifest, categories="cat,house plant"
    )
    assert ("/data/house plant.npy", None) in file_server.state.requests  # the space is URL-quoted on the wire
    data = load_quickdraw(tmp_path, categories=["cat", "house plant"])
    assert np.array_equal(data.train_images[:24].reshape(24, 784), rows[:24])


@pytest.mark.parametrize(
    "content, problem",
    [
        (npy_bytes(np.zeros((5, 784), np.float32)), r"holds float32 data of shape \(5, 784\)"),
        (npy_bytes(np.zeros((5, 784), np.uint8))[:-7], r"the header promises 5 × 784 bytes .*\(truncated\)"),
        (b"<html>Not here</html>", r"not a valid \.npy file"),
    ],
)
def test_quickdraw_bad_file_is_never_placed(file_server, tmp_path, content, problem):
    serve(file_server, {"octopus.npy": content})
    manifest = {"datasets": {"quickdraw": {"folder": "quickdraw", "mirrors": [], "categories": []}}}
    with pytest.raises(ChecksumError, match=r"octopus\.npy: the downloaded file failed its check \(" + problem):
        download_dataset(
            "quickdraw", tmp_path, base_url=file_server.url, progress=False, manifest=manifest, categories=["octopus"]
        )
    assert list((tmp_path / "quickdraw").iterdir()) == []


def test_cifar_archive_is_verified_extracted_and_removed(file_server, tmp_path):
    archive = cifar_archive({"cifar-10-batches-bin/../../escape.bin": b"x", "other/test_batch.bin": b"y"})
    serve(file_server, {"cifar-10-binary.tar.gz": archive})
    extract = ["batches.meta.txt"] + [f"data_batch_{i}.bin" for i in range(1, 6)] + ["test_batch.bin"]
    manifest = manifest_for({"cifar-10-binary.tar.gz": archive}, "cifar-10")
    manifest["datasets"]["cifar-10"]["files"][0].update(extract_from="cifar-10-batches-bin/", extract=extract)
    folder = download_dataset("cifar-10", tmp_path, base_url=file_server.url, progress=False, manifest=manifest)
    assert sorted(path.name for path in folder.iterdir()) == sorted(extract)  # archive gone, nothing else
    assert not (tmp_path / "escape.bin").exists()
    data = load_cifar10(tmp_path)
    assert data.train_images.shape == (20, 32, 32, 3) and data.test_images.shape == (4, 32, 32, 3)
    file_server.state.requests.clear()
    download_dataset("cifar-10", tmp_path, base_url=file_server.url, progress=False, manifest=manifest)
    assert file_server.state.requests == []  # already extracted


def test_cifar_bad_archive_checksum(file_server, tmp_path):
    archive = cifar_archive()
    corrupt = bytearray(archive)
    corrupt[len(corrupt) // 2] ^= 0xFF
    serve(file_server, {"cifar-10-binary.tar.gz": bytes(corrupt)})
    manifest = manifest_for({"cifar-10-binary.tar.gz": archive}, "cifar-10")
    manifest["datasets"]["cifar-10"]["files"][0].update(
        extract_from="cifar-10-batches-bin/", extract=["test_batch.bin"]
    )
    with pytest.raises(ChecksumError, match=r"cifar-10-binary\.tar\.gz: the downloaded file failed its check \(MD5"):
        download_dataset("cifar-10", tmp_path, base_url=file_server.url, progress=False, manifest=manifest)
    assert list((tmp_path / "cifar-10").iterdir()) == []


def test_unwritable_data_dir(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(DownloadError, match=r"cannot create .*file/mnist .*; pass --data-dir with a writable folder"):
        download_dataset("mnist", blocker, progress=False, manifest=manifest_for({}))


def test_bad_quickdraw_category_touches_nothing(tmp_path):
    with pytest.raises(ValueError, match="is not a Quick, Draw! category name"):
        download_dataset(
            "quickdraw", tmp_path, base_url="http://127.0.0.1:9/", progress=False, categories=["../escape"]
        )
    assert list(tmp_path.iterdir()) == []

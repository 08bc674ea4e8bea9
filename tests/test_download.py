"""Downloads against a small HTTP server on 127.0.0.1 (Range/206 support, and a mode that cuts transfers)."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import socket
import struct
import tarfile
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

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
    CIFAR10_CLASSES,
    QUICKDRAW_CATEGORIES,
    load_cifar10,
    load_mnist,
    load_quickdraw,
)

# ---------------------------------------------------------------------------
# The local server


@dataclass
class ServerState:
    files: dict[str, bytes] = field(default_factory=dict)  # URL path → content
    ranges: bool = True  # honour Range requests (False: always send the whole file)
    cuts: int = 0  # how many of the next responses break off halfway
    requests: list[tuple[str, str | None]] = field(default_factory=list)  # (path, Range header)


class Handler(BaseHTTPRequestHandler):
    """GET with single open-ended byte ranges ("bytes=N-"), which is all the downloader asks for."""

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        state: ServerState = self.server.state
        path = unquote(urlsplit(self.path).path)
        range_header = self.headers.get("Range")
        state.requests.append((path, range_header))
        body = state.files.get(path)
        if body is None:
            self.send_error(404, "Not Found")
            return
        start = 0
        if range_header and state.ranges:
            start = int(range_header.removeprefix("bytes=").split("-")[0])
            if start >= len(body):
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{len(body)}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
        else:
            self.send_response(200)
        payload = body[start:]
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if state.cuts > 0:
            # Promise the whole payload, send half, hang up.
            state.cuts -= 1
            self.wfile.write(payload[: len(payload) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(payload)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.state = ServerState()
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    httpd.url = f"http://127.0.0.1:{httpd.server_address[1]}/data"
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/data"  # nothing listens here any more


# ---------------------------------------------------------------------------
# Fixture content in the official formats


def md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def idx_gz(array: np.ndarray, magic: int) -> bytes:
    header = struct.pack(">I", magic) + struct.pack(f">{array.ndim}I", *array.shape)
    return gzip.compress(header + array.astype(np.uint8).tobytes())


def mnist_files(n: int = 300) -> dict[str, bytes]:
    """A tiny MNIST: big enough (≈200 kB of images) that a transfer can be cut halfway."""
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
    labels = np.arange(n, dtype=np.uint8) % 10
    return {
        "train-images-idx3-ubyte.gz": idx_gz(images, 0x803),
        "train-labels-idx1-ubyte.gz": idx_gz(labels, 0x801),
        "t10k-images-idx3-ubyte.gz": idx_gz(images[:50], 0x803),
        "t10k-labels-idx1-ubyte.gz": idx_gz(labels[:50], 0x801),
    }


def npy_bytes(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def cifar_archive(extra_members: dict[str, bytes] | None = None) -> bytes:
    rng = np.random.default_rng(2)
    members = {"cifar-10-batches-bin/batches.meta.txt": ("\n".join(CIFAR10_CLASSES) + "\n").encode(),
               "cifar-10-batches-bin/readme.html": b"<html></html>"}
    for name in [f"data_batch_{i}.bin" for i in range(1, 6)] + ["test_batch.bin"]:
        records = rng.integers(0, 256, (4, 3073), dtype=np.uint8)
        records[:, 0] = np.arange(4) % 10
        members[f"cifar-10-batches-bin/{name}"] = records.tobytes()
    members.update(extra_members or {})
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, content in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


def manifest_for(files: dict[str, bytes], name: str = "mnist", **changes) -> dict:
    """A manifest like the real one, with the fixtures' MD5s."""
    entry = {"folder": name, "mirrors": ["http://unused.invalid/"],
             "files": [{"name": file_name, "md5": md5(content)} for file_name, content in files.items()]}
    entry.update(changes)
    return {"datasets": {name: entry}}


def serve(server, files: dict[str, bytes]) -> None:
    server.state.files.update({f"/data/{name}": content for name, content in files.items()})


# ---------------------------------------------------------------------------
# The real manifest


def test_manifest_lists_every_downloadable_set_with_publisher_md5s():
    manifest = json.loads(MANIFEST_PATH.read_text())["datasets"]
    assert set(manifest) == set(DOWNLOADABLE)
    for name in ("mnist", "fashion-mnist", "cifar-10"):
        for spec in manifest[name]["files"]:
            assert len(spec["md5"]) == 32 and int(spec["md5"], 16) >= 0
    assert [spec["name"] for spec in manifest["mnist"]["files"]] == [
        "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
        "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"]
    assert manifest["mnist"]["files"][0]["md5"] == "f68b3c2dcbeaaa9fbdd348bbdeb94873"
    assert manifest["cifar-10"]["files"][0]["md5"] == "c32a1d4ab5d03f1284b67883e8d87530"
    assert tuple(manifest["quickdraw"]["categories"]) == QUICKDRAW_CATEGORIES


def test_unknown_name():
    with pytest.raises(ValueError, match="cannot download 'digits'.*needs no download"):
        download_dataset("digits")


# ---------------------------------------------------------------------------
# Downloads


def test_download_places_verified_files_and_loads(server, tmp_path):
    files = mnist_files()
    serve(server, files)
    folder = download_dataset("mnist", tmp_path, base_url=server.url, progress=False, manifest=manifest_for(files))
    assert folder == tmp_path / "mnist"
    assert sorted(path.name for path in folder.iterdir()) == sorted(files)
    assert load_mnist(tmp_path).train_images.shape == (300, 28, 28)
    # A second run finds intact files and asks for nothing.
    server.state.requests.clear()
    download_dataset("mnist", tmp_path, base_url=server.url, progress=False, manifest=manifest_for(files))
    assert server.state.requests == []


def test_progress_goes_to_stderr(server, tmp_path, capsys):
    files = mnist_files(20)
    serve(server, files)
    download_dataset("mnist", tmp_path, base_url=server.url, progress=True, manifest=manifest_for(files))
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "train-images-idx3-ubyte.gz" in captured.err


def test_checksum_mismatch_deletes_and_raises(server, tmp_path):
    files = mnist_files(20)
    serve(server, files)
    manifest = manifest_for(files)
    manifest["datasets"]["mnist"]["files"][1]["md5"] = "0" * 32
    with pytest.raises(ChecksumError, match=r"train-labels-idx1-ubyte\.gz: the downloaded file failed its check "
                                            r"\(MD5 [0-9a-f]{32}, the publisher's is 0{32}\); it was deleted"):
        download_dataset("mnist", tmp_path, base_url=server.url, progress=False, manifest=manifest)
    folder = tmp_path / "mnist"
    assert not (folder / "train-labels-idx1-ubyte.gz").exists()
    assert not list(folder.glob("*.part"))
    assert (folder / "train-images-idx3-ubyte.gz").exists()  # the file before it was fine


def test_corrupt_file_on_disk_is_downloaded_again(server, tmp_path):
    files = mnist_files(20)
    serve(server, files)
    folder = tmp_path / "mnist"
    folder.mkdir()
    (folder / "t10k-labels-idx1-ubyte.gz").write_bytes(b"corrupt")
    download_dataset("mnist", tmp_path, base_url=server.url, progress=False, manifest=manifest_for(files))
    assert (folder / "t10k-labels-idx1-ubyte.gz").read_bytes() == files["t10k-labels-idx1-ubyte.gz"]


def test_interrupted_transfer_is_resumed_with_range(server, tmp_path):
    files = mnist_files()
    serve(server, files)
    server.state.cuts = 1  # the first response breaks off halfway
    download_dataset("mnist", tmp_path, base_url=server.url, progress=False, manifest=manifest_for(files))
    content = files["train-images-idx3-ubyte.gz"]
    assert (tmp_path / "mnist" / "train-images-idx3-ubyte.gz").read_bytes() == content
    assert server.state.requests[:2] == [("/data/train-images-idx3-ubyte.gz", None),
                                         ("/data/train-images-idx3-ubyte.gz", f"bytes={len(content) // 2}-")]


def test_interrupted_download_keeps_part_and_resumes_next_time(server, tmp_path):
    files = mnist_files()
    serve(server, files)
    server.state.cuts = 100  # every response breaks off
    manifest = manifest_for(files)
    with pytest.raises(DownloadError, match=r"train-images-idx3-ubyte\.gz: the connection closed after .* bytes; "
                                            r"the .* bytes received are kept in .*\.part, run the download again to resume"):
        download_dataset("mnist", tmp_path, base_url=server.url, progress=False, manifest=manifest, retries=1)
    folder = tmp_path / "mnist"
    target, part = folder / "train-images-idx3-ubyte.gz", folder / "train-images-idx3-ubyte.gz.part"
    assert not target.exists()  # nothing partial in place
    kept = part.stat().st_size
    assert 0 < kept < len(files["train-images-idx3-ubyte.gz"])
    server.state.cuts = 0
    server.state.requests.clear()
    download_dataset("mnist", tmp_path, base_url=server.url, progress=False, manifest=manifest)
    assert server.state.requests[0] == ("/data/train-images-idx3-ubyte.gz", f"bytes={kept}-")
    assert target.read_bytes() == files["train-images-idx3-ubyte.gz"]
    assert not list(folder.glob("*.part"))


def test_server_without_range_support_restarts_cleanly(server, tmp_path):
    files = mnist_files()
    serve(server, files)
    server.state.ranges = False
    folder = tmp_path / "mnist"
    folder.mkdir()
    (folder / "train-images-idx3-ubyte.gz.part").write_bytes(files["train-images-idx3-ubyte.gz"][:1000])
    download_dataset("mnist", tmp_path, base_url=server.url, progress=False, manifest=manifest_for(files))
    assert (folder / "train-images-idx3-ubyte.gz").read_bytes() == files["train-images-idx3-ubyte.gz"]


def test_stale_part_failing_the_checksum_is_fetched_afresh(server, tmp_path):
    files = mnist_files()
    serve(server, files)
    folder = tmp_path / "mnist"
    folder.mkdir()
    (folder / "train-images-idx3-ubyte.gz.part").write_bytes(b"x" * 1000)  # not the start of the file
    download_dataset("mnist", tmp_path, base_url=server.url, progress=False, manifest=manifest_for(files))
    assert (folder / "train-images-idx3-ubyte.gz").read_bytes() == files["train-images-idx3-ubyte.gz"]
    assert ("/data/train-images-idx3-ubyte.gz", "bytes=1000-") in server.state.requests


def test_complete_part_is_verified_and_placed(server, tmp_path):
    files = mnist_files(20)
    serve(server, files)
    folder = tmp_path / "mnist"
    folder.mkdir()
    # As if a run crashed after the transfer but before os.replace:
    (folder / "t10k-labels-idx1-ubyte.gz.part").write_bytes(files["t10k-labels-idx1-ubyte.gz"])
    download_dataset("mnist", tmp_path, base_url=server.url, progress=False, manifest=manifest_for(files))
    assert (folder / "t10k-labels-idx1-ubyte.gz").read_bytes() == files["t10k-labels-idx1-ubyte.gz"]


def test_offline_error_names_host_and_what_to_do(tmp_path):
    files = mnist_files(5)
    with pytest.raises(OfflineError, match=r"cannot reach 127\.0\.0\.1:\d+ \(.*\): no connection for "
                                           r"train-images-idx3-ubyte\.gz; copy the files into .*mnist or pass --data-dir"):
        download_dataset("mnist", tmp_path, base_url=closed_port_url(), progress=False, manifest=manifest_for(files))
    assert list((tmp_path / "mnist").iterdir()) == []


def test_http_error_is_reported(server, tmp_path):
    files = mnist_files(5)
    with pytest.raises(DownloadError, match=r"could not download train-images-idx3-ubyte\.gz: .*HTTP 404"):
        download_dataset("mnist", tmp_path, base_url=server.url, progress=False, manifest=manifest_for(files))


def test_next_mirror_is_tried(server, tmp_path):
    files = mnist_files(5)
    serve(server, files)
    manifest = manifest_for(files, mirrors=[closed_port_url(), server.url])
    download_dataset("mnist", tmp_path, progress=False, manifest=manifest)
    assert load_mnist(tmp_path).test_images.shape == (5, 28, 28)


def test_quickdraw_checks_format_and_places_files(server, tmp_path):
    rows = np.random.default_rng(3).integers(0, 256, (30, 784), dtype=np.uint8)
    serve(server, {"cat.npy": npy_bytes(rows), "house plant.npy": npy_bytes(rows[:10])})
    manifest = {"datasets": {"quickdraw": {"folder": "quickdraw", "mirrors": [], "categories": ["cat"]}}}
    download_dataset("quickdraw", tmp_path, base_url=server.url, progress=False, manifest=manifest,
                     categories="cat,house plant")
    assert ("/data/house plant.npy", None) in server.state.requests  # the space is URL-quoted on the wire
    data = load_quickdraw(tmp_path, categories=["cat", "house plant"])
    assert np.array_equal(data.train_images[:24].reshape(24, 784), rows[:24])


@pytest.mark.parametrize("content, problem", [
    (npy_bytes(np.zeros((5, 784), np.float32)), r"holds float32 data of shape \(5, 784\)"),
    (npy_bytes(np.zeros((5, 784), np.uint8))[:-7], r"the header promises 5 × 784 bytes .*\(truncated\)"),
    (b"<html>Not here</html>", r"not a valid \.npy file"),
])
def test_quickdraw_bad_file_is_never_placed(server, tmp_path, content, problem):
    serve(server, {"octopus.npy": content})
    manifest = {"datasets": {"quickdraw": {"folder": "quickdraw", "mirrors": [], "categories": []}}}
    with pytest.raises(ChecksumError, match=r"octopus\.npy: the downloaded file failed its check \(" + problem):
        download_dataset("quickdraw", tmp_path, base_url=server.url, progress=False, manifest=manifest,
                         categories=["octopus"])
    assert list((tmp_path / "quickdraw").iterdir()) == []


def test_cifar_archive_is_verified_extracted_and_removed(server, tmp_path):
    archive = cifar_archive({"cifar-10-batches-bin/../../escape.bin": b"x", "other/test_batch.bin": b"y"})
    serve(server, {"cifar-10-binary.tar.gz": archive})
    extract = ["batches.meta.txt"] + [f"data_batch_{i}.bin" for i in range(1, 6)] + ["test_batch.bin"]
    manifest = manifest_for({"cifar-10-binary.tar.gz": archive}, "cifar-10")
    manifest["datasets"]["cifar-10"]["files"][0].update(extract_from="cifar-10-batches-bin/", extract=extract)
    folder = download_dataset("cifar-10", tmp_path, base_url=server.url, progress=False, manifest=manifest)
    assert sorted(path.name for path in folder.iterdir()) == sorted(extract)  # archive gone, nothing else
    assert not (tmp_path / "escape.bin").exists()
    data = load_cifar10(tmp_path)
    assert data.train_images.shape == (20, 32, 32, 3) and data.test_images.shape == (4, 32, 32, 3)
    server.state.requests.clear()
    download_dataset("cifar-10", tmp_path, base_url=server.url, progress=False, manifest=manifest)
    assert server.state.requests == []  # already extracted


def test_cifar_bad_archive_checksum(server, tmp_path):
    archive = cifar_archive()
    corrupt = bytearray(archive)
    corrupt[len(corrupt) // 2] ^= 0xFF
    serve(server, {"cifar-10-binary.tar.gz": bytes(corrupt)})
    manifest = manifest_for({"cifar-10-binary.tar.gz": archive}, "cifar-10")
    manifest["datasets"]["cifar-10"]["files"][0].update(extract_from="cifar-10-batches-bin/",
                                                        extract=["test_batch.bin"])
    with pytest.raises(ChecksumError, match=r"cifar-10-binary\.tar\.gz: the downloaded file failed its check \(MD5"):
        download_dataset("cifar-10", tmp_path, base_url=server.url, progress=False, manifest=manifest)
    assert list((tmp_path / "cifar-10").iterdir()) == []


def test_unwritable_data_dir(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(DownloadError, match=r"cannot create .*file/mnist .*; pass --data-dir with a writable folder"):
        download_dataset("mnist", blocker, progress=False, manifest=manifest_for({}))


def test_bad_quickdraw_category_touches_nothing(tmp_path):
    with pytest.raises(ValueError, match="is not a Quick, Draw! category name"):
        download_dataset("quickdraw", tmp_path, base_url="http://127.0.0.1:9/", progress=False,
                         categories=["../escape"])
    assert list(tmp_path.iterdir()) == []

"""A small HTTP server on 127.0.0.1 that serves data-set files as their publishers do (Range/206
support, and a mode that cuts transfers), and the files it serves: the downloads are tested
against it, never against the internet."""

from __future__ import annotations

import gzip
import hashlib
import io
import socket
import struct
import tarfile
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

import numpy as np

from playground.data.images import CIFAR10_CLASSES


@dataclass
class ServerState:
    files: dict[str, bytes] = field(default_factory=dict)  # URL path → content
    ranges: bool = True  # honour Range requests (False: always send the whole file)
    cuts: int = 0  # how many of the next responses break off halfway
    requests: list[tuple[str, str | None]] = field(default_factory=list)  # (path, Range header)


class Handler(BaseHTTPRequestHandler):
    """GET with single open-ended byte ranges ("bytes=N-"), which is all the downloader asks for."""

    def do_GET(self) -> None:
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


@contextmanager
def file_server_running():
    """The server on a free port, with ``.url`` (its /data folder) and ``.state`` (what it serves)."""
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
    members = {
        "cifar-10-batches-bin/batches.meta.txt": ("\n".join(CIFAR10_CLASSES) + "\n").encode(),
        "cifar-10-batches-bin/readme.html": b"<html></html>",
    }
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
    entry = {
        "folder": name,
        "mirrors": ["http://unused.invalid/"],
        "files": [{"name": file_name, "md5": md5(content)} for file_name, content in files.items()],
    }
    entry.update(changes)
    return {"datasets": {name: entry}}


def serve(server, files: dict[str, bytes]) -> None:
    server.state.files.update({f"/data/{name}": content for name, content in files.items()})

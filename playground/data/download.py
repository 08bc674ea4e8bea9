"""Download the image data sets from their publishers into the data directory (SPEC F12).

``download_dataset("mnist")`` fetches the official files listed in
``datasets/manifest.json`` with a progress bar on stderr and checks them against the
publishers' MD5 checksums (MNIST, Fashion-MNIST, CIFAR-10). Quick, Draw! publishes no
checksums, so its files are checked for size and format (an .npy of uint8 rows of 784).

Reliability:
- A transfer goes to ``<file>.part`` and is resumed with an HTTP Range request when it
  breaks off (within the same call a few times, and again on the next call).
- A file is moved into place (``os.replace``, atomic) only after its checksum or format
  check passes; a bad file is deleted and reported, so a partial or corrupt file is
  never where a loader would read it.
- Offline, the error says which host could not be reached and how to use local copies.

Only the standard library's urllib is used for HTTP.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import re
import shutil
import sys
import tarfile
import urllib.error
import urllib.parse
import urllib.request
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from playground.data.images import (
    CIFAR_RECORD_BYTES,
    IMAGE_DATASETS,
    DataFileError,
    check_quickdraw_file,
    parse_quickdraw_categories,
    resolve_data_dir,
)
from playground.resources import project_folder

DOWNLOADABLE = tuple(name for name in IMAGE_DATASETS if name != "digits")  # digits ships with scikit-learn
MANIFEST_PATH = project_folder("datasets") / "manifest.json"
CHUNK_BYTES = 1 << 20
USER_AGENT = "neural-playground/0.1 (Python urllib)"


class DownloadError(RuntimeError):
    """A download failed; the message says what went wrong and what to do."""


class ChecksumError(DownloadError):
    """A downloaded file does not match the publisher's checksum (it was deleted)."""


class OfflineError(DownloadError):
    """No download location could be reached."""


def load_manifest(path: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """The download manifest (URLs and checksums), ``datasets/manifest.json`` by default."""
    path = Path(path) if path is not None else MANIFEST_PATH
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DownloadError(f"the download manifest {path} is missing (is the project installed completely?)") from None


def download_dataset(
    name: str,
    data_dir: str | os.PathLike[str] | None = None,
    base_url: str | None = None,
    progress: bool = True,
    *,
    categories: Sequence[str] | str | None = None,
    manifest: dict[str, Any] | str | os.PathLike[str] | None = None,
    retries: int = 3,
    timeout: float = 30.0,
) -> Path:
    """Download data set ``name`` (mnist, fashion-mnist, quickdraw, cifar-10); return its folder.

    Files go to ``<data dir>/<name>/`` (data dir as in ``resolve_data_dir``). Files already
    there and intact are kept. ``base_url`` replaces the publishers' locations (every
    file is fetched from ``<base_url>/<file name>``); ``categories`` picks Quick, Draw!
    categories (default: the 10 of SPEC F12). A broken-off transfer is resumed up to
    ``retries`` times. ``progress`` shows progress bars and messages on stderr.

    Raises OfflineError when no location can be reached, ChecksumError when a file does
    not match its checksum, DownloadError for other failures.
    """
    key = name.strip().lower()
    if key not in DOWNLOADABLE:
        raise ValueError(
            f"cannot download {name!r}; choose from {', '.join(DOWNLOADABLE)} "
            f"(digits ships with scikit-learn and needs no download)"
        )
    if not isinstance(manifest, dict):
        manifest = load_manifest(manifest)
    entry = manifest["datasets"][key]
    chosen: tuple[str, ...] = ()  # Quick, Draw! categories
    if key == "quickdraw":  # checked before anything touches the disk
        chosen = parse_quickdraw_categories(categories if categories is not None else entry["categories"])
    folder: Path = resolve_data_dir(data_dir) / entry.get("folder", key)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DownloadError(f"cannot create {folder} ({error}); pass --data-dir with a writable folder") from None
    mirrors = [base_url] if base_url else list(entry["mirrors"])
    fetch = _Fetcher(folder, progress, retries, timeout)

    if key == "quickdraw":
        for category in chosen:
            file_name = f"{category}.npy"
            fetch.file(file_name, _urls(mirrors, file_name), md5=None, check=check_quickdraw_file)
    elif key == "cifar-10":
        for spec in entry["files"]:
            _download_and_extract(fetch, spec, _urls(mirrors, spec["name"]))
    else:
        for spec in entry["files"]:
            fetch.file(spec["name"], _urls(mirrors, spec["name"]), md5=spec["md5"])
    return folder


def _urls(mirrors: Sequence[str], file_name: str) -> list[str]:
    return [mirror.rstrip("/") + "/" + urllib.parse.quote(file_name) for mirror in mirrors]


def file_md5(path: str | os.PathLike[str]) -> str:
    """Hex MD5 of a file, read in chunks."""
    digest = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as file:
        for chunk in iter(lambda: file.read(CHUNK_BYTES), b""):
            digest.update(chunk)
    return digest.hexdigest()


class _Interrupted(Exception):
    """The connection broke off before the whole file arrived."""


class _Fetcher:
    """Downloads single files of one data set into ``folder``."""

    def __init__(self, folder: Path, progress: bool, retries: int, timeout: float) -> None:
        self.folder = folder
        self.progress = progress
        self.retries = max(0, int(retries))
        self.timeout = timeout

    def say(self, message: str) -> None:
        if self.progress:
            print(message, file=sys.stderr)

    def file(
        self, file_name: str, urls: list[str], md5: str | None, check: Callable[[Path], object] | None = None
    ) -> Path:
        """Make sure ``folder/file_name`` holds the verified file; return its path."""
        target = self.folder / file_name
        if target.is_file():
            problem = self._problem(target, md5, check)
            if problem is None:
                self.say(f"{target.name}: already present and intact")
                return target
            self.say(f"{target.name}: the copy on disk is unusable ({problem}); downloading it again")
        part = target.with_name(target.name + ".part")
        failures: list[str] = []
        unreachable: list[str] = []
        checksum_failures: list[str] = []
        for url in urls:
            host = urllib.parse.urlsplit(url).netloc
            try:
                self._fetch_verified(url, part, md5, check)
            except ChecksumError as error:
                checksum_failures.append(str(error))
                continue
            except urllib.error.HTTPError as error:
                failures.append(f"{url}: HTTP {error.code} {error.reason}")
                continue
            except urllib.error.URLError as error:
                unreachable.append(f"{host} ({_reason(error)})")
                continue
            except _Interrupted as error:
                failures.append(
                    f"{url}: {error}; the {part.stat().st_size if part.exists() else 0:,} bytes "
                    f"received are kept in {part}, run the download again to resume"
                )
                continue
            os.replace(part, target)  # atomic: the loader sees the old state or the whole file
            return target
        if checksum_failures:
            raise ChecksumError("; ".join(checksum_failures + failures))
        if failures:
            raise DownloadError(f"could not download {file_name}: " + "; ".join(failures + unreachable))
        raise OfflineError(
            f"cannot reach {', '.join(unreachable)}: no connection for {file_name}; "
            f"copy the files into {self.folder} or pass --data-dir (or set PLAYGROUND_DATA_DIR) "
            f"to a folder that has them"
        )

    def _problem(self, path: Path, md5: str | None, check: Callable[[Path], object] | None) -> str | None:
        """Why ``path`` is not the expected file, or None when it is."""
        if md5 is not None:
            actual = file_md5(path)
            if actual != md5.lower():
                return f"MD5 {actual}, the publisher's is {md5}"
        if check is not None:
            try:
                check(path)
            except DataFileError as error:
                return str(error).replace(f"{path}: ", "", 1)
        return None

    def _fetch_verified(self, url: str, part: Path, md5: str | None, check: Callable[[Path], object] | None) -> None:
        """Download ``url`` into ``part`` and verify it; a bad result is deleted."""
        resumed = part.exists() and part.stat().st_size > 0
        self._transfer(url, part)
        problem = self._problem(part, md5, check)
        if problem is not None and resumed:
            # The bytes kept from an earlier attempt may be what is wrong: start afresh once.
            self.say(f"{part.name}: the resumed file failed its check ({problem}); downloading it from the start")
            part.unlink()
            self._transfer(url, part)
            problem = self._problem(part, md5, check)
        if problem is not None:
            part.unlink()
            raise ChecksumError(
                f"{url}: the downloaded file failed its check ({problem}); it was deleted, nothing was put in place"
            )

    def _transfer(self, url: str, part: Path) -> None:
        """Fetch ``url`` into ``part``, resuming from what ``part`` holds; retry when cut off."""
        for attempt in range(self.retries + 1):
            try:
                self._transfer_once(url, part)
                return
            except _Interrupted as error:
                if attempt == self.retries:
                    raise
                self.say(f"{part.name}: {error}; resuming")

    def _transfer_once(self, url: str, part: Path) -> None:
        from tqdm import tqdm

        offset = part.stat().st_size if part.exists() else 0
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
        if offset:
            request.add_header("Range", f"bytes={offset}-")
        try:
            response = urllib.request.urlopen(request, timeout=self.timeout)
        except urllib.error.HTTPError as error:
            if error.code == 416 and offset:
                return  # nothing left to send: the .part is complete (the check will tell)
            raise
        except urllib.error.URLError:
            raise  # could not connect at all
        except (OSError, http.client.HTTPException) as error:
            # Connected, but the reply never came (timeout, server hung up): worth a retry.
            raise _Interrupted(f"no reply ({_reason(error)})") from None
        with response:
            if offset and response.status == 206:
                start = _content_range_start(response.headers.get("Content-Range", ""))
                if start != offset:
                    raise _Interrupted(f"the server resumed at byte {start} instead of {offset}")
                mode = "ab"
            else:
                offset, mode = 0, "wb"  # the server sent the whole file: start over
            length = response.headers.get("Content-Length")
            expected = int(length) if length and length.isdigit() else None
            received = 0
            with (
                open(part, mode) as file,
                tqdm(
                    total=None if expected is None else offset + expected,
                    initial=offset,
                    unit="B",
                    unit_scale=True,
                    unit_divisor=1024,
                    desc=part.name.removesuffix(".part"),
                    file=sys.stderr,
                    disable=not self.progress,
                ) as bar,
            ):
                while True:
                    try:
                        chunk = response.read(CHUNK_BYTES)
                    except (OSError, http.client.HTTPException) as error:  # reset, timeout …
                        raise _Interrupted(f"the connection broke off ({_reason(error)})") from None
                    if not chunk:
                        break
                    file.write(chunk)
                    received += len(chunk)
                    bar.update(len(chunk))
        if expected is not None and received < expected:
            raise _Interrupted(f"the connection closed after {offset + received:,} of {offset + expected:,} bytes")


def _content_range_start(header: str) -> int | None:
    match = re.match(r"\s*bytes\s+(\d+)-", header)
    return int(match.group(1)) if match else None


def _reason(error: BaseException) -> str:
    reason = getattr(error, "reason", None) or error
    return str(reason) or type(reason).__name__


def _download_and_extract(fetch: _Fetcher, spec: dict[str, Any], urls: list[str]) -> None:
    """CIFAR-10: fetch the verified tar.gz, extract the wanted members, delete the archive."""
    prefix, members = spec["extract_from"], spec["extract"]
    targets = [fetch.folder / member for member in members]
    if all(path.is_file() for path in targets) and all(
        path.stat().st_size % CIFAR_RECORD_BYTES == 0 for path in targets if path.suffix == ".bin"
    ):
        fetch.say(f"{spec['name']}: already extracted in {fetch.folder}")
        return
    archive = fetch.file(spec["name"], urls, md5=spec["md5"])
    wanted = {prefix + member: fetch.folder / member for member in members}
    found = set()
    try:
        with tarfile.open(archive, "r:gz") as tar:
            # Only the listed regular files are written, by name, never extractall():
            # member paths from an archive are not trusted.
            for member in tar:
                target = wanted.get(member.name)
                if target is None or not member.isfile():
                    continue
                source = tar.extractfile(member)
                assert source is not None  # a regular file has its contents
                part = target.with_name(target.name + ".part")
                with source, open(part, "wb") as out:
                    shutil.copyfileobj(source, out, CHUNK_BYTES)
                os.replace(part, target)
                found.add(member.name)
    except (tarfile.TarError, EOFError, zlib.error, OSError) as error:
        raise DownloadError(f"{archive}: cannot extract ({error}); delete it and download again") from None
    missing = sorted(set(wanted) - found)
    if missing:
        raise DownloadError(f"{archive}: the archive lacks {', '.join(missing)}")
    archive.unlink()  # every member is in place; the 170 MB archive is no longer needed
    fetch.say(f"{spec['name']}: extracted {len(found)} files into {fetch.folder}")

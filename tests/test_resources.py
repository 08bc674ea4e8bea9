"""The app's assets and the download manifest are found in a source tree and in a wheel."""

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import playground
from playground import resources

from helpers.servers import free_port

ROOT = Path(__file__).resolve().parents[1]


def test_the_source_tree_folders_are_found():
    assert resources.project_folder("assets") == ROOT / "assets"
    assert (resources.project_folder("assets") / "playground.js").is_file()
    assert (resources.project_folder("datasets") / "manifest.json").is_file()


def test_an_installed_copy_inside_the_package_wins(tmp_path, monkeypatch):
    package = tmp_path / "site-packages" / "playground"
    (package / "assets").mkdir(parents=True)
    (tmp_path / "site-packages" / "assets").mkdir()  # another distribution's folder: never used
    monkeypatch.setattr(resources, "PACKAGE", package)
    assert resources.project_folder("assets") == package / "assets"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """A wheel built from a copy of the source tree, offline, with the venv's own setuptools (the
    test extras ask for one that builds wheels alone)."""
    tmp_path = tmp_path_factory.mktemp("wheel")
    source = tmp_path / "source"
    for name in ("playground", "assets", "datasets"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("setup.py", "pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, source / name)
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(source),
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "-q",
            "-w",
            str(tmp_path / "wheel"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr[-3000:]
    [found] = (tmp_path / "wheel").glob("*.whl")
    return found


@pytest.mark.timeout(300)
def test_a_wheel_carries_every_package_asset_and_the_manifest(wheel):
    """The wheel holds every package under playground/ (a new page is found, not listed), every
    file of assets/, the download manifest, the type hints' marker, the version and the licence."""
    held = set(zipfile.ZipFile(wheel).namelist())
    packages = [path.parent.relative_to(ROOT) for path in (ROOT / "playground").rglob("__init__.py")]
    assert packages and all(f"{package.as_posix()}/__init__.py" in held for package in packages)
    for name in ("assets", "datasets"):
        files = [path.name for path in (ROOT / name).iterdir() if path.is_file()]
        assert files and all(f"playground/{name}/{file}" in held for file in files), files
    assert "playground/py.typed" in held and "playground/__main__.py" in held
    assert wheel.name.startswith(f"neural_playground-{playground.__version__}-")
    [metadata] = [name for name in held if name.endswith(".dist-info/METADATA")]
    text = zipfile.ZipFile(wheel).read(metadata).decode()
    assert "License-Expression: MIT" in text and f"Version: {playground.__version__}" in text


def test_the_version_is_written_once():
    """pyproject.toml reads it from the package, and the changelog's newest entry is it."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "version" not in project["project"] and project["project"]["dynamic"] == ["version"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "playground.__version__"}
    changelog = (ROOT / "CHANGELOG.md").read_text()
    assert changelog.split("\n## ", 1)[1].startswith(f"{playground.__version__} ")
    for command in ([sys.executable, "-m", "playground", "--version"], ["playground", "--version"]):
        shown = subprocess.run(command, capture_output=True, text=True, timeout=60, cwd=ROOT)
        assert shown.stdout.strip() == f"playground {playground.__version__}", shown.stderr


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_the_wheel_installs_in_a_new_venv_and_serves_every_page(wheel, tmp_path):
    """``pip install`` of the wheel into a new virtual environment (its dependencies seen through
    this venv's site-packages, offline), then ``playground`` answers every page and its scripts."""
    import site
    import sysconfig
    import urllib.request

    fresh = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(fresh)], check=True, timeout=120)
    python = fresh / "bin" / "python"
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], capture_output=True, text=True
    ).stdout.strip()
    # The dependencies only: a path line in a .pth file adds a folder, not the .pth files in it
    # (so this checkout's editable install is not seen).
    (Path(purelib) / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", "-q", str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert installed.returncode == 0, installed.stderr[-3000:]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}  # the wheel's copy, not a checkout's
    where = subprocess.run(
        [python, "-c", "import playground; print(playground.__file__)"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert where.stdout.startswith(purelib), (where.stdout, where.stderr, site.getsitepackages())
    shown = subprocess.run(
        [python, "-m", "playground", "--version"], capture_output=True, text=True, timeout=60, env=env, cwd=tmp_path
    )
    assert shown.stdout.strip() == f"playground {playground.__version__}"
    port = free_port()
    server = subprocess.Popen(
        [fresh / "bin" / "playground", "serve", "--port", str(port), "--workers", "1"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_answering(url, server)
        for page in (
            "/",
            "/descent",
            "/landscape",
            "/images",
            "/backprop",
            "/assets/playground.js",
            "/assets/style.css",
        ):
            with urllib.request.urlopen(url + page, timeout=30) as answer:
                assert answer.status == 200, page
    finally:
        server.terminate()
        server.wait(timeout=30)


def wait_until_answering(url: str, server: subprocess.Popen, seconds: float = 120) -> None:
    import time
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert server.poll() is None, server.stderr.read().decode()[-3000:] if server.stderr else "the server ended"
        try:
            with urllib.request.urlopen(url + "/", timeout=5):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {seconds:.0f} s")

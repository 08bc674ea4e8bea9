"""The app's assets and the download manifest are found in a source tree and in a wheel."""

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from playground import resources

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


@pytest.mark.timeout(120)
def test_a_wheel_carries_every_package_asset_and_the_manifest(tmp_path):
    """A wheel built from a copy of the source tree holds every package under playground/ (a new
    page is found, not listed), every file of assets/ and the download manifest."""
    source = tmp_path / "source"
    for name in ("playground", "assets", "datasets"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("setup.py", "pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    # Offline, with the venv's own setuptools (the test extras ask for one that builds wheels alone).
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
    )
    assert built.returncode == 0, built.stderr[-3000:]
    [wheel] = (tmp_path / "wheel").glob("*.whl")
    held = set(zipfile.ZipFile(wheel).namelist())
    packages = [path.parent.relative_to(ROOT) for path in (ROOT / "playground").rglob("__init__.py")]
    assert packages and all(f"{package.as_posix()}/__init__.py" in held for package in packages)
    for name in ("assets", "datasets"):
        files = [path.name for path in (ROOT / name).iterdir() if path.is_file()]
        assert files and all(f"playground/{name}/{file}" in held for file in files), files

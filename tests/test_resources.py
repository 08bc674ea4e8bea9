"""The app's assets and the download manifest are found in a source tree and in a wheel."""

import tomllib
from pathlib import Path

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


def test_a_wheel_carries_every_asset_and_the_manifest():
    """pyproject maps the top-level folders into the package, with patterns matching every file."""
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    for name in ("assets", "datasets"):
        package = f"playground.{name}"
        assert package in setuptools["packages"]
        assert setuptools["package-dir"][package] == name
        patterns = setuptools["package-data"][package]
        files = [path for path in (ROOT / name).iterdir() if path.is_file()]
        assert files
        assert all(any(path.match(pattern) for pattern in patterns) for path in files), files

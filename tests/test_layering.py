"""The app's layering (docs/architecture.md), held by import-linter's contracts in pyproject.toml.

Each layer imports only those below it (command line, app, pages, server, session, ui, plots,
recipes, data, limits, engine), no page imports another, the command line imports no page,
the engine knows nothing of Dash, and no import cycle exists anywhere in ``playground/``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def lint(root: Path) -> subprocess.CompletedProcess:
    """``lint-imports`` on the package found under ``root`` with the project's contracts."""
    environment = {**os.environ, "PYTHONPATH": str(root)}
    command = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"
    return subprocess.run(
        [sys.executable, "-c", command, "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        cwd=root,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.timeout(150)
def test_the_import_contracts_hold():
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 5 kept, 0 broken." in result.stdout


@pytest.mark.timeout(300)
@pytest.mark.parametrize(
    "importer,imported,contract",
    [
        ("app/pages/landscape/logic.py", "playground.app.pages.playground.logic", "pages never each other"),
        ("app/session/model.py", "playground.app.server.jobs", "each imports only those below it"),
        ("engine/network.py", "plotly", "know nothing of Dash"),
        ("engine/layers.py", "playground.engine.network", "no import cycle"),
    ],
)
def test_a_forbidden_import_breaks_a_contract(tmp_path, importer, imported, contract):
    shutil.copytree(ROOT / "playground", tmp_path / "playground", ignore=shutil.ignore_patterns("__pycache__"))
    target = tmp_path / "playground" / importer
    target.write_text(target.read_text() + f"\nimport {imported}  # a forbidden import, added by the test\n")
    result = lint(tmp_path)
    assert result.returncode != 0, result.stdout
    assert contract in result.stdout and "BROKEN" in result.stdout

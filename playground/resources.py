"""Where the project's top-level ``assets/`` and ``datasets/`` folders are.

In a source checkout (and an editable install) they sit beside the package; a built wheel
carries copies inside the package (see ``pyproject.toml``).
"""

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def project_folder(name: str) -> Path:
    """The folder ``name`` ("assets" or "datasets"): the wheel's copy, else the source tree's."""
    installed_copy = PACKAGE / name
    return installed_copy if installed_copy.is_dir() else PACKAGE.parent / name

"""Neural Playground: watch a neural network learn.

A from-scratch NumPy engine (``playground.engine``), its data sets (``playground.data``), its
figures (``playground.plots``) and the Dash app and command line built on them.
"""

__version__ = "0.2.0"  # the one place the version is written (pyproject.toml reads it; CHANGELOG.md lists it)

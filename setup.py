"""The package list, found rather than typed: every package under playground/ (a new page is one),
and the top-level assets/ and datasets/ folders as playground.assets and playground.datasets
(their place and files are in pyproject.toml, with everything else)."""

from setuptools import find_packages, setup

setup(packages=find_packages(include=["playground", "playground.*"]) + ["playground.assets", "playground.datasets"])

"""A screenshot as a colour-blind reader sees it: python bench/colour_blind_view.py in.png out.png.

Simulates a dichromat (severity 100) with colorspacious's model (Machado et al. 2009), the same
one tests/test_palette.py measures the class colours with. ``--kind`` chooses which:
deuteranomaly (the default, the most common), protanomaly or tritanomaly.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from colorspacious import cspace_convert
from PIL import Image

KINDS = ("deuteranomaly", "protanomaly", "tritanomaly")


def simulate(pixels: np.ndarray, kind: str = "deuteranomaly", severity: float = 100) -> np.ndarray:
    """The 8-bit RGB ``pixels`` (…, 3) as a reader with ``kind`` of colour blindness sees them."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; choose one of: {', '.join(KINDS)}")
    space = {"name": "sRGB1+CVD", "cvd_type": kind, "severity": severity}
    seen = cspace_convert(pixels.astype(float) / 255, space, "sRGB1")
    return np.clip(np.round(seen * 255), 0, 255).astype(np.uint8)


def convert(source: Path, target: Path, kind: str = "deuteranomaly") -> None:
    """Write ``source`` (a PNG) as ``kind`` sees it to ``target``; transparency is kept."""
    image = Image.open(source).convert("RGBA")
    pixels = np.asarray(image)
    seen = np.dstack([simulate(pixels[..., :3], kind), pixels[..., 3]])
    Image.fromarray(seen, "RGBA").save(target)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="a PNG, e.g. a screenshot")
    parser.add_argument("target", type=Path, help="where to write the simulated PNG")
    parser.add_argument("--kind", choices=KINDS, default="deuteranomaly")
    args = parser.parse_args(argv)
    convert(args.source, args.target, args.kind)
    print(f"{args.target}: {args.source} as seen with {args.kind} (severity 100)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

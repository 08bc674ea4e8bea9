"""The colours hold for colour-blind readers: measured under simulated deuteranopia, protanopia and
tritanopia (colorspacious, severity 100), as CIEDE2000 differences (issue 24).

ΔE ≥ 20 is the bar: two colours that far apart are told apart at a glance, even as small dots.
"""

from __future__ import annotations

import importlib.util
import itertools
import re
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from colorspacious import cspace_convert

from playground.app.ui.colours import (
    ALARM_COLOUR,
    CLASS_COLOURS,
    DISTINCT_CLASSES,
    EVOLUTION_COLOUR,
    GRADIENT_COLOUR,
    NEGATIVE_COLOUR,
    POSITIVE_COLOUR,
    TEST_COLOUR,
    TRAIN_COLOUR,
    class_symbol,
)
from playground.limits import Limits

ROOT = Path(__file__).resolve().parents[1]


def bench_module(name: str) -> ModuleType:
    """A script of bench/ as a module (bench/ is a folder of scripts, not a package on the path)."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


simulate = bench_module("colour_blind_view").simulate  # the screenshots' simulation, measured here too

SIMULATIONS = [None, "deuteranomaly", "protanomaly", "tritanomaly"]  # None: normal vision
APART = 20.0


def ciede2000(lab1: np.ndarray, lab2: np.ndarray) -> np.ndarray:
    """CIEDE2000 colour difference of CIELAB colours (…, 3) (Sharma, Wu and Dalal 2005)."""
    L1, a1, b1 = np.moveaxis(np.asarray(lab1, float), -1, 0)
    L2, a2, b2 = np.moveaxis(np.asarray(lab2, float), -1, 0)
    mean_c = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(mean_c**7 / (mean_c**7 + 25.0**7)))
    a1, a2 = (1 + g) * a1, (1 + g) * a2  # a* stretched: greys' hues behave
    c1, c2 = np.hypot(a1, b1), np.hypot(a2, b2)
    h1, h2 = np.degrees(np.arctan2(b1, a1)) % 360, np.degrees(np.arctan2(b2, a2)) % 360
    chromatic = c1 * c2 != 0
    dh = h2 - h1
    dh = np.where(dh > 180, dh - 360, np.where(dh < -180, dh + 360, dh)) * chromatic
    d_big_h = 2 * np.sqrt(c1 * c2) * np.sin(np.radians(dh / 2))
    mean_l, mean_cp = (L1 + L2) / 2, (c1 + c2) / 2
    hue_sum = h1 + h2
    mean_h = np.where(
        ~chromatic,
        hue_sum,
        np.where(np.abs(h1 - h2) <= 180, hue_sum / 2, np.where(hue_sum < 360, hue_sum + 360, hue_sum - 360) / 2),
    )
    t = (
        1
        - 0.17 * np.cos(np.radians(mean_h - 30))
        + 0.24 * np.cos(np.radians(2 * mean_h))
        + 0.32 * np.cos(np.radians(3 * mean_h + 6))
        - 0.20 * np.cos(np.radians(4 * mean_h - 63))
    )
    s_l = 1 + 0.015 * (mean_l - 50) ** 2 / np.sqrt(20 + (mean_l - 50) ** 2)
    s_c, s_h = 1 + 0.045 * mean_cp, 1 + 0.015 * mean_cp * t
    r_c = 2 * np.sqrt(mean_cp**7 / (mean_cp**7 + 25.0**7))
    rotation = -np.sin(np.radians(60 * np.exp(-(((mean_h - 275) / 25) ** 2)))) * r_c  # the blues' hue-chroma tilt
    dl, dc, dh_ = (L2 - L1) / s_l, (c2 - c1) / s_c, d_big_h / s_h
    return np.sqrt(dl**2 + dc**2 + dh_**2 + rotation * dc * dh_)


def seen_lab(colours: list[str], simulation: str | None) -> np.ndarray:
    """CIELAB of each hex colour as a reader with ``simulation`` of colour blindness sees it."""
    rgb = np.array([[int(c[i : i + 2], 16) for i in (1, 3, 5)] for c in colours], dtype=np.uint8)
    if simulation:
        rgb = simulate(rgb, simulation)
    return cspace_convert(rgb / 255, "sRGB1", "CIELab")


def smallest_difference(colours: list[str], simulation: str | None) -> tuple[float, str, str]:
    """The closest pair of ``colours`` under ``simulation``: (ΔE2000, one, other)."""
    lab = seen_lab(colours, simulation)
    pairs = list(itertools.combinations(range(len(colours)), 2))
    differences = [float(ciede2000(lab[i], lab[j])) for i, j in pairs]
    k = int(np.argmin(differences))
    return differences[k], colours[pairs[k][0]], colours[pairs[k][1]]


def test_ciede2000_gives_the_published_values():
    # Pairs 1, 7, 17 and 34 of Sharma, Wu and Dalal's test data (ΔE 2.0425, 0, 27.1492, 0.9082).
    pairs = [
        ([50, 2.6772, -79.7751], [50, 0, -82.7485], 2.0425),
        ([50, 0, 0], [50, -1, 2], 2.3669),
        ([50, 2.5, 0], [73, 25, -18], 27.1492),
        ([2.0776, 0.0795, -1.135], [0.9033, -0.0636, -0.5514], 0.9082),
    ]
    for one, other, expected in pairs:
        assert ciede2000(np.array(one), np.array(other)) == pytest.approx(expected, abs=1e-4)


@pytest.mark.parametrize("simulation", SIMULATIONS)
def test_the_classes_that_rely_on_colour_stay_apart_for_every_reader(simulation):
    difference, one, other = smallest_difference(CLASS_COLOURS[:DISTINCT_CLASSES], simulation)
    assert difference >= APART, f"{one} and {other}: ΔE {difference:.1f} under {simulation or 'normal vision'}"


def test_the_2d_pages_tell_every_pair_of_classes_apart_by_colour_or_shape():
    """As many classes as the 2-D playground allows (a CSV upload): the pairs too close in colour
    under some simulation have different point shapes."""
    classes = Limits().classes
    assert classes <= len(CLASS_COLOURS)  # each class its own colour
    labs = {s: seen_lab(CLASS_COLOURS[:classes], s) for s in SIMULATIONS}
    for i, j in itertools.combinations(range(classes), 2):
        closest = min(float(ciede2000(lab[i], lab[j])) for lab in labs.values())
        assert closest >= APART or class_symbol(i) != class_symbol(j), (i, j, closest)


def test_the_built_in_2d_problems_need_no_shapes():
    from playground.app.pages.playground.logic import DATASET_LABELS, DEFAULT_NOISE
    from playground.app.session.model import generate_points

    for name in DATASET_LABELS:
        points = generate_points(name, DEFAULT_NOISE[name], 0.2, 0, 200)
        assert len(points["class_names"]) <= DISTINCT_CLASSES, name


@pytest.mark.parametrize("simulation", SIMULATIONS)
def test_the_image_pages_ten_classes_keep_a_measured_distance(simulation):
    """Ten colours cannot all stay 20 apart under every simulation while showing on white: the
    ten classes of the image pages are at least 14 apart. Colour is never alone there: class
    names label the confusion matrix's axes and the accuracy bars, and the layer map's points
    take class_symbol's shapes past the sixth class, as the 2-D points do."""
    difference, one, other = smallest_difference(CLASS_COLOURS, simulation)
    assert difference >= 14, f"{one} and {other}: ΔE {difference:.1f} under {simulation or 'normal vision'}"


@pytest.mark.parametrize("simulation", SIMULATIONS)
@pytest.mark.parametrize(
    "pair",
    [(POSITIVE_COLOUR, NEGATIVE_COLOUR), (TRAIN_COLOUR, TEST_COLOUR), (GRADIENT_COLOUR, EVOLUTION_COLOUR)],
    ids=["signs", "train-test", "race"],
)
def test_the_two_colour_pairs_stay_apart(pair, simulation):
    difference, _, _ = smallest_difference(list(pair), simulation)
    assert difference >= APART


def contrast_on_white(colour: str) -> float:
    """WCAG 2 contrast ratio of a hex colour against white."""
    channels = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)]) / 255
    linear = np.where(channels <= 0.04045, channels / 12.92, ((channels + 0.055) / 1.055) ** 2.4)
    return 1.05 / (float(linear @ [0.2126, 0.7152, 0.0722]) + 0.05)


def test_the_alarm_colour_reads_on_white():
    assert contrast_on_white(ALARM_COLOUR) >= 4.5


def test_the_colours_live_in_one_place():
    """The palette's colours are written only in colours.py: the pages import them and the browser
    reads them from the contract, so a change of palette reaches every view."""
    ours = {c.lower() for c in [*CLASS_COLOURS, ALARM_COLOUR]}
    sources = [*(ROOT / "playground").rglob("*.py"), *(ROOT / "assets").glob("*.js")]
    copies = [
        f"{path.relative_to(ROOT)}: {found}"
        for path in sources
        if path.name != "colours.py"
        for found in re.findall(r"#[0-9a-fA-F]{6}\b", path.read_text(encoding="utf-8"))
        if found.lower() in ours
    ]
    assert copies == []


def test_the_simulation_keeps_greys_and_moves_red_towards_green():
    pixels = np.array([[[128, 128, 128], [255, 0, 0], [0, 128, 0]]], dtype=np.uint8)
    seen = simulate(pixels, "deuteranomaly")
    assert np.abs(seen[0, 0].astype(int) - 128).max() <= 2  # a grey stays grey
    red, green = seen[0, 1].astype(int), seen[0, 2].astype(int)
    assert abs(red[0] - red[1]) < 100 and abs(green[0] - green[1]) < 100  # red and green both look olive


def test_the_bench_script_writes_the_simulated_png_and_keeps_transparency(tmp_path):
    from PIL import Image

    source, target = tmp_path / "shot.png", tmp_path / "seen.png"
    pixels = np.array([[[128, 128, 128, 255], [255, 0, 0, 100]]], dtype=np.uint8)
    Image.fromarray(pixels, "RGBA").save(source)
    assert bench_module("colour_blind_view").main([str(source), str(target), "--kind", "protanomaly"]) == 0
    seen = np.asarray(Image.open(target))
    assert seen.shape == (1, 2, 4) and list(seen[..., 3].ravel()) == [255, 100]
    assert (seen[0, 1, :3] == simulate(pixels[0, 1, :3], "protanomaly")).all()

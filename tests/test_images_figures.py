"""What the image page draws: its Plotly figures (pages/images/figures.py) and PNG pictures
(ui/pictures.py), the PNGs decoded byte by byte.
"""

from __future__ import annotations

import struct
import zlib

import numpy as np
import pytest

from playground.app.pages.images import evaluation, figures
from playground.app.ui.pictures import grid, png_bytes, to_bytes

from helpers.images_page import TINY_LABELS, TINY_OUTPUTS

pytestmark = pytest.mark.timeout(120)  # nothing here may hang the run


# ------------------------------------------------------------------ figures

NAMES = ["<b>cat</b>", "dog", "50%"]
ESCAPED = ["&lt;b&gt;cat&lt;/b&gt;", "dog", "50&#37;"]


def test_curves_figure_carries_the_history_and_batch_curve():
    history = [
        {"epoch": 1, "train_cost": 0.9, "test_cost": 1.0, "train_accuracy": 0.5, "test_accuracy": 0.4},
        {"epoch": 2, "train_cost": 0.5, "test_cost": 0.7, "train_accuracy": 0.8, "test_accuracy": 0.7},
    ]
    figure = figures.curves_figure(history, [[0.5, 1.2], [1.0, 0.8]])
    by_name = {trace.name: trace for trace in figure.data}
    assert list(by_name["batch cost (mean)"].x) == [0.5, 1.0]
    assert list(by_name["batch cost (mean)"].y) == [1.2, 0.8]
    assert list(by_name["test accuracy"].x) == [1, 2] and list(by_name["test accuracy"].y) == [0.4, 0.7]
    assert list(by_name["train cost"].y) == [0.9, 0.5]
    assert len(figures.curves_figure(history, []).data) == 4


def test_the_accuracy_axis_never_repeats_a_label_nor_shows_an_empty_frame():
    """Whole-percent ticks over at least ten points: 96.5–97.5 % shows 90 %…100 %, not "97 %" five
    times; before the first epoch's figures (only the batch curve) the axis is 0…100 %."""
    close = [{"epoch": 1, "train_accuracy": 0.975, "test_accuracy": 0.965}]
    assert figures.accuracy_range(close) == [0.9, 1.01]
    assert figures.accuracy_range([{"epoch": 1, "train_accuracy": 0.42, "test_accuracy": 0.38}]) == [0.3, 1.01]
    assert figures.accuracy_range([]) == [0.0, 1.01]
    first_epoch = figures.curves_figure([], [[0.1, 2.3], [0.2, 2.1]])
    assert list(first_epoch.layout.yaxis2.range) == [0.0, 1.01] and first_epoch.layout.yaxis2.tickformat == ".0%"
    assert list(figures.curves_figure(close, []).layout.yaxis2.range) == [0.9, 1.01]


def test_a_figure_before_its_data_says_what_will_appear_instead_of_empty_axes():
    from playground.app.ui.waiting import waiting_figure

    empty = figures.curves_figure([], [])  # training not started: no −1…6 × −1…4 axes
    assert not empty.data and empty.layout.xaxis.visible is False and empty.layout.yaxis.visible is False
    assert empty.layout.annotations[0].text.replace("<br>", " ") == figures.CURVES_WAITING  # in lines that fit
    assert empty.layout.height == 400
    waiting = waiting_figure("the map appears here", 460)
    assert waiting.layout.annotations[0].text == "the map appears here" and waiting.layout.height == 460


def test_confusion_figure_counts_and_normalised():
    matrix = np.array([[8, 2, 0], [1, 3, 0], [0, 0, 0]])
    counts = figures.confusion_figure(matrix, NAMES)
    heat = counts.data[0]
    np.testing.assert_array_equal(heat.customdata, matrix)
    assert list(heat.x) == ESCAPED and list(heat.y) == ESCAPED
    # Each number drawn once: the mistakes off the diagonal, the right answers (bold) on it.
    assert [list(row) for row in heat.text] == [["", "2", "0"], ["1", "", "0"], ["0", "0", ""]]
    assert [list(row) for row in counts.data[1].text] == [["8", "", ""], ["", "3", ""], ["", "", "0"]]
    np.testing.assert_array_equal(heat.z, [[np.nan, 0.2, 0], [0.25, np.nan, 0], [0, 0, np.nan]])
    shares = figures.confusion_figure(matrix, NAMES, normalised=True)
    shown = [[a or b for a, b in zip(*rows)] for rows in zip(shares.data[0].text, shares.data[1].text)]
    assert shown == [["80%", "20%", "0%"], ["25%", "75%", "0%"], ["0%", "0%", "0%"]]


def test_per_class_figure():
    bar = figures.per_class_figure(np.array([0.9, 0.5, 0.25]), NAMES).data[0]
    assert list(bar.x) == ESCAPED and list(bar.y) == [0.9, 0.5, 0.25]
    assert list(bar.text) == ["90%", "50%", "25%"]


def test_map_figure_one_trace_per_class_with_indices():
    points = np.arange(12, dtype=float).reshape(6, 2)
    labels = np.array([0, 1, 0, 2, 1, 0])
    figure = figures.map_figure(points, labels, NAMES, "map of <i>x</i>")
    assert [trace.name for trace in figure.data] == ESCAPED
    cats = figure.data[0]
    assert list(cats.customdata) == [0, 2, 5] and list(cats.x) == [0, 4, 10] and list(cats.y) == [1, 5, 11]
    assert "<i>" not in figure.layout.title.text


def test_robustness_figure():
    curves = {"rotation °": ([0, 10], [0.9, 0.8]), "shift px": ([0, 1, 2], [0.9, 0.7, 0.5])}
    figure = figures.robustness_figure(curves)
    assert [(list(t.x), list(t.y)) for t in figure.data] == [([0, 10], [0.9, 0.8]), ([0, 1, 2], [0.9, 0.7, 0.5])]
    four = figures.robustness_figure({**curves, "pixel noise": ([0, 0.1], [0.9, 0.6]), "stroke px": ([0], [0.9])})
    # Two charts a row (each wide enough for its title at lecture size): the third below the first.
    assert four.layout.yaxis3.domain[1] < four.layout.yaxis.domain[0]
    assert four.layout.xaxis3.domain == four.layout.xaxis.domain and four.layout.height > figure.layout.height


def test_threshold_figure():
    curve = evaluation.threshold_curve(TINY_LABELS, TINY_OUTPUTS)
    figure = figures.threshold_figure(*curve, 0.55)
    np.testing.assert_array_equal(figure.data[0].x, curve[0])
    np.testing.assert_array_equal(figure.data[0].y, curve[1])
    np.testing.assert_array_equal(figure.data[1].y, curve[2])
    assert figure.layout.shapes[0].x0 == 0.55


# ------------------------------------------------------------------ pictures


def decode_png(raw: bytes) -> np.ndarray:
    """A PNG (8-bit grey or RGB, filter 0, as pictures writes) decoded by hand; checks the CRCs."""
    assert raw[:8] == b"\x89PNG\r\n\x1a\n"
    position, chunks = 8, []
    while position < len(raw):
        (length,) = struct.unpack(">I", raw[position : position + 4])
        kind, data = raw[position + 4 : position + 8], raw[position + 8 : position + 8 + length]
        (crc,) = struct.unpack(">I", raw[position + 8 + length : position + 12 + length])
        assert crc == zlib.crc32(kind + data) & 0xFFFFFFFF
        chunks.append((kind, data))
        position += 12 + length
    assert chunks[0][0] == b"IHDR" and chunks[-1] == (b"IEND", b"")
    width, height, depth, colour, *_ = struct.unpack(">IIBBBBB", chunks[0][1])
    channels = {0: 1, 2: 3}[colour]
    assert depth == 8
    rows = np.frombuffer(zlib.decompress(b"".join(d for k, d in chunks if k == b"IDAT")), np.uint8)
    rows = rows.reshape(height, 1 + width * channels)
    assert not rows[:, 0].any()  # filter "none" on every row
    pixels = rows[:, 1:].reshape(height, width, channels)
    return pixels[..., 0] if channels == 1 else pixels


@pytest.mark.parametrize("shape", [(5, 7), (6, 4, 3)])
def test_png_bytes_decode_to_the_same_pixels(shape):
    image = np.random.default_rng(4).random(shape, dtype=np.float32)
    decoded = decode_png(png_bytes(image))
    np.testing.assert_array_equal(decoded, np.rint(image * 255).astype(np.uint8))
    np.testing.assert_array_equal(decoded, to_bytes(image))
    with pytest.raises(ValueError):
        png_bytes(np.zeros((4, 4, 4)))


def test_grid_tiles_row_by_row():
    images = np.random.default_rng(5).random((5, 8, 8), dtype=np.float32)
    tiled = grid(images, columns=3)
    assert tiled.shape == (18, 28)
    np.testing.assert_array_equal(tiled[10:18, 10:18], images[4])
    assert (tiled[8:10] == 1.0).all() and (tiled[10:, 20:] == 1.0).all()  # padding, and the empty sixth cell
    assert grid(np.zeros((5, 8, 8, 3)), columns=3).shape == (18, 28, 3)

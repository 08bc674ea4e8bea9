"""The colours every figure, page and the browser share (sent to the browser in the contract).

The class colours are chosen for colour-blind readers (about 1 in 12 men): the first
``DISTINCT_CLASSES`` of them stay apart (CIEDE2000 ΔE ≥ 20) under simulated deuteranopia,
protanopia and tritanopia as well as with normal vision (tests/test_palette.py measures it). The
2-D problems built in have at most three classes; a CSV upload may have up to ten, and no ten
colours that all show on white stay that far apart, so from the seventh class on the 2-D points
also take a shape of their own (``class_symbol``).
"""

# One colour per class (up to 10). The first two are Okabe–Ito's blue and vermillion (the fruit's
# safe and poisonous); the next four were found by search (sRGB in steps of 15), each as far as it
# can be from those before it under the three simulations, the third also dark enough to show on
# its region's tint (the three-class problems use it); the last four, past DISTINCT_CLASSES, are as
# far as they can be from the rest but no longer 20 apart (14 at least).
CLASS_COLOURS = [
    "#0072b2",  # blue
    "#d55e00",  # vermillion
    "#690f3c",  # wine: dark, so its points show on its own region's tint
    "#87c3a5",  # sage
    "#c3a5ff",  # lavender
    "#ffc300",  # yellow
    "#787878",  # grey
    "#a50000",  # red
    "#1e1eb4",  # indigo
    "#789669",  # moss
]
# How many of CLASS_COLOURS stay apart by colour alone, for every reader.
DISTINCT_CLASSES = 6
# The 2-D points' shapes past DISTINCT_CLASSES: each further class has its own, so two classes
# are told apart by colour or by shape (a test point draws the open variant, e.g. "square-open").
_EXTRA_SYMBOLS = ["square", "diamond", "triangle-up", "triangle-down"]

# Signs of weights and activations: positive blue, negative vermillion (edges and node heatmaps).
POSITIVE_COLOUR = CLASS_COLOURS[0]
NEGATIVE_COLOUR = CLASS_COLOURS[1]
# Train and test curves.
TRAIN_COLOUR = CLASS_COLOURS[0]
TEST_COLOUR = CLASS_COLOURS[1]
# Two methods side by side (the evolution race): gradient descent blue, evolution wine.
GRADIENT_COLOUR = CLASS_COLOURS[0]
EVOLUTION_COLOUR = CLASS_COLOURS[2]
# A path over a cost surface (the landscape's descent).
PATH_COLOUR = NEGATIVE_COLOUR
# Text and marks that say something went wrong (a diverged run, a limit reached): a dark red
# that reads on white (contrast 6.0:1), always with words beside it.
ALARM_COLOUR = "#b03a2e"


def class_symbol(k: int) -> str:
    """The Plotly marker symbol of class ``k``'s points: a circle for the classes that stay apart
    by colour, then a shape per further class."""
    if k < DISTINCT_CLASSES:
        return "circle"
    return _EXTRA_SYMBOLS[(k - DISTINCT_CLASSES) % len(_EXTRA_SYMBOLS)]


# A regression's values: orange below zero, white at zero, blue above (the browser paints the
# plane with the same colours: assets/drawing.js nodeColour).
VALUE_SCALE = [[0.0, NEGATIVE_COLOUR], [0.5, "#ffffff"], [1.0, POSITIVE_COLOUR]]

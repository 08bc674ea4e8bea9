"""The colours every page and the browser share (sent to the browser in the contract)."""

# One colour per class (up to 10): the fruit's safe is blue, poisonous is orange-red.
CLASS_COLOURS = [
    "#1f77b4",
    "#e4572e",
    "#2ca02c",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
    "#ff7f0e",
]
# Signs of weights and activations: positive blue, negative orange (edges and node heatmaps).
POSITIVE_COLOUR = "#1f77b4"
NEGATIVE_COLOUR = "#e4572e"
# Train and test curves.
TRAIN_COLOUR = "#1f77b4"
TEST_COLOUR = "#e4572e"

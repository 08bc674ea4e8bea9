"""NumPy arrays as PNG data URIs: defined with the figures (``playground.plots.pictures``), which draw
the first layer's weights with them below the app."""

from playground.plots.pictures import grid, png_bytes, png_data_uri, to_bytes

__all__ = ["grid", "png_bytes", "png_data_uri", "to_bytes"]

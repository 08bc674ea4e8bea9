"""Figures as library functions: plain data in, a Plotly figure out (no Dash).

The pages, the command line and a notebook draw through the same builders (one per view), so a
figure a lecturer makes in a notebook or saves from the command line is the one the page shows:

- ``boundary``: ``boundary_figure(network, data)``, the decision boundary on 2-D points (the
  class map shaded by confidence under training and test points); ``points_figure``, the points
  alone (the playground page's, over which its browser paints the class map).
- ``diagram``: ``network_figure(network)``, a network with its weights and biases;
  ``diagram_figure(Diagram(...))``, any numbers on it (the backprop page's stages).
  ``network_svg``: the same drawing as a small SVG (a notebook cell's picture of a ``Network``).
- ``cost``: ``cost_curve_figure(history)``, the playground's cost over the epochs;
  ``curves_figure``, an image network's cost and accuracy.
- ``landscape``: ``surface_figure`` and ``contour_figure``, the cost over two numbers with a
  descent's path; ``slice_figures``, a big network's filter-normalised slice.
- ``race``: ``race_figures``, the optimizer race (paths on the contour and the surface, cost by step).
- ``evolution``: evolution against gradient descent (boundaries side by side, costs by budget).
- ``images``: ``confusion_figure``, per-class accuracy, the layer map, robustness, thresholds.
- ``weights``: ``first_layer_figure(network, image_shape)``, the first layer's weights as images.
- ``plane``, ``colours``, ``plain_text``, ``pictures``, ``waiting``: what the figures share.
"""

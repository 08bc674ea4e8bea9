"""The Dash app factory.

For now one page: the curved fruit and the decision boundary of a 2-3-2 network
trained on it. Everything a page shows is built per request (no module-level
state), so sessions never share anything.
"""

from __future__ import annotations

from pathlib import Path

import dash
from dash import dcc, html

from playground.app.figures import decision_boundary_figure
from playground.data.toy import FRUIT_CURVED_BOUNDARY, make_dataset
from playground.engine import Network, Trainer, TrainingSettings

# The repository's top-level assets/ folder (CSS and JS served by Dash).
ASSETS = Path(__file__).resolve().parents[2] / "assets"

# The seed's set-up: 2-3-2, sigmoid everywhere, quadratic cost.
FRUIT_LAYERS = [2, 3, 2]
FRUIT_SETTINGS = TrainingSettings(learn_rate=3.0, batch_size=10, optimizer="sgd", seed=0)
FRUIT_EPOCHS = 300


def trained_fruit_network(seed: int = 0) -> tuple[Network, object, object]:
    """The curved fruit and a 2-3-2 sigmoid network trained on it (about 0.2 s)."""
    dataset = make_dataset("fruit-curved", seed=seed)
    network = Network(FRUIT_LAYERS, activation="sigmoid", output_activation="sigmoid", cost="quadratic", seed=seed)
    trainer = Trainer(network, dataset.train_inputs, dataset.train_labels, FRUIT_SETTINGS,
                      dataset.test_inputs, dataset.test_labels)
    result = trainer.train(FRUIT_EPOCHS)
    return network, dataset, result.history[-1]


def fruit_page() -> html.Div:
    """The page: the curved fruit, the trained network's boundary and its accuracy."""
    network, dataset, summary = trained_fruit_network()
    figure = decision_boundary_figure(
        network, dataset.train_inputs, dataset.train_labels, dataset.test_inputs, dataset.test_labels,
        dataset.class_names, dataset.feature_names,
    )
    return html.Div(className="page", children=[
        html.H1("Neural Playground"),
        html.P([
            "The fruit: is it safe to eat? A ", html.B(network.describe()),
            f" network learned the curved boundary ({FRUIT_CURVED_BOUNDARY}) from {len(dataset.train_labels)} fruits.",
        ]),
        dcc.Graph(id="decision-boundary", figure=figure, style={"height": "560px", "maxWidth": "640px"},
                  config={"toImageButtonOptions": {"format": "png", "filename": "decision-boundary"}}),
        html.P(id="accuracy", children=(
            f"train accuracy {summary.train_accuracy:.1%} · test accuracy {summary.test_accuracy:.1%} · "
            f"train cost {summary.train_cost:.4f} · test cost {summary.test_cost:.4f}"
        )),
    ])


def create_app() -> dash.Dash:
    """A new Dash app; call ``app.run()`` or hand ``app.server`` to a WSGI server."""
    app = dash.Dash(__name__, title="Neural Playground", assets_folder=str(ASSETS))
    app.layout = fruit_page  # a function: evaluated afresh for every page load
    return app

"""The 2D playground page: hand-tune every weight, watch the boundary learn (SPEC F1–F7).

Where the work happens:
- The session's whole state (points, network, training position, cost history) lives in
  ``dcc.Store`` components in the browser; callbacks are pure functions of what they are
  sent, so two sessions never share anything.
- The live views (class map, network diagram with node heatmaps, cost readouts) are
  painted by ``assets/playground.js`` from the network store, and straight from the
  pointer while a weight slider is dragged: no server round trip (and no Dash store
  update) between a mouse move and a frame.
- Training (step, play) runs in the Python engine on the server, one epoch per animation
  tick, and sends the new weights back.
"""

from __future__ import annotations

import base64
import time
import dash
import numpy as np
from dash import ALL, Input, Output, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from playground.app import state as states
from playground.app.figures import cost_curve_figure, plane_range, points_figure
from playground.data.points_csv import PointsCSVError, parse_points_csv
from playground.data.toy import FRUIT_CURVED_BOUNDARY, FRUIT_LINEAR_BOUNDARY, make_dataset, split
from playground.engine import HIDDEN_ACTIVATIONS, OPTIMIZERS, OUTPUT_ACTIVATIONS, Network, Trainer, TrainingSettings

MAX_SLIDERS = 60
MAX_HIDDEN_LAYERS = 6
MAX_WIDTH = 32
SLIDER_RANGE = 5.0
TRAIN_ROUTE = "/_playground/train"
TICK_BUDGET_SECONDS = 0.2  # finite differences on a big network: stop the epoch early

DATASET_LABELS = {
    "fruit": "fruit (linear)", "fruit-curved": "fruit (curved)", "moons": "moons", "circles": "circles",
    "xor": "XOR", "spiral": "spiral (2 arms)", "spiral-3": "spiral (3 arms)", "blobs": "blobs (3 classes)",
}
NOISE_HELP = {
    "fruit": "probability that a label is flipped", "fruit-curved": "probability that a label is flipped",
    "moons": "std of Gaussian noise", "circles": "std of Gaussian noise", "xor": "random shift of each point",
    "spiral": "std of Gaussian noise", "spiral-3": "std of Gaussian noise", "blobs": "std of each blob",
}
DEFAULT_NOISE = {"fruit": 0.0, "fruit-curved": 0.0, "moons": 0.1, "circles": 0.05, "xor": 0.0,
                 "spiral": 0.0, "spiral-3": 0.0, "blobs": 1.0}

# The seed's set-up (SPEC F2): 2-3-2, sigmoid everywhere, quadratic cost; at this learn rate
# and batch size *play* separates the curved fruit in a few seconds.
DEFAULT_SETTINGS = {"learn_rate": 3.0, "batch_size": 10, "optimizer": "sgd", "momentum": 0.9,
                    "l2": 0.0, "gradient": "backprop"}
# How the menus name the activations (the engine's names are identifiers).
ACTIVATION_LABELS = {"relu": "ReLU", "leaky_relu": "leaky ReLU", "elu": "ELU", "silu": "SiLU"}


def activation_options(names: list[str]) -> list[dict]:
    return [{"label": ACTIVATION_LABELS.get(name, name), "value": name} for name in names]


PRESETS = {
    "2-2": dict(layer_sizes=[2, 2], activations=[], output_activation="sigmoid", cost="quadratic",
                source="The seed video's first network: two inputs straight to two outputs. Without "
                       "hidden nodes its boundary is a straight line; with biases at 0 it can only "
                       "rotate about the origin until the biases move it."),
    "2-3-2": dict(layer_sizes=[2, 3, 2], activations=["sigmoid"], output_activation="sigmoid", cost="quadratic",
                  source="The seed video's network for the curved fruit: one hidden layer of 3 sigmoid "
                         "nodes, sigmoid outputs, quadratic cost."),
}


# ====================================================================== pure helpers


def generate_data(name: str, noise: float, test_fraction: float, seed: int, n_samples: int) -> dict:
    """The data store for a generated toy set (its generator settings recorded beside it)."""
    options = {"n_arms": 3} if name == "spiral-3" else {}
    dataset = make_dataset("spiral" if name == "spiral-3" else name, n_samples=n_samples, noise=noise,
                           test_fraction=test_fraction, seed=seed, **options)
    dataset.name = name
    generator = {"generator": {"name": name, "noise": noise, "test_fraction": test_fraction, "seed": seed,
                               "n_samples": n_samples}}
    return states.data_to_dict(dataset, **generator)


def view_for(data: dict, l2: float) -> dict:
    """What the browser needs to paint: the plane (data range + 10 %) and the L2 strength."""
    dataset = states.data_from_dict(data)
    x_range, y_range = plane_range(dataset.inputs)
    return {"x_range": list(x_range), "y_range": list(y_range), "resolution": 100, "l2": float(l2 or 0)}


def build_network(layer_sizes: list[int], activations: list[str], output_activation: str, cost: str,
                  seed: int, keep: dict | None = None) -> dict:
    """A new network dict; weight-layers whose shape did not change keep their weights from ``keep``."""
    network = Network(layer_sizes, activation=activations, output_activation=output_activation, cost=cost, seed=seed)
    if keep:
        old = states.network_from_dict(keep)
        for index, (W, b) in enumerate(zip(network.weights, network.biases)):
            if index < len(old.weights) and old.weights[index].shape == W.shape:
                W[...], b[...] = old.weights[index], old.biases[index]
    return states.network_to_dict(network)


def output_size(data: dict) -> int:
    """One output node per class of the data (at least two, so a prediction is a choice)."""
    return max(len(data["class_names"]), 2)


def fresh_training() -> dict:
    """The training store of a new network: no optimizer memory, position or cost history yet."""
    return {"trainer": {}, "history": {"epoch": [], "train": [], "test": []}}


def architecture(network: dict) -> dict:
    """The parts of a network that decide which sliders exist."""
    return {key: network[key] for key in ("layer_sizes", "activations", "output_activation", "cost")}


def train_session(network_dict: dict, data: dict, settings: TrainingSettings, trainer_state: dict | None,
                  batches: int | None) -> tuple[Network, Trainer, dict, float]:
    """Run ``batches`` steps (None: to the end of the current epoch) from a stored training position.

    Returns the network, the trainer, the new trainer state and the seconds per batch.
    """
    network = states.network_from_dict(network_dict)
    dataset = states.data_from_dict(data)
    if len(dataset.train_labels) == 0:
        raise ValueError("there is no training data: add some points first")
    trainer = Trainer(network, dataset.train_inputs, dataset.train_labels, settings,
                      dataset.test_inputs, dataset.test_labels)
    trainer_state = trainer_state or {}
    if trainer_state.get("optimizer_name") == settings.optimizer:
        restore_optimizer(trainer.optimizer, trainer_state.get("optimizer", {}), network)
    trainer.resume_at(trainer_state.get("epoch", 0), trainer_state.get("position", 0))
    start, done = time.perf_counter(), 0
    while not trainer.diverged:
        event = trainer.train_batch()
        done += 1
        if event is None or (batches is not None and done >= batches):
            break
        if batches is None and (event.end_of_epoch or time.perf_counter() - start > TICK_BUDGET_SECONDS):
            break
    seconds_per_batch = (time.perf_counter() - start) / max(done, 1)
    new_state = {"epoch": trainer.epoch, "position": trainer.position, "optimizer_name": settings.optimizer,
                 "optimizer": optimizer_state(trainer.optimizer)}
    return network, trainer, new_state, seconds_per_batch


def optimizer_state(optimizer) -> dict:
    """An optimizer's memory (velocities, running averages, step count) as JSON-able lists."""
    return {key: [array.tolist() for array in value] if isinstance(value, list) else value
            for key, value in optimizer.state_dict().items()}


def restore_optimizer(optimizer, stored: dict, network: Network) -> None:
    """Put back an optimizer's memory saved by ``optimizer_state`` (ignored if it does not fit)."""
    try:
        optimizer.load_state_dict(stored, network.parameters())
    except (ValueError, TypeError):
        pass  # another network or optimizer: start its memory afresh


def edit_points(data: dict, click: dict | None, click_class: int) -> dict:
    """Add a training point of ``click_class`` where the plane was clicked, or remove the clicked point."""
    if not click:
        raise PreventUpdate
    data = {**data, "generator": None}  # no longer what the generator made
    remove = click.get("remove")
    if remove:
        part, index = remove["part"], int(remove["index"])
        data[f"{part}_inputs"] = [p for k, p in enumerate(data[f"{part}_inputs"]) if k != index]
        data[f"{part}_labels"] = [y for k, y in enumerate(data[f"{part}_labels"]) if k != index]
        return data
    if len(data["train_labels"]) + len(data["test_labels"]) >= states.MAX_POINTS:
        raise PreventUpdate
    if not 0 <= click_class < len(data["class_names"]):
        raise PreventUpdate
    data["train_inputs"] = data["train_inputs"] + [[float(click["x"]), float(click["y"])]]
    data["train_labels"] = data["train_labels"] + [click_class]
    return data


def time_other_method(trainer: Trainer, method: str) -> float:
    """Seconds one batch's gradient takes by ``method`` (without changing the network)."""
    inputs, targets = trainer.inputs[: trainer.settings.batch_size], trainer.targets[: trainer.settings.batch_size]
    original = trainer.settings.gradient
    trainer.settings.gradient = method
    start = time.perf_counter()
    trainer.batch_gradients(inputs, targets)
    elapsed = time.perf_counter() - start
    trainer.settings.gradient = original
    return elapsed


def train_request(body: dict) -> dict:
    """One request of the play loop: train from the state the browser sent, return the new state.

    ``body`` holds network, data, trainer (position and optimizer memory), settings and
    ``batches`` (1 for *step*, null for one epoch per animation frame) and ``time_both``
    (also time one batch by the other gradient method, for the side-by-side). Stateless: the
    browser owns the session, so two sessions can never mix.
    """
    settings = body.get("settings") or {}
    gradient = settings.get("gradient", "backprop")
    training_settings = TrainingSettings(
        learn_rate=float(settings.get("learn_rate", DEFAULT_SETTINGS["learn_rate"])),
        batch_size=int(settings.get("batch_size", DEFAULT_SETTINGS["batch_size"])),
        optimizer=settings.get("optimizer", "sgd"), momentum=float(settings.get("momentum", 0.9)),
        l2=float(settings.get("l2") or 0), gradient=gradient, seed=int(settings.get("seed") or 0))
    batches = body.get("batches")
    network, trainer, trainer_state, per_batch = train_session(
        body["network"], body["data"], training_settings, body.get("trainer"), None if batches is None else int(batches))
    summary = trainer.evaluate()
    seconds = {gradient: per_batch}
    if body.get("time_both", True):
        other = "finite_differences" if gradient == "backprop" else "backprop"
        seconds[other] = time_other_method(trainer, other)
    return {
        "network": states.network_to_dict(network),
        "trainer": trainer_state,
        "epoch": round(trainer.epoch + trainer.position / max(len(trainer.inputs), 1), 4),
        "train_cost": summary.train_cost, "test_cost": summary.test_cost,
        "timing": {method: 1000 * value for method, value in seconds.items()},
        "diverged": trainer.diverged,
    }


def train_route():
    """Flask view for ``TRAIN_ROUTE``: JSON in, JSON out; bad input gets a 400 with a clear message."""
    from flask import jsonify, request

    body = request.get_json(silent=True)
    if not isinstance(body, dict) or "network" not in body or "data" not in body:
        return jsonify({"error": "expected JSON with network, data, trainer and settings"}), 400
    try:
        return jsonify(train_request(body))
    except (ValueError, KeyError, TypeError) as error:
        return jsonify({"error": str(error)}), 400


def slider_groups(network: dict, layer_choice: int | None, node_choice: int | None) -> tuple[list, str, list, list]:
    """Which sliders to show (SPEC F3): all if ≤ 60 parameters, else one layer, else one node.

    Returns (sliders as (kind, layer, row, col, value)), a caption, layer options, node options.
    """
    sizes = network["layer_sizes"]
    layers = list(range(1, len(sizes)))
    per_layer = {l: sizes[l - 1] * sizes[l] + sizes[l] for l in layers}
    total = sum(per_layer.values())
    weights, biases = network["weights"], network["biases"]

    def layer_sliders(l: int, only_node: int | None = None) -> list:
        nodes = range(sizes[l]) if only_node is None else [only_node]
        chosen = [("weight", l, i, j, weights[l - 1][i][j]) for j in nodes for i in range(sizes[l - 1])]
        return chosen + [("bias", l, 0, j, biases[l - 1][j]) for j in nodes]

    if total <= MAX_SLIDERS:
        return [s for l in layers for s in layer_sliders(l)], f"all {total} parameters", [], []
    layer = layer_choice if layer_choice in layers else layers[0]
    layer_options = [{"label": f"weight-layer {l} ({per_layer[l]} parameters)", "value": l} for l in layers]
    if per_layer[layer] <= MAX_SLIDERS:
        return layer_sliders(layer), f"weight-layer {layer} of {len(layers)} ({total} parameters in all)", layer_options, []
    node = node_choice if node_choice is not None and 0 <= node_choice < sizes[layer] else 0
    node_options = [{"label": f"node {j}", "value": j} for j in range(sizes[layer])]
    return (layer_sliders(layer, node), f"node {node} of weight-layer {layer}: its incoming weights and bias",
            layer_options, node_options)


def slider_component(kind: str, layer: int, row: int, col: int, value: float) -> html.Div:
    """One labelled slider: W[l][i,j] (from node i of layer l−1 to node j of layer l) or b[l][j]."""
    if kind == "weight":
        label, slider_id = f"W[{layer}][{row},{col}]", {"type": "weight-slider", "layer": layer, "row": row, "col": col}
    else:
        label, slider_id = f"b[{layer}][{col}]", {"type": "bias-slider", "layer": layer, "col": col}
    value = round(float(value), 3)
    low, high = min(-SLIDER_RANGE, np.floor(value)), max(SLIDER_RANGE, np.ceil(value))
    return html.Div(className="slider-row", children=[
        html.Span(label, className="slider-label"),
        dcc.Slider(id=slider_id, min=low, max=high, step=0.001, value=value, marks=None,
                   updatemode="mouseup", allow_direct_input=False,
                   tooltip={"placement": "top", "always_visible": True}),
    ])


def layer_controls(network: dict) -> list:
    """Width and activation inputs, one row per hidden layer."""
    rows = []
    for index, width in enumerate(network["layer_sizes"][1:-1]):
        rows.append(html.Div(className="layer-row", children=[
            html.Span(f"hidden layer {index + 1}", className="layer-name"),
            dcc.Input(id={"type": "layer-width", "index": index}, type="number", min=1, max=MAX_WIDTH, step=1,
                      value=width, debounce=True, className="layer-width"),
            dcc.Dropdown(id={"type": "layer-activation", "index": index}, options=activation_options(HIDDEN_ACTIVATIONS),
                         value=network["activations"][index], clearable=False, className="layer-activation"),
        ]))
    return rows or [html.Div("no hidden layer: the boundary is a straight line", className="hint")]


def network_notes(network: dict) -> str:
    """Warnings a student should see about the chosen activations."""
    if "step" in network["activations"]:
        return ("Step has zero slope almost everywhere, so gradient descent cannot learn through it: "
                "drag its weights by hand, or do as the seed did and move to sigmoid.")
    return ""


def noise_hint(name: str) -> str:
    formula = {"fruit": FRUIT_LINEAR_BOUNDARY, "fruit-curved": FRUIT_CURVED_BOUNDARY}.get(name)
    return f"noise: {NOISE_HELP[name]}" + (f" · poisonous when {formula}" if formula else "")


# ====================================================================== layout


def initial_state() -> tuple[dict, dict]:
    data = generate_data("fruit-curved", 0.0, 0.2, 0, 200)
    preset = PRESETS["2-3-2"]
    network = build_network(preset["layer_sizes"], preset["activations"], preset["output_activation"],
                            preset["cost"], seed=0)
    return data, network


def control(label: str, component, hint: str | None = None, **kwargs) -> html.Div:
    children = [html.Label(label), component]
    if hint is not None:
        children.append(html.Div(hint, className="hint", **kwargs))
    return html.Div(className="control", children=children)


def layout() -> html.Div:
    """The page, built afresh for every visitor."""
    data, network = initial_state()
    view = view_for(data, 0.0)
    dataset = states.data_from_dict(data)
    sliders, caption, layer_options, node_options = slider_groups(network, None, None)
    settings = DEFAULT_SETTINGS
    return html.Div(className="playground", children=[
        dcc.Location(id="url", refresh=False),
        dcc.Store(id="data", data=data),
        dcc.Store(id="network", data=network),
        dcc.Store(id="architecture", data=architecture(network)),
        dcc.Store(id="view", data=view),
        dcc.Store(id="training", data=fresh_training()),
        dcc.Store(id="playing", data=False),
        dcc.Store(id="render-done"),
        dcc.Store(id="export-done"),
        dcc.Store(id="plane-click"),
        dcc.Store(id="settings-done"), dcc.Store(id="adopt-done"), dcc.Store(id="step-done"),
        dcc.Download(id="json-download"),

        html.Header(className="topbar", children=[
            html.H1("Neural Playground"),
            html.Div(className="learning", children=[
                html.Button("reset", id="reset", title="new random weights from the seed"),
                html.Button("step", id="step", title="one gradient-descent step on one mini-batch (key: s)"),
                html.Button("play", id="play", className="play", title="train continuously (key: space)"),
                html.Span("epoch 0", id="epoch-label", className="epoch"),
                html.Div(className="control lr", children=[
                    html.Label("learn rate 3", id="learn-rate-label"),
                    dcc.Slider(id="learn-rate", min=-4, max=1, step=0.01, value=float(np.log10(settings["learn_rate"])),
                               marks={k: f"1e{k}" if k < 0 else str(10 ** k) for k in range(-4, 2)},
                               allow_direct_input=False, updatemode="drag"),
                ]),
                control("batch size", dcc.Dropdown(id="batch-size", options=[1, 2, 5, 10, 20, 32, 50, 100, 200],
                                                   value=settings["batch_size"], clearable=False)),
                control("optimizer", dcc.Dropdown(id="optimizer", options=list(OPTIMIZERS), value=settings["optimizer"],
                                                  clearable=False)),
                control("momentum", dcc.Slider(id="momentum", min=0, max=0.99, step=0.01, value=settings["momentum"],
                                               marks={0: "0", 0.5: "0.5", 0.9: "0.9"}, allow_direct_input=False)),
                control("L2", dcc.Input(id="l2", type="number", min=0, step=0.001, value=settings["l2"],
                                        debounce=True)),
                # Each method's time per step beside it, measured while training runs.
                control("gradient by · time per step", html.Div(className="gradient-choice", children=[
                    dcc.RadioItems(id="gradient", value=settings["gradient"], options=[
                        {"label": "backpropagation", "value": "backprop"},
                        {"label": "finite differences", "value": "finite_differences"}]),
                    html.Div(id="timing", className="timing", children="–\n–"),
                ])),
            ]),
            html.Div(id="train-message", className="message"),
        ]),

        html.Main(className="columns", children=[
            html.Section(className="column data-column", children=[
                html.H2("Data"),
                control("problem", dcc.Dropdown(id="dataset", options=[{"label": v, "value": k} for k, v in DATASET_LABELS.items()],
                                                value="fruit-curved", clearable=False)),
                control("noise", dcc.Slider(id="noise", min=0, max=1, step=0.01, value=0.0, marks={0: "0", 0.5: "0.5", 1: "1"},
                                            allow_direct_input=False), hint=noise_hint("fruit-curved"), id="noise-hint"),
                control("test data", dcc.Slider(id="test-fraction", min=0, max=0.9, step=0.05, value=0.2,
                                                marks={0: "0 %", 0.5: "50 %", 0.9: "90 %"}, allow_direct_input=False)),
                control("points", dcc.Input(id="samples", type="number", min=10, max=2000, step=10, value=200, debounce=True)),
                control("data seed", dcc.Input(id="data-seed", type="number", min=0, step=1, value=0, debounce=True)),
                html.Button("new points", id="regenerate"),
                control("a click on the plane adds", dcc.RadioItems(id="click-class", value=0, options=[
                    {"label": name, "value": k} for k, name in enumerate(dataset.class_names)]),
                        hint="click a point to remove it"),
                dcc.Upload(id="csv-upload", className="upload", max_size=1_000_000,
                           children=html.Div(["load your own CSV (x1, x2, label)"])),
                html.Div(id="data-message", className="message"),
            ]),

            html.Section(className="column network-column", children=[
                html.H2("Network"),
                html.Div(className="presets", children=[
                    html.Span("the seed's fruit networks: "),
                    html.Button("2-2", id="preset-2-2", title=PRESETS["2-2"]["source"]),
                    html.Button("2-3-2", id="preset-2-3-2", title=PRESETS["2-3-2"]["source"]),
                ]),
                html.Div(PRESETS["2-3-2"]["source"], id="preset-source", className="hint"),
                html.Div(className="layer-buttons", children=[
                    html.Button("+ layer", id="add-layer"), html.Button("− layer", id="remove-layer"),
                ]),
                html.Div(layer_controls(network), id="layer-controls"),
                control("output", dcc.Dropdown(id="output-activation", options=OUTPUT_ACTIVATIONS,
                                               value=network["output_activation"], clearable=False)),
                control("cost", dcc.Dropdown(id="cost", options=[{"label": "quadratic", "value": "quadratic"},
                                                                 {"label": "cross-entropy", "value": "cross_entropy"}],
                                             value=network["cost"], clearable=False)),
                control("weight seed (for reset)", dcc.Input(id="weight-seed", type="number", min=0, step=1, value=0, debounce=True)),
                html.Div(id="network-message", className="message"),
                html.Canvas(id="network-canvas", className="network-canvas"),
                html.Button("PNG", id="export-network", className="export", title="download the diagram as PNG"),
            ]),

            html.Section(className="column output-column", children=[
                html.H2("Output"),
                html.Div(className="boundary-wrapper", children=[
                    html.Canvas(id="boundary-canvas", className="boundary-canvas"),
                    dcc.Graph(id="boundary-graph", figure=points_figure(
                        dataset.train_inputs, dataset.train_labels, dataset.test_inputs, dataset.test_labels,
                        dataset.class_names, dataset.feature_names, view["x_range"], view["y_range"]),
                        config={"displayModeBar": False}, style={"height": "460px"}),
                ]),
                html.Button("PNG", id="export-boundary", className="export", title="download the boundary as PNG"),
                html.Div(id="readouts"),
                dcc.Graph(id="cost-graph", figure=cost_curve_figure({}),
                          config={"displaylogo": False, "toImageButtonOptions": {"format": "png", "filename": "cost"}}),
            ]),
        ]),

        html.Section(className="sliders-section", children=[
            html.H2("Weights and biases"),
            html.Div(className="slider-pickers", children=[
                dcc.Dropdown(id="slider-layer", options=layer_options, value=None, placeholder="weight-layer",
                             clearable=False, style={"display": "block" if layer_options else "none"}),
                dcc.Dropdown(id="slider-node", options=node_options, value=None, placeholder="node",
                             clearable=False, style={"display": "block" if node_options else "none"}),
                html.Span(caption, id="slider-caption", className="hint"),
            ]),
            html.Div([slider_component(*s) for s in sliders], id="sliders", className="sliders"),
        ]),

        html.Footer(className="share", children=[
            html.Button("share link", id="share"),
            dcc.Input(id="share-link", readOnly=True, className="share-link", placeholder="press 'share link'"),
            html.Button("save JSON", id="save-json"),
            dcc.Upload(id="json-upload", className="upload", max_size=5_000_000,
                       children=html.Div("load JSON")),
            html.Div(id="share-message", className="message"),
        ]),
    ])


# ====================================================================== callbacks


def register_callbacks(app: dash.Dash) -> None:
    """Wire the page's callbacks into ``app``."""

    # ---- live drawing and slider sync (in the browser)
    app.clientside_callback(
        dash.ClientsideFunction("playground", "render"),
        Output("render-done", "data"),
        Input("network", "data"), Input("data", "data"), Input("view", "data"),
    )
    weight_sliders = {"type": "weight-slider", "layer": ALL, "row": ALL, "col": ALL}
    bias_sliders = {"type": "bias-slider", "layer": ALL, "col": ALL}
    app.clientside_callback(
        dash.ClientsideFunction("playground", "syncSliders"),
        Output("network", "data", allow_duplicate=True),
        Output(weight_sliders, "value"), Output(weight_sliders, "min"), Output(weight_sliders, "max"),
        Output(bias_sliders, "value"), Output(bias_sliders, "min"), Output(bias_sliders, "max"),
        Input("network", "data"), Input(weight_sliders, "value"), Input(bias_sliders, "value"),
        State(weight_sliders, "id"), State(bias_sliders, "id"),
        State(weight_sliders, "min"), State(weight_sliders, "max"), State(bias_sliders, "min"), State(bias_sliders, "max"),
        prevent_initial_call=True,
    )
    app.clientside_callback(dash.ClientsideFunction("playground", "learnRateLabel"),
                            Output("learn-rate-label", "children"), Input("learn-rate", "value"),
                            Input("optimizer", "value"))
    app.clientside_callback(dash.ClientsideFunction("playground", "exportPNG"), Output("export-done", "data"),
                            Input("export-boundary", "n_clicks"), Input("export-network", "n_clicks"),
                            prevent_initial_call=True)
    app.clientside_callback(dash.ClientsideFunction("playground", "togglePlay"),
                            Output("playing", "data"), Output("play", "children"),
                            Input("play", "n_clicks"), State("playing", "data"), prevent_initial_call=True)

    # ---- data
    # A new data set starts a new training run (cost history, optimizer memory, position);
    # points clicked onto the current one keep it.
    @app.callback(
        Output("data", "data"), Output("noise", "value"), Output("training", "data", allow_duplicate=True),
        Output("data-message", "children", allow_duplicate=True),
        Input("dataset", "value"), Input("noise", "value"), Input("test-fraction", "value"),
        Input("data-seed", "value"), Input("samples", "value"), Input("regenerate", "n_clicks"),
        State("data", "data"), prevent_initial_call=True,
    )
    def make_data(name, noise, test_fraction, seed, n_samples, _regenerate, current):
        if n_samples is None or not 10 <= n_samples <= 2000 or int(n_samples) != n_samples:
            return no_update, no_update, no_update, "points: a whole number from 10 to 2000. Your data is unchanged."
        if seed is None or seed < 0 or int(seed) != seed:
            return no_update, no_update, no_update, "data seed: a whole number from 0 up. Your data is unchanged."
        generator = {"name": name, "noise": noise, "test_fraction": test_fraction, "seed": seed, "n_samples": n_samples}
        if ctx.triggered_id != "regenerate" and current.get("generator") == generator:
            raise PreventUpdate  # the controls were set to match loaded data: keep its points
        if ctx.triggered_id == "dataset":
            noise = DEFAULT_NOISE[name]  # each problem starts at its own usual noise
        data = generate_data(name, float(noise), float(test_fraction), int(seed), int(n_samples))
        return data, noise if ctx.triggered_id == "dataset" else no_update, fresh_training(), ""

    @app.callback(Output("noise-hint", "children"), Input("dataset", "value"), Input("regenerate", "n_clicks"),
                  prevent_initial_call=True)
    def describe_noise(name, _regenerate):
        return noise_hint(name)

    @app.callback(
        Output("data", "data", allow_duplicate=True),
        Input("plane-click", "data"), State("data", "data"), State("click-class", "value"),
        prevent_initial_call=True,
    )
    def click_plane(click, data, click_class):
        # assets/playground.js reports where the plane was clicked and which point, if any, is under it.
        return edit_points(data, click, int(click_class or 0))

    @app.callback(
        Output("data", "data", allow_duplicate=True), Output("data-message", "children"),
        Output("training", "data", allow_duplicate=True), Output("noise-hint", "children", allow_duplicate=True),
        Input("csv-upload", "contents"), State("csv-upload", "filename"), State("test-fraction", "value"),
        State("data-seed", "value"), prevent_initial_call=True,
    )
    def upload_csv(contents, filename, test_fraction, seed):
        if contents is None:
            raise PreventUpdate
        try:
            raw = base64.b64decode(contents.split(",", 1)[1])
            inputs, labels, class_names = parse_points_csv(raw)
            dataset = split("custom", inputs, labels, float(test_fraction), int(seed or 0), class_names, ["x1", "x2"])
        except (PointsCSVError, ValueError, IndexError) as error:
            return no_update, f"{filename}: {error}. Your data is unchanged.", no_update, no_update
        return (states.data_to_dict(dataset, generator=None), f"loaded {len(labels)} points from {filename}",
                fresh_training(), f"your own points from {filename}; 'new points' goes back to the problem above")

    @app.callback(
        Output("boundary-graph", "figure"), Output("view", "data"), Output("click-class", "options"),
        Output("network", "data", allow_duplicate=True), Output("architecture", "data", allow_duplicate=True),
        Output("training", "data", allow_duplicate=True),
        Input("data", "data"), Input("l2", "value"), State("network", "data"), State("weight-seed", "value"),
        prevent_initial_call=True,
    )
    def show_data(data, l2, network, weight_seed):
        dataset = states.data_from_dict(data)
        view = view_for(data, l2)
        figure = points_figure(dataset.train_inputs, dataset.train_labels, dataset.test_inputs, dataset.test_labels,
                               dataset.class_names, dataset.feature_names, view["x_range"], view["y_range"])
        options = [{"label": name, "value": k} for k, name in enumerate(dataset.class_names)]
        if network["layer_sizes"][-1] == output_size(data) or ctx.triggered_id == "l2":
            return figure, view, options, no_update, no_update, no_update
        # One output node per class: rebuild the output layer, keep the hidden ones.
        sizes = network["layer_sizes"][:-1] + [output_size(data)]
        new = build_network(sizes, network["activations"], network["output_activation"], network["cost"],
                            int(weight_seed or 0), keep=network)
        return figure, view, options, new, architecture(new), fresh_training()

    # ---- network structure
    @app.callback(
        Output("network", "data", allow_duplicate=True), Output("architecture", "data"),
        Output("layer-controls", "children"), Output("network-message", "children"),
        Output("training", "data", allow_duplicate=True),
        Output("output-activation", "value"), Output("cost", "value"), Output("preset-source", "children"),
        Input("add-layer", "n_clicks"), Input("remove-layer", "n_clicks"),
        Input({"type": "layer-width", "index": ALL}, "value"), Input({"type": "layer-activation", "index": ALL}, "value"),
        Input("output-activation", "value"), Input("cost", "value"), Input("preset-2-2", "n_clicks"),
        Input("preset-2-3-2", "n_clicks"), Input("reset", "n_clicks"), State("weight-seed", "value"),
        State("network", "data"), State("data", "data"), prevent_initial_call=True,
    )
    def change_network(_add, _remove, widths, activations, output_activation, cost, _p22, _p232, _reset, seed,
                       network, data):
        trigger = ctx.triggered_id
        sizes, names = list(network["layer_sizes"]), list(network["activations"])
        source = no_update
        keep = network
        if trigger in ("preset-2-2", "preset-2-3-2"):
            preset = PRESETS[trigger.removeprefix("preset-")]
            sizes, names = list(preset["layer_sizes"]), list(preset["activations"])
            output_activation, cost, source, keep = preset["output_activation"], preset["cost"], preset["source"], None
        elif trigger == "add-layer":
            if len(sizes) - 2 >= MAX_HIDDEN_LAYERS:
                return (no_update,) * 3 + (f"at most {MAX_HIDDEN_LAYERS} hidden layers",) + (no_update,) * 4
            sizes.insert(-1, sizes[-2] if len(sizes) > 2 else 3)
            names.append(names[-1] if names else "tanh")
        elif trigger == "remove-layer":
            if len(sizes) <= 2:
                raise PreventUpdate
            del sizes[-2], names[-1]
        elif trigger == "reset":  # new random weights from the weight seed
            keep = None
        elif isinstance(trigger, dict):  # a width or activation of one hidden layer
            if any(w is None or not 1 <= w <= MAX_WIDTH or int(w) != w for w in widths):
                return (no_update,) * 3 + (f"a layer's width must be a whole number from 1 to {MAX_WIDTH}",) + (no_update,) * 4
            sizes = [2, *[int(w) for w in widths], sizes[-1]]
            names = list(activations)
        sizes[-1] = output_size(data)
        wanted = {"layer_sizes": sizes, "activations": names, "output_activation": output_activation, "cost": cost}
        if keep is not None and wanted == architecture(network):
            raise PreventUpdate  # the controls were set to match a loaded network: nothing changes
        try:
            new = build_network(sizes, names, output_activation, cost, int(seed or 0), keep=keep)
        except ValueError as error:  # e.g. cross-entropy with a linear output: keep the old choice
            return (no_update, no_update, no_update, f"{error}", no_update,
                    network["output_activation"], network["cost"], no_update)
        if source is no_update and architecture(new) != architecture(network):
            source = ""  # no longer the preset its description speaks of
        controls = layer_controls(new) if architecture(new)["layer_sizes"] != network["layer_sizes"] or trigger in (
            "preset-2-2", "preset-2-3-2", "add-layer", "remove-layer") else no_update
        return (new, architecture(new), controls, network_notes(new), fresh_training(),
                new["output_activation"], new["cost"], source)

    @app.callback(
        Output("sliders", "children"), Output("slider-caption", "children"),
        Output("slider-layer", "options"), Output("slider-layer", "style"),
        Output("slider-node", "options"), Output("slider-node", "style"),
        Output("slider-layer", "value"), Output("slider-node", "value"),
        Input("architecture", "data"), Input("slider-layer", "value"), Input("slider-node", "value"),
        State("network", "data"), prevent_initial_call=True,
    )
    def show_sliders(_architecture, layer, node, network):
        sliders, caption, layer_options, node_options = slider_groups(network, layer, node)
        # Show which layer (and node) the sliders belong to in the pickers themselves.
        shown_layer = sliders[0][1] if layer_options else None
        shown_node = sliders[-1][3] if node_options else None
        return ([slider_component(*s) for s in sliders], caption,
                layer_options, {"display": "block" if layer_options else "none"},
                node_options, {"display": "block" if node_options else "none"},
                shown_layer if shown_layer != layer else no_update, shown_node if shown_node != node else no_update)

    # ---- learning: the browser's play loop posts to this route (see assets/playground.js)
    app.server.add_url_rule(TRAIN_ROUTE, "playground_train", train_route, methods=["POST"])
    app.clientside_callback(dash.ClientsideFunction("playground", "settings"), Output("settings-done", "data"),
                            Input("learn-rate", "value"), Input("batch-size", "value"), Input("optimizer", "value"),
                            Input("momentum", "value"), Input("l2", "value"), Input("gradient", "value"),
                            Input("weight-seed", "value"))
    app.clientside_callback(dash.ClientsideFunction("playground", "adopt"), Output("adopt-done", "data"),
                            Input("training", "data"))
    app.clientside_callback(dash.ClientsideFunction("playground", "step"), Output("step-done", "data"),
                            Input("step", "n_clicks"), prevent_initial_call=True)
    app.clientside_callback(
        """function(training) { return window.dash_clientside.playground.costFigure(training.history); }""",
        Output("cost-graph", "figure", allow_duplicate=True), Input("training", "data"), prevent_initial_call=True,
    )

    # ---- share and save
    def current_state(data, network, log_lr, batch_size, optimizer, momentum, l2, gradient, data_seed, weight_seed):
        settings = {"learn_rate": float(10 ** float(log_lr)), "batch_size": batch_size, "optimizer": optimizer,
                    "momentum": momentum, "l2": l2 or 0, "gradient": gradient, "data_seed": data_seed,
                    "weight_seed": weight_seed}
        return {"data": data, "network": network, "settings": settings}

    state_inputs = [State("data", "data"), State("network", "data"), State("learn-rate", "value"),
                    State("batch-size", "value"), State("optimizer", "value"), State("momentum", "value"),
                    State("l2", "value"), State("gradient", "value"), State("data-seed", "value"),
                    State("weight-seed", "value")]

    @app.callback(Output("url", "hash"), Output("share-link", "value"), Output("share-message", "children"),
                  Input("share", "n_clicks"), State("url", "href"), *state_inputs, prevent_initial_call=True)
    def share(_clicks, href, *values):
        fragment = states.encode_share(current_state(*values))
        if len(fragment) > states.MAX_SHARE_CHARACTERS:
            return (no_update, "", f"This state is {len(fragment):,} characters compressed: too large for a link. "
                                   "Use 'save JSON' and share the file instead.")
        base = (href or "").split("#")[0]
        return "#" + fragment, f"{base}#{fragment}", f"link ready: {len(fragment):,} characters, the whole state"

    @app.callback(Output("json-download", "data"), Input("save-json", "n_clicks"), *state_inputs,
                  prevent_initial_call=True)
    def save_json(_clicks, *values):
        return dict(content=states.state_to_json(current_state(*values)), filename="playground.json")

    load_outputs = [
        Output("data", "data", allow_duplicate=True), Output("network", "data", allow_duplicate=True),
        Output("architecture", "data", allow_duplicate=True), Output("layer-controls", "children", allow_duplicate=True),
        Output("training", "data", allow_duplicate=True), Output("dataset", "value"), Output("noise", "value", allow_duplicate=True), Output("test-fraction", "value"),
        Output("data-seed", "value"), Output("samples", "value"), Output("output-activation", "value", allow_duplicate=True),
        Output("cost", "value", allow_duplicate=True), Output("learn-rate", "value"), Output("batch-size", "value"),
        Output("optimizer", "value"), Output("momentum", "value"), Output("l2", "value"), Output("gradient", "value"),
        Output("weight-seed", "value"), Output("share-message", "children", allow_duplicate=True),
    ]

    def load_outputs_for(state: dict, message: str) -> tuple:
        data, network, settings = state["data"], state["network"], state["settings"]
        # Data controls show how the points were made; for clicked or uploaded points they stay
        # as they are (setting them would make the generator replace the points).
        generator = data.get("generator") or {}
        controls = [generator.get(key, no_update) for key in ("name", "noise", "test_fraction", "seed", "n_samples")]
        return (data, network, architecture(network), layer_controls(network), fresh_training(), *controls,
                network["output_activation"], network["cost"],
                float(np.log10(settings.get("learn_rate", 3.0))), settings.get("batch_size", 10),
                settings.get("optimizer", "sgd"), settings.get("momentum", 0.9), settings.get("l2", 0),
                settings.get("gradient", "backprop"), settings.get("weight_seed", 0), message)

    @app.callback(*load_outputs, Input("url", "hash"), State("share-link", "value"),
                  prevent_initial_call="initial_duplicate")
    def load_link(fragment, shared):
        if not fragment or not fragment.lstrip("#").startswith(states.SHARE_PREFIX):
            raise PreventUpdate
        if shared and shared.endswith(fragment):
            raise PreventUpdate  # 'share link' just wrote this page's own state into the address bar
        try:
            state = states.decode_share(fragment)
        except states.StateError as error:
            return (no_update,) * (len(load_outputs) - 1) + (f"This link could not be loaded: {error}",)
        return load_outputs_for(state, "loaded the shared state from the link")

    @app.callback(*load_outputs, Input("json-upload", "contents"), State("json-upload", "filename"),
                  prevent_initial_call=True)
    def load_json(contents, filename):
        if contents is None:
            raise PreventUpdate
        try:
            state = states.state_from_json(base64.b64decode(contents.split(",", 1)[1]))
        except (states.StateError, ValueError, IndexError) as error:
            return (no_update,) * (len(load_outputs) - 1) + (f"{filename}: {error}. Nothing was changed.",)
        return load_outputs_for(state, f"loaded {filename}")



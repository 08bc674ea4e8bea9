"""The engine and its figures in a Jupyter notebook (SPEC F29).

    %load_ext playground.notebook                   # or: playground.notebook.register()
    network                                         # a cell ending in a Network draws it (SVG)
    dataset                                         # … in a data set of 2-D points: its scatter
    history = train(network, dataset, epochs=300, learn_rate=3)   # a progress bar; the cost history
    cost_curve_figure(history)                      # the playground's own cost curve of it
    show(network, dataset)                          # the playground itself, inline, on them

The engine knows nothing of Plotly or IPython (an import-linter contract): the pictures are
registered here, with IPython's display formatters, for the engine's and the data's own classes.
"""

from __future__ import annotations

import socket
from typing import Any

import numpy as np

from playground.data.features import feature_matrix
from playground.data.points import Points
from playground.data.toy import Dataset
from playground.engine import Network, Trainer, TrainingSettings, score
from playground.plots.boundary import points_figure
from playground.plots.network_svg import network_svg
from playground.plots.plane import plane_range

Array = np.ndarray
# Plotly's renderer in a Jupyter kernel writes only its own mime type, which the rendered HTML of a
# notebook (nbconvert, a static page) cannot draw: each figure also carries its HTML (plotly.js
# written once into the notebook, so it draws offline too).
RENDERER = "plotly_mimetype+notebook"


# ------------------------------------------------------------------ rich display


def data_figure(data: Dataset | Points) -> Any:
    """The scatter a notebook shows for 2-D points: the playground page's own points figure
    (training points filled, test points hollow) over the data's range."""
    inputs = np.concatenate([np.reshape(data.train_inputs, (-1, 2)), np.reshape(data.test_inputs, (-1, 2))])
    x_range, y_range = plane_range(inputs)
    names = list(getattr(data, "feature_names", None) or ["x1", "x2"])
    figure = points_figure(
        data.train_inputs,
        data.train_labels,
        data.test_inputs,
        data.test_labels,
        list(data.class_names),
        names,
        x_range,
        y_range,
    )
    figure.update_layout(height=440, width=560, margin=dict(t=40), title=dict(text=data.name, font=dict(size=13)))
    return figure


def display_data(data: Dataset | Points) -> None:
    """What a cell ending in a data set shows: its scatter (2-D points; image rows, their summary).
    Shown as a figure (not a mime bundle of one), so plotly.js is written once per notebook."""
    from IPython.display import display

    if np.ndim(data.train_inputs) == 2 and np.shape(data.train_inputs)[1] == 2:
        display(data_figure(data))
    else:
        n_train, n_test = len(data.train_labels), len(data.test_labels)
        print(f"{data.name}: {n_train:,} training and {n_test:,} test samples, {np.shape(data.train_inputs)[1:]} each")


def register(ipython: Any = None) -> None:
    """Show networks and data sets as pictures in this IPython kernel (``ipython``: the running one)."""
    import plotly.io as pio

    if ipython is None:
        from IPython import get_ipython

        ipython = get_ipython()
    if ipython is None:
        raise RuntimeError("playground.notebook.register() needs a running IPython kernel (a notebook)")
    formatters = ipython.display_formatter
    formatters.formatters["image/svg+xml"].for_type(Network, network_svg)
    for kind in (Dataset, Points):
        formatters.ipython_display_formatter.for_type(kind, display_data)
    if pio.renderers.default == "plotly_mimetype":  # Plotly's choice in Jupyter; Colab, VS Code, … keep theirs
        pio.renderers.default = RENDERER


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext playground.notebook``."""
    register(ipython)


# ------------------------------------------------------------------ training with a progress bar


def network_inputs(network: Network, points: Array) -> Array:
    """What the network's input nodes take: the points, or the features it names (x1², sin x1, …)."""
    return points if network.input_names is None else feature_matrix(np.asarray(points), network.input_names)


def progress_bar(epochs: int, shown: bool) -> tuple[Any, Any]:
    """A progress bar over the epochs: tqdm's notebook bar in a kernel with ipywidgets (and the
    handle of its display, to show its end in a saved notebook), else tqdm's text bar."""
    from tqdm.auto import tqdm
    from tqdm.notebook import tqdm_notebook

    if not (issubclass(tqdm, tqdm_notebook) and shown):
        return tqdm(total=epochs, desc="training", unit="epoch", disable=not shown), None
    from IPython.display import display

    bar = tqdm(total=epochs, desc="training", unit="epoch", display=False)
    return bar, display(bar.container, display_id=True)


def train(
    network: Network, data: Dataset | Points, epochs: int = 100, progress: bool = True, **settings: Any
) -> dict[str, Any]:
    """Train ``network`` on ``data`` (its training points; its test points scored every epoch)
    with the engine's Trainer, showing a progress bar (tqdm's notebook bar in a kernel).

    ``settings`` are ``TrainingSettings``' (learn_rate, batch_size, optimizer, momentum, l2, …).
    Returns the history the playground's cost curve draws (``cost_curve_figure``): ``epoch`` from
    0 (the untrained network), ``train`` and ``test`` costs, ``train_accuracy`` and
    ``test_accuracy``, and ``diverged_at`` when the run diverged.
    """
    chosen = TrainingSettings(**settings)
    train_inputs, test_inputs = network_inputs(network, data.train_inputs), network_inputs(network, data.test_inputs)
    has_test = len(data.test_labels) > 0
    trainer = Trainer(
        network,
        train_inputs,
        data.train_labels,
        chosen,
        test_inputs if has_test else None,
        data.test_labels if has_test else None,
    )
    history: dict[str, Any] = {"epoch": [], "train": [], "test": [], "train_accuracy": [], "test_accuracy": []}

    def record(epoch: int, train: tuple, test: tuple) -> None:
        """One row of the history: the epoch, then (cost, accuracy) on the training and test points."""
        for key, value in zip(("epoch", "train", "train_accuracy", "test", "test_accuracy"), (epoch, *train, *test)):
            history[key].append(value)

    start_test = score(network, test_inputs, data.test_labels, chosen.l2, chosen.l1) if has_test else (None, None)
    record(0, score(network, train_inputs, data.train_labels, chosen.l2, chosen.l1), start_test)
    bar, shown = progress_bar(epochs, progress)
    with bar:

        def on_epoch(event: Any) -> None:
            record(event.epoch, (event.train_cost, event.train_accuracy), (event.test_cost, event.test_accuracy))
            bar.update(1)
            bar.set_postfix(cost=f"{event.train_cost:.4f}", accuracy=f"{event.train_accuracy:.3f}", refresh=False)

        result = trainer.train(epochs, on_epoch=on_epoch)
    if shown is not None:  # the saved notebook keeps the finished bar's text, not the empty one it began with
        shown.update(bar.container)
    if result.diverged:
        history["diverged_at"] = result.epochs
        print(f"diverged: {result.message}")
    return history


# ------------------------------------------------------------------ the playground inside the notebook

_app: dict[str, Any] = {}  # the kernel's one app: its port (Dash registers pages once per process)


def free_port() -> int:
    """A port nothing listens on now (the system's choice)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def session_state(
    network: Network | None = None,
    data: Dataset | Points | None = None,
    settings: dict | None = None,
    history: dict | None = None,
) -> dict:
    """A playground session holding this network, these points, settings and cost history (each
    left out: a new session's), checked by the session's one validator (StateError says what
    does not fit: the playground holds 2-D points and dense networks within its limits)."""
    from playground.app.session import model
    from playground.engine import network_to_json

    state = model.initial_state()
    if data is not None:
        task = getattr(data, "task", "classification")  # a file's Points may be a regression
        points = Dataset(
            data.name,
            data.train_inputs,
            data.train_labels,
            data.test_inputs,
            data.test_labels,
            list(data.class_names),
            list(getattr(data, "feature_names", None) or ["x1", "x2"]),
        )
        state["data"] = model.points_json(points, task)
    if network is not None:
        state["network"] = network_to_json(network)
    state["settings"].update(settings or {})
    if history:
        kept = {key: list(history[key]) for key in ("epoch", "train", "test")}
        if history.get("diverged_at") is not None:
            kept["diverged_at"] = history["diverged_at"]
        state["training"] = {"trainer": {"epoch": int(kept["epoch"][-1]), "position": 0}, "history": kept}
    return model.check_state(state)


def show(
    network: Network | None = None,
    data: Dataset | Points | None = None,
    settings: dict | None = None,
    history: dict | None = None,
    mode: str = "inline",
    width: str | int = "100%",
    height: int = 760,
) -> str:
    """Open the playground on this network and these points: ``mode`` "inline" (in the cell),
    "tab" (a new browser tab) or "external" (a link). Returns the address.

    The app runs in this kernel (Dash's ``jupyter_mode`` starts it, on a free port of 127.0.0.1,
    once per kernel: the browser must run on the kernel's machine); the state travels in the
    address's ``#s=…`` fragment, as a share link, so each call opens its own network whatever an
    earlier one showed.
    """
    from IPython import get_ipython
    from IPython.display import IFrame, Javascript, display

    from playground.app.session import model

    if get_ipython() is None:  # outside a kernel Dash's run would serve in the foreground, forever
        raise RuntimeError("show() opens the playground in a notebook; elsewhere run `playground`")

    link = model.encode_share(session_state(network, data, settings, history))
    if "port" not in _app:
        from playground.app.main import create_app

        app, port = create_app(), free_port()
        # "_none": Dash starts its server thread and waits until it answers; the cell shows our
        # frame, whose address carries the state (Dash's own frame cannot carry a fragment).
        app.run(jupyter_mode="_none", host="127.0.0.1", port=port)
        _app["port"] = port
    url = f"http://127.0.0.1:{_app['port']}/#{link}"  # base64url and "s=": safe in an address as they are
    if mode == "inline":
        display(IFrame(url, width=width, height=height))
    elif mode == "tab":
        display(Javascript(f"window.open({url!r})"))
    elif mode == "external":
        print(f"the playground: {url}")
    else:
        raise ValueError(f"mode is inline, tab or external, not {mode!r}")
    return url

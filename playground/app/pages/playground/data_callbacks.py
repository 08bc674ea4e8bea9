"""The playground's points: generated, clicked, uploaded, put back; one callback, one change store.

Every way the points change is one callback, so the data change store and the data controls
each have one writer. A new data set starts a new run (cost history, optimizer memory,
position); points clicked onto the current set keep it. When the number of classes changes,
the network's output layer is rebuilt in the same change (one output per class).
"""

from __future__ import annotations

import base64

import dash
from dash import Input, Output, State, ctx, html, no_update
from dash.exceptions import PreventUpdate

from playground.app.pages.playground import ids
from playground.app.pages.playground.logic import (
    DEFAULT_NOISE,
    OWN_POINTS,
    data_controls,
    edit_points,
    generator_problem,
    next_seed,
    noise_hint,
    problem_options,
    problem_start,
    problem_value,
)
from playground.app.pages.playground.tasks import fitted_network
from playground.app.session import model, stores
from playground.app.ui.components import said
from playground.data.points import split_points
from playground.data.points_csv import PointsCSVError, PointsTable, read_points_csv
from playground.data.toy import Dataset, split
from playground.limits import current as current_limits

REGRESSION_LEARN_RATE = 0.03  # TensorFlow Playground's default learn rate
GENERATOR_CONTROLS = (ids.DATASET, ids.NOISE, ids.TEST_FRACTION, ids.DATA_SEED, ids.SAMPLES)
SHOWN, HIDDEN = {"display": "flex"}, {"display": "none"}


def uploaded_bytes(contents: str, limit: int) -> bytes:
    """The file inside a ``dcc.Upload``'s data URL, refused (ValueError) past ``limit`` bytes before decoding."""
    if not isinstance(contents, str) or "," not in contents:
        raise ValueError("the upload arrived damaged")
    encoded = contents.split(",", 1)[1]
    if len(encoded) * 3 // 4 > limit + 3:
        raise ValueError(f"the file is over {limit:,} bytes")
    try:
        return base64.b64decode(encoded, validate=True)
    except ValueError:
        raise ValueError("the upload arrived damaged") from None


def split_table(table: PointsTable, test_fraction: float, seed: int) -> Dataset:
    """A file's points split into training and test points: classes in proportion (stratified), a
    regression's values by a seeded shuffle (TensorFlow Playground's cut)."""
    if table.task == "classification":
        return split("custom", table.inputs, table.labels, test_fraction, seed, table.class_names, ["x1", "x2"])
    train, test = split_points(len(table.labels), test_fraction, seed)
    return Dataset(
        "custom", table.inputs[train], table.labels[train], table.inputs[test], table.labels[test], [], ["x1", "x2"]
    )


def learn_rate_advice(data: dict, settings: dict) -> html.Span | str:
    """A regression's linear output is unbounded: at the fruit's learn rate (3) its first steps
    diverge. Say what TensorFlow Playground trains its sets at."""
    if not model.is_regression(data) or settings["learn_rate"] <= REGRESSION_LEARN_RATE * 10:
        return ""
    return said(
        f"a regression: TensorFlow Playground trains it at learn rate {REGRESSION_LEARN_RATE} (its default); "
        f"at {settings['learn_rate']:g} a linear output diverges in a few steps: type {REGRESSION_LEARN_RATE} "
        "in the learn-rate box",
        "info",
    )


def with_network(data: dict, network: dict, settings: dict, fresh: bool = True) -> dict:
    """The change for new points: the network's output layer rebuilt if the classes changed (one
    output node per class) or the task did (one real output for a regression)."""
    parts = {"data": data}
    if fresh:
        parts["training"] = model.fresh_training()
    fitted = fitted_network(network, data, settings["weight_seed"])
    if fitted is not None:
        parts["network"] = fitted
        parts["training"] = model.fresh_training()
    return stores.change(**parts)


def register_data_callbacks(app: dash.Dash) -> None:
    """The points: generated, clicked, uploaded, put back."""

    @app.callback(
        Output(stores.change_id(ids.DATA_CHANGE), "data"),
        Output(ids.DATA_MESSAGE, "children"),
        Output(ids.DATASET, "value"),
        Output(ids.DATASET, "options"),
        Output(ids.NOISE, "value"),
        Output(ids.TEST_FRACTION, "value"),
        Output(ids.DATA_SEED, "value"),
        Output(ids.SAMPLES, "value"),
        Output(ids.NOISE_HINT, "children"),
        Output(ids.UNDO_STORE, "data"),
        Output(ids.UNDO_ROW, "style"),
        *[Input(control, "value") for control in GENERATOR_CONTROLS],
        Input(ids.REGENERATE, "n_clicks"),
        Input(ids.CSV_UPLOAD, "contents"),
        Input(ids.PLANE_CLICK, "data"),
        Input(ids.UNDO_DATA, "n_clicks"),
        State(ids.CSV_UPLOAD, "filename"),
        State(ids.CLICK_CLASS, "value"),
        State(ids.UNDO_STORE, "data"),
        State(stores.DATA, "data"),
        State(stores.NETWORK, "data"),
        State(stores.SETTINGS, "data"),
        prevent_initial_call=True,
    )
    def change_data(
        name,
        noise,
        test_fraction,
        seed,
        n_samples,
        regenerate,
        contents,
        click,
        undo,
        filename,
        click_class,
        undo_data,
        data,
        network,
        settings,
    ):
        trigger = ctx.triggered_id
        if (
            trigger in (ids.REGENERATE, ids.UNDO_DATA, ids.CSV_UPLOAD, ids.PLANE_CLICK)
            and not ctx.triggered[0]["value"]
        ):
            raise PreventUpdate  # drawn anew (a loaded state redraws the page), not pressed
        keep = [no_update] * 9
        own = not data.get("generator")
        if trigger == ids.PLANE_CLICK:  # the browser module reports where the plane was clicked
            edited = edit_points(data, click, click_class or 0)
            if edited is None:
                raise PreventUpdate
            return (
                with_network(edited, network, settings, fresh=False),
                "",
                problem_value(edited),
                problem_options(edited),
                *keep[:7],
            )
        if trigger == ids.CSV_UPLOAD:
            filename = str(filename or "the file")[:100]
            made = data_controls(data)
            try:
                raw = uploaded_bytes(contents, current_limits().csv_bytes)
                # Whole numbers or names label classes; any other numbers are a regression's values.
                table = read_points_csv(raw)
                dataset = split_table(table, float(made["test_fraction"]), int(made["seed"]))
            except (PointsCSVError, ValueError, TypeError) as error:
                return (no_update, said(f"{filename}: {error}. Your data is unchanged.", "error"), *keep)
            loaded = model.points_json(dataset, table.task, made_with=made, source=filename)
            what = "points with real values (a regression)" if table.task == "regression" else "points"
            return (
                with_network(loaded, network, settings),
                said(f"loaded {len(table.labels)} {what} from {filename}", "success"),
                OWN_POINTS,
                problem_options(loaded),
                *keep[:4],
                f"your own points from {filename}; choose a problem above to go back to one",
                no_update,
                no_update,
            )
        if trigger == ids.UNDO_DATA:
            if not undo_data:
                raise PreventUpdate
            made = data_controls(undo_data)
            return (
                with_network(undo_data, network, settings),
                said("your own points are back", "success"),
                problem_value(undo_data),
                problem_options(undo_data),
                made["noise"],
                made["test_fraction"],
                made["seed"],
                made["n_samples"],
                noise_hint(made["name"]),
                None,
                HIDDEN,
            )
        # A generator control: new points (their generator's settings recorded beside them).
        if name == OWN_POINTS:
            if trigger == ids.DATASET:
                raise PreventUpdate  # the menu names the own points shown
            name = data_controls(data)["name"]  # own points: the controls make the problem they were made from
        problem = generator_problem(name, noise, test_fraction, seed, n_samples)
        if problem:
            return (no_update, said(f"{problem}. Your data is unchanged.", "error"), *keep)
        new_seed, new_noise, new_test, new_samples = no_update, no_update, no_update, no_update
        if trigger == ids.REGENERATE:  # new points: the next seed, so the points really are new
            seed = new_seed = next_seed(seed)
        elif trigger == ids.DATASET and (own or name != data["generator"]["name"]):
            noise = new_noise = DEFAULT_NOISE[name]  # each problem starts at its own usual noise
            start = problem_start(name, data_controls(data)["name"])
            if start:  # TensorFlow Playground's sets start with its page's count and share
                test_fraction = new_test = start["test_fraction"]
                n_samples = new_samples = start["n_samples"]
        generator = {
            "name": name,
            "noise": float(noise),
            "test_fraction": float(test_fraction),
            "seed": int(seed),
            "n_samples": int(n_samples),
        }
        if trigger != ids.REGENERATE and generator == data.get("generator"):
            raise PreventUpdate  # the controls show the points already (a page drawn anew)
        points = model.generate_points(**generator)
        # Points that were clicked, loaded or shared (no generator makes them again) can be had back.
        undo, undo_style = (data, SHOWN) if own else (None, HIDDEN)
        return (
            with_network(points, network, settings),
            learn_rate_advice(points, settings),
            name,
            problem_options(points),
            new_noise,
            new_test,
            new_seed,
            new_samples,
            noise_hint(name),
            undo,
            undo_style,
        )

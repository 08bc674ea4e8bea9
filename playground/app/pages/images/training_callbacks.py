"""The image page's training callbacks: controls → settings, the job (start, pause, stop), the poll.

The job runs as a background callback (its own process); the page follows it by polling the
job store once a second while it is active (``poll``), which also keeps it alive.
"""

from __future__ import annotations

import time

import numpy as np
from dash import ClientsideFunction, Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate

from playground.app.pages.images import ids
from playground.app.pages.images.evaluation import test_set
from playground.app.pages.images.figures import curves_figure
from playground.app.pages.images.layout import ACTIVE_POLL_MS, IDLE_POLL_MS
from playground.app.pages.images.logic import DATA_LABELS, DEFAULT_CONFIG, check_config
from playground.app.pages.images.presets import PRESETS
from playground.app.pages.images.scoring import score_job
from playground.app.pages.images.training import control_job, followed_status, run_job, start_job
from playground.app.server.jobs import JobStore, check_session_key
from playground.app.server.models import model_about
from playground.app.session import stores
from playground.app.ui.components import said
from playground.app.ui.pictures import png_data_uri
from playground.data.augment import preview_grid
from playground.data.images import missing_data

VIEW_STORE = stores.view_store("images")

# The controls that make a job's settings, in order, and the setting each one holds.
CONTROLS = [
    (ids.DATASET, "data"),
    (ids.LAYERS, "layers"),
    (ids.ACTIVATION, "activation"),
    (ids.OUTPUT, "output"),
    (ids.COST, "cost"),
    (ids.OPTIMIZER, "optimizer"),
    (ids.LEARN_RATE, "learn_rate"),
    (ids.DECAY, "decay"),
    (ids.MOMENTUM, "momentum"),
    (ids.BATCH_SIZE, "batch_size"),
    (ids.EPOCHS, "epochs"),
    (ids.L2, "l2"),
    (ids.INPUT_NOISE, "input_noise"),
    (ids.SEED, "seed"),
    (ids.TRAIN_SAMPLES, "train_samples"),
    (ids.SHUFFLED, "shuffled_labels"),
    (ids.ROTATE, "rotate"),
    (ids.SCALE, "scale"),
    (ids.SHIFT, "shift"),
    (ids.PIXEL_NOISE, "noise"),
    (ids.FLIP, "flip"),
]
CONTROL_STATES = [State(component, "value") for component, _ in CONTROLS]
AUGMENT_KEYS = ("rotate", "scale", "shift", "noise")
CHECKBOXES = ("shuffled_labels", "flip")


def config_from(values: list) -> dict:
    """A job's settings from the controls' values (in ``CONTROLS`` order)."""
    named = dict(zip([name for _, name in CONTROLS], values))
    config = {name: value for name, value in named.items() if name not in AUGMENT_KEYS}
    for name in CHECKBOXES:
        config[name] = bool(named[name])
    config["augment"] = {key: named[key] or 0 for key in AUGMENT_KEYS if named[key]}
    config["standardize"] = None
    return config


def controls_from(config: dict) -> list:
    """The controls' values (in ``CONTROLS`` order) showing a job's settings."""
    flat = {**{key: config.get("augment", {}).get(key, 0) for key in AUGMENT_KEYS}, **config}
    return [(["on"] if flat.get(name) else []) if name in CHECKBOXES else flat.get(name) for _, name in CONTROLS]


def progress_text(progress: dict) -> str:
    """The line under the progress bar: 'epoch 1 of 1 · batch 120 of 1,875 · 1,900 images/s · 25 s
    left' while batches run; what the job does, and how far or for how long, between them."""
    if progress.get("scoring"):  # an uploaded model's scoring job
        return f"scored {progress.get('samples', 0):,} of {progress['total']:,} test images"
    parts = []
    if progress.get("epochs"):
        parts.append(f"epoch {progress.get('epoch', 1)} of {progress['epochs']}")
        if progress.get("batches"):
            parts.append(f"batch {progress.get('batch', 0):,} of {progress['batches']:,}")
    doing = progress.get("doing")
    if doing and progress.get("doing_total"):
        parts.append(f"{doing}: {progress.get('doing_done', 0):,} of {progress['doing_total']:,}")
    elif doing:
        parts.append(f"{doing} · {progress.get('doing_seconds', 0)} s")
    elif progress.get("samples_per_second"):
        parts += [f"{progress['samples_per_second']:,} images/s", progress.get("time_left", "")]
    return " · ".join(part for part in parts if part)


def status_view(status: dict | None, now: float | None = None) -> dict:
    """What the page shows of a job's status: progress bar, text, buttons, poll interval."""
    state = (status or {}).get("state")
    progress = (status or {}).get("progress") or {}
    active = state in ("queued", "loading", "running", "paused")
    text = progress_text(progress)
    if state == "queued":  # a job's process starts in a second or two (more in a busy class)
        waited = max(round((now or time.time()) - (status or {}).get("updated", 0)), 0)
        text = f"waiting for the job's process to start · {waited} s"
    return {
        "active": active,
        "paused": state == "paused",
        "text": text,
        "value": str(progress.get("samples", 0)),
        "max": str(max(progress.get("total", 1), 1)),
        "message": (status or {}).get("message", ""),
        "interval": ACTIVE_POLL_MS if active else IDLE_POLL_MS,
    }


def model_of(about: dict | None) -> dict | None:
    """The session's description of a model on the server (its layer list without the weights)."""
    if about is None:
        return None
    return {
        "job": str(about.get("job")),
        "data": about["data"],
        "network": about.get("network", ""),
        "layers": about.get("layers", []),
        "input_shape": about.get("input_shape", [1]),
        "test_accuracy": about.get("test_accuracy"),
        "epochs": about.get("epochs"),
    }


def register_callbacks(app) -> None:
    app.clientside_callback(
        ClientsideFunction("images", "mount"),
        Output(ids.MOUNTED, "data"),
        Input(ids.MOUNTED, "data"),
        Input(stores.KEY, "data"),
        Input(ids.DATASET, "value"),
        Input(ids.TABS, "value"),
    )
    register_control_callbacks(app)
    register_job_callbacks(app)


def register_control_callbacks(app) -> None:
    @app.callback(
        [Output(component, "value") for component, _ in CONTROLS[1:]],
        Output(ids.PRESET_SOURCE, "children"),
        Input(ids.PRESET, "value"),
        State(ids.DATASET, "value"),
        prevent_initial_call=True,
    )
    def apply_preset(name, data):
        if name not in PRESETS:
            raise PreventUpdate
        preset = PRESETS[name]
        config = {**DEFAULT_CONFIG, **preset.settings, "data": data}
        note = "" if data in preset.data else f" (made for {', '.join(preset.data)})"
        return [*controls_from(config)[1:], preset.source + note]

    @app.callback(Output(ids.DATA_STATUS, "children"), Input(ids.DATASET, "value"), prevent_initial_call=True)
    def show_data_status(data):
        if not isinstance(data, str) or data not in DATA_LABELS:
            raise ValueError(f"data set: one of {', '.join(DATA_LABELS)}")
        return said(missing_data(data, visitor=True) or "", "warning")  # the set cannot train until it is fetched

    @app.callback(
        Output(stores.change_id(ids.CONFIG_CHANGE), "data"),
        *[Input(component, "value") for component, _ in CONTROLS],
        State(VIEW_STORE, "data"),
        prevent_initial_call=True,
    )
    def remember_config(*values):
        """The controls' settings kept in the session: a reload and a link show them again."""
        *controls, view = values
        config = {**DEFAULT_CONFIG, **config_from(controls)}
        if config == view["config"]:
            raise PreventUpdate
        return stores.update(view_images={"config": config})

    @app.callback(
        Output(ids.PREVIEW, "src"),
        Output(ids.CONFIG_MESSAGE, "children"),
        *[Input(component, "value") for component, _ in CONTROLS],
    )
    def preview(*values):
        """The augmentation preview, and what is wrong with the settings (checked as they change)."""
        config = config_from(list(values))
        try:
            recipe = check_config(config)
        except ValueError as error:
            return no_update, f"{error}"
        if missing_data(recipe.data, visitor=True):
            return None, ""
        augment = recipe.augment
        images = test_set(config).images[:8]
        grid = preview_grid(
            images,
            np.random.default_rng(0),
            *((augment.rotate, augment.scale, augment.shift, augment.noise) if augment else (0, 0, 0, 0)),
            n=8,
            rows=4,
        )
        return png_data_uri(grid), ""


def register_job_callbacks(app) -> None:
    @app.callback(
        Output(ids.LAUNCH, "data"),
        Output(ids.START_MESSAGE, "children"),
        Input(ids.START, "n_clicks"),
        *CONTROL_STATES,
        State(stores.KEY, "data"),
        prevent_initial_call=True,
    )
    def request_start(clicks, *values):
        """Claim the session's job slot, or say why not. Only a claimed job launches the background
        callback (launching it again while it runs would make Dash cancel the running job)."""
        if not clicks:
            raise PreventUpdate
        *controls, key = values
        config = config_from(controls)
        with JobStore() as store:
            try:
                job, problem = start_job(store, check_session_key(key), config)
            except ValueError as error:
                return no_update, f"{error}"
        if problem:
            return no_update, problem
        return {"job": job}, ""

    @app.callback(
        Output(ids.START_RESULT, "data"),
        Input(ids.LAUNCH, "data"),
        State(stores.KEY, "data"),
        background=True,
        prevent_initial_call=True,
    )
    def start_training(launch, key):
        if not launch:
            raise PreventUpdate
        return {"state": run_job(check_session_key(key), str(launch.get("job"))), "job": launch.get("job")}

    @app.callback(
        Output(ids.SCORE_RESULT, "data"),
        Input(ids.UPLOADED, "data"),
        State(stores.KEY, "data"),
        background=True,
        prevent_initial_call=True,
    )
    def score_upload(uploaded, key):
        """An uploaded model too big to score within a request: its job, claimed by the route."""
        if not isinstance(uploaded, dict) or not uploaded.get("scoring"):
            raise PreventUpdate
        state = run_job(
            check_session_key(key), str(uploaded.get("job")), work=score_job, what="scoring an uploaded model"
        )
        return {"state": state, "job": uploaded.get("job")}

    @app.callback(
        Output(ids.JOB, "data"),
        Output(ids.PROGRESS, "value"),
        Output(ids.PROGRESS, "max"),
        Output(ids.PROGRESS_TEXT, "children"),
        Output(ids.JOB_MESSAGE, "children"),
        Output(ids.CURVES, "figure"),
        Output(ids.PAUSE, "disabled"),
        Output(ids.PAUSE, "children"),
        Output(ids.STOP, "disabled"),
        Output(ids.TICKER, "interval"),
        Output(ids.MODEL, "data"),
        Output(stores.change_id(ids.MODEL_CHANGE), "data"),
        # Not the background callback's output as an input: Dash would hold this poll until the job ends.
        Input(ids.TICKER, "n_intervals"),
        Input(ids.UPLOADED, "data"),
        Input(ids.LAUNCH, "data"),
        Input(ids.PAUSE, "n_clicks"),
        Input(ids.STOP, "n_clicks"),
        State(stores.KEY, "data"),
        State(ids.JOB, "data"),
        State(ids.MODEL, "data"),
        State(VIEW_STORE, "data"),
    )
    def poll(_ticks, _uploaded, _launch, pause, stop, key, shown, model, view):
        """The session's job as it is now (the one thing the page polls; reading it is the job's
        heartbeat); pause, resume and stop pass through here too, so the message line has one writer."""
        check_session_key(key)
        said = None
        with JobStore() as store:
            if ctx.triggered_id in (ids.PAUSE, ids.STOP) and ctx.triggered[0]["value"]:
                action = (
                    "stop"
                    if ctx.triggered_id == ids.STOP
                    else ("resume" if (shown or {}).get("state") == "paused" else "pause")
                )
                said = control_job(store, key, action)
            status = followed_status(store, key, shown)
            about = model_about(store, key)
        seen = status_view(status)
        new_model = (
            None if about is None else {"job": about.get("job"), "data": about["data"], "network": about.get("network")}
        )
        described = model_of(about)
        change = (
            stores.update(view_images={"model": described})
            if view is not None and described is not None and described != view.get("model")
            else no_update
        )
        same = status == shown
        return (
            status if not same else no_update,
            seen["value"],
            seen["max"],
            seen["text"],
            said or seen["message"],
            curves_figure((status or {}).get("history", []), (status or {}).get("curve", []))
            if not same
            else no_update,
            not seen["active"],
            "resume" if seen["paused"] else "pause",
            not seen["active"],
            ACTIVE_POLL_MS if ctx.triggered_id == ids.LAUNCH else seen["interval"],
            new_model if new_model != model else no_update,
            change,
        )

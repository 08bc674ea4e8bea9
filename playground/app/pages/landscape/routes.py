"""The landscape page's browser route: steps of a walk (``assets/runner.js`` sends it), and what they paint.

A walk on the network trains it as the playground does (``session.training``: the engine's
run loop, the request's CPU budget; two parameters, or every one); a walk on a classic surface
steps the engine's ``SurfaceWalker`` in the same loop. The answer holds what the steps changed
of the walk (its new points and parameter vectors: the page holds the rest, ``logic.news``), the
network after the steps, and what the page shows of them (the new points added to the drawn path;
the mini-batch's landscape; a new snapshot of the surface while everything trains).
"""

from __future__ import annotations

import numpy as np

from playground.app.pages.landscape import ids
from playground.app.pages.landscape.figures import (
    batch_title,
    contour_figure,
    path_lift,
    path_moves,
    plane_figure,
    walk_figures,
)
from playground.app.pages.landscape.logic import (
    SNAPSHOT_EVERY,
    axes,
    axis_titles,
    check_view,
    flat_parameters,
    kept_vectors,
    learn_rate_marks,
    moved,
    network_surface,
    news,
    pca_plane,
    readouts,
    surface_costs,
    walk_for,
)
from playground.app.pages.landscape.shapes import WalkRequest
from playground.app.session import shapes, training
from playground.engine import score
from playground.engine.landscape import parameter_value
from playground.engine.loop import run
from playground.engine.optimizers import memory_as_json
from playground.engine.persistence import network_to_json
from playground.engine.surfaces import SURFACES, SurfaceWalker
from playground.limits import current as current_limits

PLAYING_SURFACE_EVERY = 8  # while playing, the 3-D path moves every 8th step (a WebGL redraw: ~80 ms in software)


def walk(body: dict) -> dict:
    """Take ``steps`` steps of the walk the body holds; what they changed of the walk (the page
    holds the rest), the network after them, and what to paint."""
    shapes.check_shape(WalkRequest, body, "request")
    held = check_view(body["walk"])  # the walk as the page holds it
    network, data, settings = body.get("network"), body.get("data"), body.get("settings")
    if held["source"] == "network":
        if network is None or data is None or settings is None:
            raise ValueError("a walk on the network needs the network, the points and the settings")
        # From where the network is (a new walk, or the playground moved it since).
        start = walk_for(held, network, data, settings)
        after, network, result = network_steps(start, network, data, settings, body["steps"])
    else:
        start, data, settings = held, None, None
        after, result = surface_steps(start, body["steps"])
    added = after["steps"] - start["steps"]  # a point of the path each, and a vector when everything trains
    kept_path, new_points = news(held["path"], after["path"], added)
    kept_vectors_, new_vectors = news(held["vectors"], after["vectors"], added if after["train_all"] else 0)
    paint = walk_paint(after, start, kept_path, network, data, settings, body.get("playing", False))
    return {
        "walk": {**after, "path": new_points, "vectors": new_vectors},
        "kept": {"path": kept_path, "vectors": kept_vectors_},
        "network": network,
        "ended": result.ended,
        "message": result.message,
        "paint": paint,
    }


def network_steps(walk: dict, network: dict, data: dict, settings: dict, steps: int) -> tuple:
    """Steps on the network: the two chosen parameters (the rest held), or all of them.
    The walk and the network after them, and the run's result."""
    settings = {
        **settings,
        "optimizer": walk["optimizer"],
        "learn_rate": walk["learn_rate"],
        "momentum": walk["momentum"],
    }
    request = {
        "network": network,
        "data": data,
        "settings": settings,
        "trainer": walk["trainer"],
        "train_only": None if walk["train_all"] else [walk["first"], walk["second"]],
    }
    after = dict(walk)

    def record(trainer) -> None:  # each step: where it went, the cost there (every point), the parameters
        nonlocal after
        engine_network = trainer.network
        point = [
            parameter_value(engine_network, tuple(walk["first"])),
            parameter_value(engine_network, tuple(walk["second"])),
        ]
        after = moved(
            after,
            point,
            score(engine_network, trainer.inputs, trainer.labels, settings["l2"], settings.get("l1", 0.0))[0],
        )
        if walk["train_all"]:
            after["vectors"] = kept_vectors(after["vectors"], flat_parameters(engine_network))

    done = training.train(request, steps, on_step=record)
    trainer, result = done.trainer, done.result
    after.update(
        trainer=training.trainer_json(trainer),
        message=result.message if result.ended != "done" else "",
        batch=trainer.last_batch.tolist() if trainer.last_batch is not None else None,
    )
    return after, network_to_json(trainer.network), result


def surface_steps(walk: dict, steps: int) -> tuple:
    """Steps on a classic surface, through the engine's optimizers as networks train.
    The walk after them and the run's result."""
    surface = SURFACES[walk["source"]]
    walker = SurfaceWalker(
        surface,
        walk["path"][-1][:2],
        walk["optimizer"],
        walk["learn_rate"],
        walk["momentum"],
        memory=walk["trainer"].get("memory"),
    )
    walked: list[list[float]] = []
    result = run(
        walker,
        steps=steps,
        cpu_seconds=current_limits().request_seconds,
        on_step=lambda _: walked.append(walker.parameters()[0].tolist()),
    )
    after = {**walk, "message": result.message if result.ended != "done" else ""}
    if walker.memory:
        after["trainer"] = {**walk["trainer"], "memory": memory_as_json(walker.memory)}
    for x, y in walked:  # each step's point (a diverged step's is not among them)
        after = moved(after, [x, y], float(surface.function(np.float64(x), np.float64(y))))
    return after, result


def walk_paint(
    walk: dict,
    before: dict,
    kept: int,
    network: dict | None,
    data: dict | None,
    settings: dict | None,
    playing: bool,
) -> dict:
    """What the page shows after the steps: the path moved (the points after the ``kept`` first
    of ``walk``'s path are new), the readouts; the mini-batch's landscape; and, every few steps of
    a walk that trains everything, the surface drawn anew under it."""
    props: dict = {ids.MESSAGE: {"children": walk["message"]}}
    moved_surface = (  # a new path is drawn at once
        not playing or kept == 0 or walk["steps"] // PLAYING_SURFACE_EVERY != before["steps"] // PLAYING_SURFACE_EVERY
    )
    restyle = []
    snapshot = (
        walk["source"] == "network"
        and walk["train_all"]
        and walk["steps"] != before["steps"]
        and walk["steps"] % SNAPSHOT_EVERY == 0
    )
    if snapshot:  # everything trains: the surface under the path has moved; draw it again around the point
        walk.update(centre=walk["path"][-1][:2])
        assert network is not None and data is not None and settings is not None  # given for the network's walk
        costs, sample_note = surface_costs(walk, network, data, settings)
        walk["lift"] = path_lift(costs, walk["log"])
        xs, ys = axes(walk)
        note = f"snapshot at step {walk['steps']}: every parameter is training, so the surface moves"
        surface, contour, overlay = walk_figures(
            xs, ys, costs, walk, axis_titles(walk), note=f"{note}<br>{sample_note}" if sample_note else note
        )
        props.update(
            {
                ids.SURFACE_GRAPH: {"figure": surface},
                ids.CONTOUR_GRAPH: {"figure": contour},
                ids.PATH_GRAPH: {"figure": overlay},
            }
        )
        plane = pca_plane(walk)
        if plane is not None:
            props[ids.PLANE_GRAPH] = {"figure": plane_figure(*plane)}
    else:
        restyle = path_moves(walk, kept, ids.SURFACE_GRAPH, moved_surface, ids.PATH_GRAPH)
    if walk["source"] == "network" and walk["view"] != "full" and walk["batch"]:
        xs, ys = axes(walk)
        assert network is not None and data is not None and settings is not None  # given for the network's walk
        costs, sample_note = network_surface(walk, network, data, settings, walk["batch"])
        props[ids.BATCH_GRAPH] = {
            "figure": contour_figure(
                xs, ys, costs, walk["path"], *axis_titles(walk), walk["log"], title=batch_title(walk, sample_note)
            )
        }
    status, curvature_line, limit = readouts(walk, network, data, settings or {"l2": 0.0})
    props[ids.STATUS] = {"children": status}
    props[ids.CURVATURE] = {"children": curvature_line}
    props[ids.LEARN_RATE] = {"marks": learn_rate_marks(limit)}
    return {"props": props, "restyle": restyle}

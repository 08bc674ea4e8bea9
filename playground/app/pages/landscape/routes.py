"""The landscape page's browser route: steps of a walk (``assets/runner.js`` sends it), and what they paint.

A walk on the network trains it as the playground does (``session.training``: the engine's
run loop, the request's CPU budget; two parameters, or every one); a walk on a classic surface
steps the engine's ``SurfaceWalker`` in the same loop. The answer holds the walk and the
network after the steps, and what the page shows of them (the path moved; the mini-batch's
landscape; a new snapshot of the surface while everything trains).
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
    """Take ``steps`` steps of the walk the body holds; the walk, network and paint after them."""
    shapes.check_shape(WalkRequest, body, "request")
    walk_state = check_view(body["walk"])
    if walk_state["source"] == "network":
        network, data, settings = body.get("network"), body.get("data"), body.get("settings")
        if network is None or data is None or settings is None:
            raise ValueError("a walk on the network needs the network, the points and the settings")
        # From where the network is (a new walk, or the playground moved it since).
        walk_state = walk_for(walk_state, network, data, settings)
        return network_steps(walk_state, network, data, settings, body["steps"], body.get("playing", False))
    return surface_steps(walk_state, body["steps"], body.get("playing", False))


def network_steps(walk: dict, network: dict, data: dict, settings: dict, steps: int, playing: bool) -> dict:
    """Steps on the network: the two chosen parameters (the rest held), or all of them."""
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
    new_network = network_to_json(trainer.network)
    paint = walk_paint(after, walk, new_network, data, settings, playing)
    return {"walk": after, "network": new_network, "ended": result.ended, "message": result.message, "paint": paint}


def surface_steps(walk: dict, steps: int, playing: bool) -> dict:
    """Steps on a classic surface, through the engine's optimizers as networks train."""
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
    paint = walk_paint(after, walk, None, None, None, playing)
    return {"walk": after, "network": None, "ended": result.ended, "message": result.message, "paint": paint}


def walk_paint(
    walk: dict, before: dict, network: dict | None, data: dict | None, settings: dict | None, playing: bool
) -> dict:
    """What the page shows after the steps: the path moved, the readouts; the mini-batch's landscape;
    and, every few steps of a walk that trains everything, the surface drawn anew under it."""
    props: dict = {ids.MESSAGE: {"children": walk["message"]}}
    moved_surface = not playing or walk["steps"] // PLAYING_SURFACE_EVERY != before["steps"] // PLAYING_SURFACE_EVERY
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
        restyle = path_moves(walk, ids.SURFACE_GRAPH if moved_surface else None, ids.PATH_GRAPH)
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

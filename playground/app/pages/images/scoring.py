"""An uploaded model scored on the test set: at once when that is cheap, else as a job.

Scoring runs the network over every test image (the confusion matrix, the mistakes and the
accuracy all come from those outputs). A small network does it within a request's budget
(784-128-10 on MNIST: 10⁹ multiply-adds, a third of a second); a CIFAR-10 conv network does
not (16.7 M multiply-adds an image: 17 s of CPU), so the route hands it to a job like training
(the session's job slot, progress, stop, stopped when its page goes away) and the page follows it.
"""

from __future__ import annotations

import hashlib
import time

import numpy as np

from playground.app.pages.images.evaluation import outputs_in_chunks, test_set
from playground.app.pages.images.training import REPORT_SECONDS, Reporter, claim_job
from playground.app.server.jobs import JobStore
from playground.app.server.models import key_of, save_model
from playground.engine import load_network_bytes
from playground.engine.footprint import footprint
from playground.limits import current as current_limits

CHUNK = 250  # test images per forward pass of a scoring job (it looks for stop between chunks)


def checked_network(raw: bytes, data: str):
    """The uploaded network (float32, as the page's own) and its test set; ValueError when it does not fit."""
    limits = current_limits()
    network = load_network_bytes(raw, "the file", max_bytes=limits.model_upload_bytes, **limits.model_limits())
    if network.dtype != np.float32:  # kept (and run) as the page's own networks are: half a float64 file
        network = network.copy(np.float32)
    test = test_set({"data": data, "seed": 0})
    pixels = int(np.prod(test.images.shape[1:]))
    if network.input_size != pixels or network.layer_sizes[-1] != len(test.class_names):
        raise ValueError(
            f"the file's network takes {network.input_size:,} inputs and has {network.layer_sizes[-1]} "
            f"outputs; {data} has {pixels:,} pixels and {len(test.class_names)} classes"
        )
    return network, test


def fits_a_request(network, test) -> bool:
    """Whether scoring the whole test set stays within a request's work budget."""
    return footprint(network).multiply_adds * len(test.labels) <= current_limits().view_multiply_adds


def about_upload(network, test, data: str, outputs, raw: bytes) -> dict:
    """What the store keeps about an uploaded model (as a trained one's ``about``)."""
    return {
        "config": {"data": data, "seed": 0},
        "data": data,
        "network": network.describe(),
        "epochs": None,
        "layers": [layer.to_dict() for layer in network.layers],
        "input_shape": list(network.input_shape),
        "test_accuracy": float(np.mean(outputs.argmax(axis=1) == test.labels)),
        "class_names": list(test.class_names),
        "image_shape": list(test.images.shape[1:]),
        "job": "upload-" + hashlib.sha256(raw).hexdigest()[:12],
    }


def score_now(store: JobStore, key: str, network, test, data: str, raw: bytes) -> dict:
    outputs = outputs_in_chunks(network, test.images)
    about = about_upload(network, test, data, outputs, raw)
    save_model(store, key, network, outputs, about)
    return {"network": network.describe(), "test_accuracy": about["test_accuracy"], "job": about["job"]}


def start_scoring(store: JobStore, key: str, data: str, raw: bytes, name: str) -> dict:
    """Keep the file for the session's scoring job and claim the job; ValueError saying why not."""
    store.room_for(len(raw), current_limits().stored_bytes)
    job, problem = claim_job(store, key, {"upload": name, "data": data})
    if problem:
        raise ValueError(problem)
    store.put_bytes(key_of("upload", key), raw)
    return {"network": name, "job": job, "scoring": True}


def score_job(reporter: Reporter, config: dict) -> str:
    """The scoring job: the uploaded file through the network, a chunk of test images at a time."""
    store, session = reporter.store, reporter.session
    raw = store.get_bytes(key_of("upload", session))
    if raw is None:
        reporter.write(state="failed", message="the uploaded file is no longer on the server: load it again")
        return "failed"
    network, test = checked_network(raw, config["data"])
    total, parts, started = len(test.labels), [], time.perf_counter()
    reporter.write(
        state="running",
        message=f"scoring {network.describe()} on the {total:,} test images",
        progress={"scoring": True, "samples": 0, "total": total},
    )
    for start in range(0, total, CHUNK):
        if reporter.control() == "stop" or reporter.page_gone():
            state = "stopped" if reporter.control() == "stop" else "abandoned"
            store.delete(key_of("upload", session))
            store.delete(key_of("control", session))
            reporter.write(
                state=state,
                message=f"scoring stopped after {start:,} of {total:,} test images; the page keeps its network",
            )
            return state
        parts.append(outputs_in_chunks(network, test.images[start : start + CHUNK]))
        if time.monotonic() - reporter.last_report > REPORT_SECONDS:
            done = start + len(parts[-1])
            pace = done / max(time.perf_counter() - started, 1e-9)
            reporter.write(
                progress={"scoring": True, "samples": done, "total": total, "samples_per_second": round(pace)}
            )
            reporter.last_report = time.monotonic()
    outputs = np.concatenate(parts)
    about = about_upload(network, test, config["data"], outputs, raw)
    save_model(store, session, network, outputs, about)
    store.delete(key_of("upload", session))
    reporter.write(
        state="done",
        test_accuracy=about["test_accuracy"],
        progress={"scoring": True, "samples": total, "total": total},
        message=f"done: the uploaded {network.describe()} scored on the test set, test accuracy "
        f"{about['test_accuracy']:.2%}",
    )
    return "done"

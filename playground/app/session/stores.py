"""The session's stores: at the app's root, in the tab's sessionStorage, each with one writer.

    session-data       the 2-D points                   session-settings  learn rate, batch, optimizer, …
    session-network    the network (the engine's JSON)  session-training  trainer position, memory, costs
    session-view-<p>   page p's view state              session-key       names the session's jobs
    session-revision   which change the stores hold last

The stores live outside the page container, so what one page builds is there on the others,
and in sessionStorage, so a reload keeps them. Their one writer is the session's reducer (a
clientside callback, ``assets/session.js``): a page never writes a store, it hands the session
a *change* (``{"id": …, "set": {"network": …, "training": …}}``) in a store of its own
(``change_store(source)``), written by exactly one of its callbacks or by its browser module.
The reducer checks each part against its shape and writes it; a change can also set only some
keys of a part (``update``), so a page's controls and its run loop never undo each other. So every store has one writer,
a page's callbacks write only what the page itself draws (and so Dash's ``prevent_initial_call``
holds when the page is drawn), and a store's history is the list of changes handed to it.

The router hands these stores to every page's layout (``routing_states``): a page is drawn
from the session it finds, after a page change and after a reload alike.
"""

from __future__ import annotations

import secrets
from typing import Any

import dash
from dash import ALL, Input, Output, State, dcc
from dash.dependencies import Wildcard

from playground.app.session import keys, model
from playground.app.session.pages import views

DATA = "session-data"
NETWORK = "session-network"
SETTINGS = "session-settings"
TRAINING = "session-training"
KEY = "session-key"
REVISION = "session-revision"
CHANGE = "session-change"  # the type of every page's change store (a pattern-matching id)
CORE = {"data": DATA, "network": NETWORK, "settings": SETTINGS, "training": TRAINING}


def view_store(name: str) -> str:
    """The store id of a page's view state."""
    return f"session-view-{name}"


def store_ids() -> dict[str, str]:
    """Every part of the session (its name in a change) → the id of its store."""
    return {**CORE, **{f"view-{name}": view_store(name) for name in views()}}


def change_id(source: str | Wildcard) -> dict[str, Any]:
    """The id of a change store: ``source`` names its one writer, e.g. 'playground-network'
    (``ALL``: every change store, as the reducer's input)."""
    return {"type": CHANGE, "source": source}


def change_store(source: str) -> dcc.Store:
    """A page's change store (in the page's layout, so it comes and goes with the page)."""
    return dcc.Store(id=change_id(source))


def change(**parts: Any) -> dict[str, Any]:
    """A change of the session: new values for some of its parts (``data=…``, ``view_landscape=…``)."""
    return {"id": secrets.token_hex(8), "set": {name.replace("_", "-"): value for name, value in parts.items()}}


def update(**parts: Any) -> dict[str, Any]:
    """A change that sets some keys of some parts (``view_descent={"learn_rate": 0.3}``), the rest
    kept as the store holds them: two writers of different keys of a part (a page's controls, its
    run loop) never undo each other's work."""
    made = change(**parts)
    return {**made, "merge": list(made["set"])}


def new_session_key() -> str:
    """A fresh session key, signed by the server (``session.keys``): it names the session's work there."""
    return keys.issue()


def stores() -> list[dcc.Store]:
    """The session's stores as a new visitor gets them (a reload keeps the tab's own instead)."""
    state = model.initial_state()
    made = [dcc.Store(id=store, data=state[part], storage_type="session") for part, store in CORE.items()]
    made += [
        dcc.Store(id=view_store(name), data=value, storage_type="session") for name, value in state["views"].items()
    ]
    return made + [
        dcc.Store(id=KEY, data=new_session_key(), storage_type="session"),
        dcc.Store(id=REVISION, data={"id": "", "source": "new", "parts": []}),
    ]


def routing_states() -> dict[str, Input | State]:
    """What every page layout is built from: the router sends these stores with each page change
    (``layout(data=…, network=…, settings=…, training=…, views=…, key=…)``)."""
    states: dict[str, Input | State] = {part: State(store, "data") for part, store in CORE.items()}
    states.update({f"view_{name}": State(view_store(name), "data") for name in views()})
    return {**states, "key": State(KEY, "data")}


def register(app: dash.Dash) -> None:
    """The reducer: every page's changes → the session's stores (and which change they hold)."""
    parts = store_ids()
    app.clientside_callback(
        dash.ClientsideFunction("session", "reduce"),
        [Output(store, "data") for store in parts.values()],
        Output(REVISION, "data"),
        Input(change_id(ALL), "data"),
        *[State(store, "data") for store in parts.values()],
    )

    @app.callback(
        Output(KEY, "data", allow_duplicate=True), Input(KEY, "data"), prevent_initial_call="initial_duplicate"
    )
    def renew_key(key):
        """The KEY store's one writer after the layout: a key this server did not issue (a tab
        opened before an update, a made-up key) is replaced by a new session's."""
        if keys.is_issued(key):
            raise dash.exceptions.PreventUpdate
        return new_session_key()

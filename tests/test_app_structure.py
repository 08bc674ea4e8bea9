"""The app's structure: pages on one session, stores at the root, ids namespaced per page, one
writer per session store (the reducer), and page callbacks that never write what sits outside
their page (so Dash's ``prevent_initial_call`` holds when a page is drawn)."""

import json

import dash
import pytest

from playground.app.main import create_app
from playground.app.session import model, pages, stores

pytestmark = pytest.mark.timeout(60)  # nothing here may hang the run


def all_ids(component) -> list:
    """Every id in a component tree."""
    found = []
    if getattr(component, "id", None) is not None:
        found.append(component.id)
    children = getattr(component, "children", None)
    if children is None:
        return found
    for child in children if isinstance(children, (list, tuple)) else [children]:
        if hasattr(child, "to_plotly_json"):
            found += all_ids(child)
    return found


@pytest.fixture(scope="module")
def app():
    return create_app()


def test_pages_are_registered_with_their_paths(app):
    paths = {page["path"]: page["name"] for page in dash.page_registry.values()}
    assert paths == {
        "/": "Playground",
        "/descent": "1-D descent",
        "/landscape": "Landscapes",
        "/images": "Images",
        "/backprop": "Backprop",
        "/room/none": "Room",  # path_template /room/<code>: reached by a room's link
        "/join": "Join a room",  # and /join/<code>: a student's phone, by the room's link or QR code
    }
    assert app.use_pages


def test_the_session_stores_sit_outside_the_page_container(app):
    root = app.layout()
    top = [getattr(child, "id", None) for child in root.children]
    for store in (
        stores.DATA,
        stores.NETWORK,
        stores.SETTINGS,
        stores.TRAINING,
        stores.view_store("descent"),
        stores.view_store("landscape"),
        stores.view_store("images"),
        stores.KEY,
        stores.REVISION,
    ):
        assert store in top
    # Every store a page hands changes to is there, in the tab's sessionStorage (a reload keeps it).
    kept = {
        child.id: getattr(child, "storage_type", "memory")
        for child in root.children
        if isinstance(getattr(child, "id", None), str)
    }
    assert set(stores.store_ids().values()) | {stores.KEY} <= set(kept)
    assert all(kept[store] == "session" for store in [*stores.store_ids().values(), stores.KEY])
    assert "_pages_content" in all_ids(root)  # the page container is one child among them
    assert "navigation" in top


@pytest.mark.parametrize("name", ["playground", "descent", "landscape", "images"])
def test_every_id_of_a_page_is_its_own(name):
    from playground.app.pages import descent, images, landscape, playground

    page = {"playground": playground, "descent": descent, "landscape": landscape, "images": images}[name]
    ids = all_ids(page.layout.layout())
    flat = [own_name(i) for i in ids]
    assert flat and all(i.startswith(name + "-") for i in flat), [i for i in flat if not i.startswith(name + "-")]
    assert len(set(map(str, ids))) == len(ids)  # no duplicates
    assert set(flat) <= set(dict(pages.registered("ids"))[name].values())  # and the browser module is told every one


def own_name(component_id) -> str:
    """A component's id as its page names it: a change store by its source, a pattern by its type."""
    if isinstance(component_id, str):
        return component_id
    return component_id["source"] if component_id.get("type") == stores.CHANGE else component_id["type"]


def all_components(component) -> list:
    found = [component]
    children = getattr(component, "children", None)
    for child in (children if isinstance(children, (list, tuple)) else [children]) if children is not None else []:
        if hasattr(child, "to_plotly_json"):
            found += all_components(child)
    return found


@pytest.mark.parametrize("name", ["playground", "descent", "landscape", "images"])
def test_every_figure_exports_at_presentation_size_and_offers_no_online_sharing(name):
    from dash import dcc

    from playground.app.pages import descent, images, landscape, playground

    page = {"playground": playground, "descent": descent, "landscape": landscape, "images": images}[name]
    graphs = [c for c in all_components(page.layout.layout()) if isinstance(c, dcc.Graph)]
    assert graphs
    for graph in graphs:
        config = graph.config or {}
        if config.get("displayModeBar") is False:
            # No toolbar: the boundary has its own export buttons; the path is laid over the contour.
            assert graph.id in ("playground-boundary-graph", "landscape-path"), graph.id
            continue
        assert config["toImageButtonOptions"]["width"] >= 1920, graph.id
        assert config["showSendToCloud"] is False and config["showEditInChartStudio"] is False, graph.id
        assert "sendDataToCloud" in config["modeBarButtonsToRemove"] and config["displaylogo"] is False


def test_a_page_is_drawn_from_the_session_it_is_given():
    from playground.app.pages.descent import layout as descent_layout
    from playground.app.pages.descent.logic import new_descent
    from playground.app.pages.playground import layout as playground_layout

    state = model.initial_state()
    network = state["network"]
    network["layers"][0]["weights"][0][0] = 4.321
    page = playground_layout.layout(
        data=state["data"],
        network=network,
        training=state["training"],
        settings={**model.DEFAULT_SETTINGS, "learn_rate": 0.25},
    )
    text = str(page.to_plotly_json())
    assert "4.321" in text and "learn rate 0.25" in text
    descent = new_descent("two-minima")
    assert "x**4 - 4*x**2 + x" in str(descent_layout.layout(view_descent=descent).to_plotly_json())


def test_one_background_manager_on_a_disk_cache(app):
    assert isinstance(app._background_manager, dash.DiskcacheManager)


def test_the_contract_is_in_the_page_before_the_scripts(app):
    html = app.server.test_client().get("/").get_data(as_text=True)
    contract, scripts = html.index("window.playgroundContract"), html.index("/assets/maths.js")
    assert contract < scripts
    assert '"train":"/_playground/train"' in html and '"playground-step"' in html


def output_ids(callback: dict) -> list[str]:
    """The component ids a callback (an entry of ``app._callback_list``) writes, as Dash names
    them ('a.b' or a pattern's JSON); a callback without outputs writes none."""
    if callback.get("no_output"):
        return []
    key = callback["output"]
    parts = key[2:-2].split("...") if key.startswith("..") else [key]
    return [part.split("@")[0].rpartition(".")[0] for part in parts]


def written_by(app) -> dict[str, list[str]]:
    """Each component id written by a callback → the callbacks (their first input) that write it."""
    writers: dict[str, list[str]] = {}
    for callback in app._callback_list:
        for component in output_ids(callback):
            writers.setdefault(component, []).append(callback["inputs"][0]["id"])
    return writers


def test_every_session_store_has_one_writer_the_reducer(app):
    """Pages hand the session changes; only the reducer (its input: every change store) writes a store."""
    reducer = stores.change_id(dash.ALL)
    reducer_input = {"source": ["ALL"], "type": stores.CHANGE}
    writers = written_by(app)
    session_stores = [*stores.store_ids().values(), stores.REVISION]
    assert {
        "session-data",
        "session-network",
        "session-settings",
        "session-training",
        "session-view-descent",
        "session-view-landscape",
        "session-view-images",
    } <= set(session_stores)
    for store in session_stores:
        assert len(writers.get(store, [])) == 1, (store, writers.get(store))
        assert json.loads(writers[store][0]) == reducer_input, (store, writers[store])
    assert reducer["type"] == stores.CHANGE
    # The reducer writes the session's stores and nothing else.
    reducers = [
        callback
        for callback in app._callback_list
        if callback["inputs"][0]["id"].startswith("{") and '"type":"session-change"' in callback["inputs"][0]["id"]
    ]
    assert len(reducers) == 1 and set(output_ids(reducers[0])) == set(session_stores)
    # The session key: the server made it with the page and the tab keeps it; one callback, whose
    # only input is the key itself, replaces a key this server did not issue (session.keys).
    assert len(writers[stores.KEY]) == 1 and writers[stores.KEY][0] == stores.KEY


def test_every_change_store_has_at_most_one_callback_writing_it(app):
    """A change store's source names its one writer: a callback, or the page's browser module."""
    writers = written_by(app)
    changes = {
        component: callers
        for component, callers in writers.items()
        if component.startswith("{") and f'"type":"{stores.CHANGE}"' in component
    }
    assert changes and all(len(callers) == 1 for callers in changes.values()), changes


def test_page_callbacks_never_write_outside_their_page(app):
    """What replaced the page-just-drawn heuristic: a callback reading a page's components writes
    only components of that page (its own change stores included), never the root's stores or
    bars. Dash calls a callback whose outputs are already on the screen when its inputs appear,
    whatever its ``prevent_initial_call``; a page's own outputs appear with it, so Dash keeps the
    page's callbacks quiet while the page is drawn."""
    root = app.layout()
    page_container = next(
        child
        for child in root.children
        if getattr(child, "id", None) is None or child.id == "_pages_content" or "_pages_content" in all_ids(child)
    )
    root_ids = {str(i) for child in root.children if child is not page_container for i in all_ids(child)}
    assert {stores.DATA, stores.KEY, "app-message", "navigation"} <= root_ids
    names = [name for name, _ in pages.registered("ids")]
    checked = 0
    for callback in app._callback_list:
        inputs = [item["id"] for item in callback["inputs"]]
        page_inputs = {name for name in names for item in inputs if page_name(item) == name}
        if not page_inputs:
            continue
        checked += 1
        assert len(page_inputs) == 1, inputs  # pages are independent
        (name,) = page_inputs
        for component in output_ids(callback):
            assert component not in root_ids, (inputs, component)
            assert page_name(component) == name, (inputs, component)
        if callback["prevent_initial_call"] is False:  # called as the page is drawn: only its own mount and views
            assert all(page_name(component) == name for component in output_ids(callback))
    assert checked > 30


def page_name(component: str) -> str | None:
    """The page a component id (as Dash writes it) belongs to, by its prefix."""
    own = own_name(json.loads(component)) if component.startswith("{") else component
    if not isinstance(own, str):
        return None  # the reducer's input: every change store
    for name in ("playground", "descent", "landscape", "images"):
        if own.startswith(name + "-"):
            return name
    return None


def test_outputs_written_twice_are_few(app):
    """``allow_duplicate`` outputs (a second writer of one property) stay rare: at most ten."""
    duplicates = [part for key in app.callback_map for part in key.strip(".").split("...") if "@" in part]
    assert len(duplicates) <= 10, duplicates

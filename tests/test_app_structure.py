"""The app's structure: pages on one session, stores at the root, ids namespaced per page."""

import dash
import pytest

from playground.app import session
from playground.app.main import create_app, page_ids


def all_ids(component) -> list:
    """Every id in a component tree."""
    found = []
    if hasattr(component, "id") and getattr(component, "id", None) is not None:
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
    assert paths == {"/": "Playground", "/descent": "1-D descent", "/landscape": "Landscapes", "/images": "Images"}
    assert app.use_pages


def test_the_session_stores_sit_outside_the_page_container(app):
    root = app.layout()
    top = [getattr(child, "id", None) for child in root.children]
    for store in (session.DATA, session.NETWORK, session.SETTINGS, session.TRAINING, session.DESCENT, session.KEY):
        assert store in top
    assert "_pages_content" in all_ids(root)  # the page container is one child among them
    assert "navigation" in top


@pytest.mark.parametrize("name", ["playground", "descent", "landscape", "images"])
def test_every_id_of_a_page_is_its_own(name):
    from playground.app.pages import descent, images, landscape, playground

    page = {"playground": playground, "descent": descent, "landscape": landscape, "images": images}[name]
    ids = all_ids(page.layout.layout())
    flat = [i if isinstance(i, str) else i["type"] for i in ids]
    assert flat and all(i.startswith(name + "-") for i in flat), [i for i in flat if not i.startswith(name + "-")]
    assert len(set(map(str, ids))) == len(ids)  # no duplicates
    assert set(flat) <= set(page_ids()[name].values())  # and the browser module is told every one


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

    data, network = session.initial_state()
    network["weights"][0][0][0] = 4.321
    page = playground_layout.layout(data=data, network=network, settings={**session.DEFAULT_SETTINGS, "learn_rate": 0.25})
    text = str(page.to_plotly_json())
    assert "4.321" in text and "learn rate 0.25" in text
    state = new_descent("two-minima")
    assert "x**4 - 4*x**2 + x" in str(descent_layout.layout(descent=state).to_plotly_json())


def test_one_background_manager_on_a_disk_cache(app):
    assert isinstance(app._background_manager, dash.DiskcacheManager)


def test_the_contract_is_in_the_page_before_the_scripts(app):
    html = app.server.test_client().get("/").get_data(as_text=True)
    contract, scripts = html.index("window.playgroundContract"), html.index("/assets/maths.js")
    assert contract < scripts
    assert '"train":"/_playground/train"' in html and '"playground-step"' in html

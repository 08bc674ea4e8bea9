"""A student's page in a room (``/join``), without a browser: its route, its ids, its code from the link.

What the page does with the room is its browser module's (tests/test_join_browser.py drives it).
"""

import dash
import pytest

from playground.app.main import create_app
from playground.app.pages.join import ids, layout
from playground.app.pages.join.logic import room_code

pytestmark = pytest.mark.timeout(60)


def all_ids(component) -> list:
    found = [component.id] if getattr(component, "id", None) is not None else []
    children = getattr(component, "children", None)
    for child in children if isinstance(children, (list, tuple)) else [children] if children is not None else []:
        if hasattr(child, "to_plotly_json"):
            found += all_ids(child)
    return found


def find(component, component_id):
    if getattr(component, "id", None) == component_id:
        return component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, (list, tuple)) else [children] if children is not None else []:
        if hasattr(child, "to_plotly_json") and (found := find(child, component_id)) is not None:
            return found
    return None


def test_a_code_as_typed_or_linked_is_the_apis():
    assert room_code("k7h qm") == "K7HQM"
    assert room_code(" K7-HQM\n") == "K7HQM"
    assert room_code(None) == room_code("") == ""
    assert room_code("<script>") == "SCRIPT"  # letters and digits only: nothing else reaches the page
    assert len(room_code("A" * 1000)) <= 12


def test_the_page_answers_join_and_a_rooms_link_and_stays_out_of_the_navigation():
    create_app()
    page = next(p for p in dash.page_registry.values() if p["module"].endswith(".join"))
    assert page["path"] == "/join" and page["path_template"] == "/join/<code>"
    assert page["navigation"] is False


def test_every_id_is_the_pages_own_and_told_to_its_browser_module():
    found = all_ids(layout.layout(code="K7HQM"))
    assert found and all(i.startswith("join-") for i in found)
    assert len(set(found)) == len(found)
    assert set(found) <= set(ids.IDS.values())


def test_the_code_box_is_shown_only_without_a_code():
    without, linked = layout.layout(), layout.layout(code="k7hqm")
    assert find(without, ids.ENTER).hidden is False and find(without, ids.CODE).data == ""
    assert find(linked, ids.ENTER).hidden is True and find(linked, ids.CODE).data == "K7HQM"
    # The seat and the room wait for the browser module (a kept seat goes straight to the room).
    assert find(linked, ids.SEAT).hidden is True and find(linked, ids.ROOM).hidden is True

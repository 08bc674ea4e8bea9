"""The room's projector page without a browser: its layout for a room's code (the code as text, in
capitals; anything else in the path shows no code), and its place among the pages (off the
navigation bar: a room is reached by its link)."""

from __future__ import annotations

import dash
import pytest

from playground.app.pages.room import ids
from playground.app.pages.room.layout import clean_code, layout


def find(component, component_id: str):
    if getattr(component, "id", None) == component_id:
        return component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children] if children is not None else []:
        found = find(child, component_id)
        if found is not None:
            return found
    return None


@pytest.mark.parametrize(
    "given, code", [("k7hqm", "K7HQM"), (" K7HQM ", "K7HQM"), ("<b>x</b>", ""), ("", ""), (None, ""), ("A" * 40, "")]
)
def test_the_code_from_the_path_is_letters_and_digits_or_nothing(given, code):
    assert clean_code(given) == code


def test_the_layout_shows_the_code_and_hands_it_to_the_browser_module():
    page = layout(code="k7hqm")
    assert find(page, ids.CODE).children == "K7HQM"
    assert find(page, ids.ROOM).data == {"code": "K7HQM"}
    assert find(page, ids.TEACHER) is not None  # shown by room.js only with the teacher's token
    assert find(layout(code="../x"), ids.CODE).children == "?"  # not a code: shown as none


def test_the_room_page_is_off_the_navigation_bar():
    from playground.app.main import create_app
    from playground.app.ui.components import navigated_pages

    create_app()
    rooms = [page for page in dash.page_registry.values() if page["module"].endswith(".room")]
    assert rooms and rooms[0]["path_template"] == "/room/<code>"
    assert not any(page["module"].endswith(".room") for page in navigated_pages())

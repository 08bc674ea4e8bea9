"""Every figure's exports (PNG and SVG, 1920 px wide) and its full view, in a real headless
Chromium with real clicks and keys (issue 13: SPEC F21)."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from playground.app.ui.colours import PATH_COLOUR

from helpers.browser import reset_viewport, set_viewport, visible_text, wait_for, wait_until_settled
from helpers.downloads import SVG, box, downloaded, downloads_to, png_size
from helpers.pages import open_images, open_page, tab, train

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]


def export(driver, folder: Path, button_id: str, name: str) -> Path:
    """Click an export button (a real click) and wait for the file it downloads."""
    driver.find_element(By.ID, button_id).click()
    return downloaded(driver, folder, name)


def test_the_boundary_and_the_diagram_export_at_presentation_size(live_app, browser, tmp_path):
    folder = downloads_to(browser, tmp_path)
    open_page(browser, live_app)
    width, height = png_size(export(browser, folder, "playground-export-boundary", "decision-boundary.png"))
    assert width == 1920 and height > 800
    svg = ElementTree.parse(
        export(browser, folder, "playground-export-boundary-svg", "decision-boundary.svg")
    ).getroot()
    assert svg.get("width") == "1920"
    images = [e for e in svg.iter(f"{SVG}image") if (e.get("href") or "").startswith("data:image/png")]
    assert images, "the class map is laid in under the points"
    points = [e for e in svg.iter(f"{SVG}path") if "point" in (e.get("class") or "")]
    assert len(points) == 200  # every training and test point, as a vector
    width, height = png_size(export(browser, folder, "playground-export-network", "network.png"))
    assert width == 1920 and height > 600
    diagram = ElementTree.parse(export(browser, folder, "playground-export-network-svg", "network.svg")).getroot()
    assert diagram.get("width") == "1920"
    assert len(list(diagram.iter(f"{SVG}line"))) == 2 * 3 + 3 * 2  # one line per weight of the 2-3-2 network
    assert len(list(diagram.iter(f"{SVG}image"))) == 2 + 3 + 2  # one heatmap per node


def test_the_boundary_fills_the_window_under_the_play_controls_and_esc_leaves(live_app, browser):
    open_page(browser, live_app)
    before = box(browser, "#playground-boundary-wrapper")
    map_before = box(browser, "#playground-boundary-canvas")
    browser.find_element(By.ID, "playground-full-boundary").click()
    bar = box(browser, ".topbar")
    wait_for(browser, lambda: abs(box(browser, "#playground-boundary-wrapper")["width"] - bar["window_width"]) < 2)
    full = box(browser, "#playground-boundary-wrapper")
    assert abs(full["top"] - bar["bottom"]) < 2 and abs(full["bottom"] - full["window_height"]) < 2
    # The class map follows the plot area to its new, larger size.
    wait_for(browser, lambda: box(browser, "#playground-boundary-canvas")["height"] > 1.2 * map_before["height"])
    wait_for(
        browser,
        lambda: all(
            abs(
                box(browser, "#playground-boundary-canvas")[side]
                - box(browser, "#playground-boundary-graph .nsewdrag")[side]
            )
            < 2
            for side in ("left", "top", "width", "height")
        ),
    )
    browser.find_element(By.ID, "playground-play").click()  # the play controls are still in reach
    wait_for(browser, lambda: browser.find_element(By.ID, "playground-play").text == "pause")
    browser.find_element(By.ID, "playground-play").click()
    ActionChains(browser).send_keys(Keys.ESCAPE).perform()
    wait_for(browser, lambda: abs(box(browser, "#playground-boundary-wrapper")["height"] - before["height"]) < 2)
    assert not browser.find_elements(By.ID, "figure-full-leave")


def modebar_button(driver, graph_id: str, title: str):
    ActionChains(driver).move_to_element(driver.find_element(By.ID, graph_id)).perform()  # the toolbar shows on hover
    return wait_for(
        driver, lambda: driver.find_element(By.CSS_SELECTOR, f"#{graph_id} .modebar-btn[data-title='{title}']")
    )


def test_every_plotly_figure_has_svg_export_and_a_full_view(live_app, browser, tmp_path):
    folder = downloads_to(browser, tmp_path)
    open_page(browser, live_app)
    browser.find_element(By.ID, "playground-step").click()  # a point on the cost chart
    modebar_button(browser, "playground-cost-graph", "Download as SVG (vector, 1920 px wide)").click()
    assert not browser.find_element(  # that button is for graphs laid over each other only
        By.CSS_SELECTOR, "#playground-cost-graph .modebar-btn[data-title^='Download as PNG, with']"
    ).is_displayed()
    svg = ElementTree.parse(downloaded(browser, folder, "cost.svg")).getroot()
    assert round(float(svg.get("width"))) == 1920 and svg.get("viewBox")  # the screen's layout, scaled
    assert any("cost" in "".join(e.itertext()) for e in svg.iter(f"{SVG}text"))
    before = box(browser, "#playground-cost-graph")
    modebar_button(browser, "playground-cost-graph", "Full view (Esc to leave)").click()
    wait_for(browser, lambda: box(browser, "#playground-cost-graph .main-svg")["height"] > 2 * before["height"])
    browser.find_element(By.ID, "figure-full-leave").click()
    wait_for(browser, lambda: abs(box(browser, "#playground-cost-graph")["height"] - before["height"]) < 2)
    # The same tools on the other pages' figures.
    browser.find_element(By.ID, "nav-landscape").click()
    wait_for(browser, lambda: browser.find_elements(By.CSS_SELECTOR, "#landscape-surface .main-svg"), timeout=40)
    wait_until_settled(browser)
    modebar_button(browser, "landscape-surface", "Download as SVG (vector, 1920 px wide)").click()
    surface = ElementTree.parse(downloaded(browser, folder, "landscape-surface.svg")).getroot()
    assert round(float(surface.get("width"))) == 1920
    # The contour exports with the path that a see-through graph of its own draws over it.
    modebar_button(browser, "landscape-contour", "Download as SVG (vector, 1920 px wide)").click()
    contour = ElementTree.parse(downloaded(browser, folder, "landscape-contour.svg")).getroot()
    path = "rgb({}, {}, {})".format(*(int(PATH_COLOUR[k : k + 2], 16) for k in (1, 3, 5)))
    assert any(path in (e.get("style") or "") for e in contour.iter(f"{SVG}path"))  # the path's colour
    modebar_button(browser, "landscape-contour", "Download as PNG, with the path (1920 px wide)").click()
    assert png_size(downloaded(browser, folder, "landscape-contour.png"))[0] == 1920
    camera = "#landscape-contour .modebar-btn[data-title='Download plot as a png']"
    assert not browser.find_elements(By.CSS_SELECTOR, camera)  # Plotly's own would leave the path out


def test_opening_a_shared_link_neither_downloads_nor_goes_full_view(live_app, browser, tmp_path):
    folder = downloads_to(browser, tmp_path)
    open_page(browser, live_app)
    browser.find_element(By.ID, "playground-share").click()
    link = wait_for(browser, lambda: browser.find_element(By.ID, "playground-share-link").get_attribute("value"))
    browser.get("about:blank")
    open_page(browser, link)  # the page is drawn anew from the link: its buttons too, unclicked
    wait_for(browser, lambda: "loaded the shared state" in visible_text(browser, "playground-share-message"))
    wait_until_settled(browser)  # every callback the new page body set off has run
    assert not browser.find_elements(By.CSS_SELECTOR, ".figure-full")
    # A download of the test's own, by a real click, the slowest export there is (rendered, then
    # saved): once it is in, a download begun on opening the link, before it, would be there too.
    marker = export(browser, folder, "playground-export-boundary", "decision-boundary.png")
    assert list(folder.iterdir()) == [marker]


TOOLBAR = """
const graph = document.querySelector('#images-confusion .js-plotly-plot');
const group = graph.querySelector('.modebar-group');
return {opacity: parseFloat(getComputedStyle(group).opacity), bottom: group.getBoundingClientRect().bottom,
        plot: graph.querySelector('.nsewdrag').getBoundingClientRect().top};
"""


def test_the_toolbar_covers_no_cell_of_the_confusion_matrix(live_app, browser):
    """At 1280×720 in lecture mode the toolbar sat over row 0's last cells: now it shows only while
    the pointer is over the figure, and then above the first row."""
    set_viewport(browser, 1280, 720)
    try:
        browser.get(live_app + "/?lecture=1")  # lecture mode is the tab's choice from here on
        open_images(browser, live_app)
        train(browser)
        tab(browser, "Mistakes")
        wait_for(browser, lambda: browser.execute_script(TOOLBAR)["opacity"] == 0)  # the pointer is elsewhere
        ActionChains(browser).move_to_element(browser.find_element(By.ID, "images-confusion")).perform()
        wait_for(browser, lambda: browser.execute_script(TOOLBAR)["opacity"] == 1)
        shown = browser.execute_script(TOOLBAR)
        assert shown["bottom"] <= shown["plot"] + 0.5, shown
    finally:
        reset_viewport(browser)

"""End-to-end: a person using the app in headless Chromium (Playwright driving Debian's /usr/bin/chromium).

Screenshots go to $FERRONET_SCREENSHOTS (default: a temporary folder).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (scripts/test.sh installs it)")
SHOTS = Path(os.environ.get("FERRONET_SCREENSHOTS", tempfile.mkdtemp(prefix="ferronet-shots-")))
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def page(live_server):
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        pg = browser.new_page(viewport={"width": 1280, "height": 900})
        pg.set_default_timeout(90_000)
        pg.base = live_server  # type: ignore[attr-defined]
        yield pg
        browser.close()


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_search_a_gene_and_open_its_page(page):
    page.goto(page.base + "/")
    page.fill("#q", "NRF2")
    page.click("form.bigsearch button")
    page.wait_for_selector("#results")
    shot(page, "01-search")
    page.click("#results a:text('NFE2L2')")
    page.wait_for_selector("#entity-id")
    assert "NFE2L2" in page.inner_text("#entity-id")
    assert "KEAP1" in page.inner_text("#interactions")
    shot(page, "02-entity")


def test_run_a_simulation_and_see_it_on_the_network(page):
    page.goto(page.base + "/simulate")
    page.fill("#cell", "HT1080")
    page.fill("#perturbations", "erastin, NRF2:knockdown")
    page.click("#run-sim")
    page.wait_for_selector("#final tr >> nth=1")
    table = page.inner_text("#final")
    assert "ferroptosis" in table and "erastin" in table
    page.wait_for_selector("#plots .plot .main-svg")
    shot(page, "03-simulate")
    page.click("#network-link a")  # the network coloured by this simulation (per request, not server state)
    page.wait_for_selector("svg a.node")
    assert "erastin" in page.inner_text("#state-of")
    shot(page, "04-network")
    page.click("a.node[data-node='GPX4']")
    page.wait_for_selector("#entity-id")
    assert "GPX4" in page.inner_text("#entity-id")


def test_bad_name_shows_a_clear_message(page):
    page.goto(page.base + "/simulate")
    page.fill("#perturbations", "erastn")
    page.click("#run-sim")
    page.wait_for_function("document.getElementById('error').textContent.length > 0")
    message = page.inner_text("#error")
    assert "did you mean" in message and "erastin" in message
    assert message.count("did you mean") == 1, message  # said once, not once by the server and again by the page


def test_run_a_recommendation(page):
    page.goto(page.base + "/recommend")
    page.fill("#therapy", "sorafenib")
    page.fill("#cancer", "HCC")
    page.click("#run-rec")
    page.wait_for_selector("#ranking tr >> nth=3")
    ranking = page.inner_text("#ranking")
    assert "NFE2L2 inhibition" in ranking
    assert page.get_attribute("#report", "href").startswith("/api/report?")
    shot(page, "05-recommend")


def test_combination_heatmaps(page):
    page.goto(page.base + "/combo")
    page.click("#run-combo")
    page.wait_for_selector("#heatmaps .main-svg")
    assert "Bliss" in page.inner_text("#scores")
    shot(page, "06-combo")


def test_upload_a_small_table(page, tmp_path):
    table = tmp_path / "expr.tsv"
    table.write_text("sample\tAIFM2\tGPX4\tACSL4\nline A\t2\t0\t0\nline B\t-2\t0\t1\nline C\t0\t0\t0\n")
    page.goto(page.base + "/predict")
    page.set_input_files("#expression", str(table))
    page.click("#run-predict")
    page.wait_for_selector("#predictions tr >> nth=3")
    text = page.inner_text("#predictions")
    assert "line A" in text and "score" in text and "axis_FSP1" in text
    assert page.get_attribute("#download-link", "download").endswith(".tsv")
    shot(page, "07-predict")


def test_predict_with_the_signed_readout(page, tmp_path):
    table = tmp_path / "expr.tsv"
    table.write_text("sample\tAIFM2\tSLC7A11\nFSP1 high\t2\t0\nFSP1 low\t-2\t0\n")
    page.goto(page.base + "/predict")
    page.set_input_files("#expression", str(table))
    page.select_option("#readout", "signed")
    page.click("#run-predict")
    page.wait_for_selector("#predictions tr >> nth=2")
    rows = page.locator("#predictions tr").all_inner_texts()
    scores = [float(r.split("\t")[1]) for r in rows[1:]]
    assert scores[0] > scores[1]  # FSP1 protects against GPX4 inhibition


#: horizontal overflow tolerated at a narrow window (rounding of borders), in CSS pixels
NARROW_SLACK_PX = 8


def test_pages_fit_a_narrow_window(page):
    page.set_viewport_size({"width": 800, "height": 900})
    try:
        for path in ("/", "/simulate", "/recommend", "/combo", "/predict", "/network", "/entity/NFE2L2"):
            page.goto(page.base + path)
            page.wait_for_load_state("networkidle")
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 800 + NARROW_SLACK_PX, (path, width)
        shot(page, "07-entity-800px")
    finally:
        page.set_viewport_size({"width": 1280, "height": 900})

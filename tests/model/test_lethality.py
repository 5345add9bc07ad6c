"""Classic lethal doses kill and classic rescues rescue, with the one global parameter set (issue #10 facts).

HT1080 at 24 h: erastin 10 uM and RSL3 1 uM kill most cells (Dixon 2012 Cell, PMID:22632970; Yang 2014 Cell,
PMID:24439385); ferrostatin-1 and deferoxamine rescue erastin (Dixon 2012); GPX4-knockout cells live on
liproxstatin-1 and die when it is withdrawn (Friedmann Angeli 2014 Nat Cell Biol, PMID:25402683); sorafenib kills
HT1080 partly through system xc- inhibition, rescued by ferrostatin-1 (Dixon 2014 eLife, PMID:24844246).
These facts were used to set the parameters with fit id manual-2026-12-lethal: they are calibration targets.
"""

from __future__ import annotations

import pytest

from ferronet.model import load_model
from ferronet.sim import Protocol, simulate

CELL = "HT1080"


@pytest.fixture(scope="module")
def death():
    model = load_model()
    arms = {
        "erastin": ["erastin@10uM"],
        "rsl3": ["RSL3@1uM"],
        "erastin+fer1": ["erastin@10uM", "ferrostatin-1@1uM"],
        "erastin+dfo": ["erastin@10uM", "deferoxamine@100uM"],
        "sorafenib": ["sorafenib@10uM"],
        "sorafenib+fer1": ["sorafenib@10uM", "ferrostatin-1@1uM"],
        "untreated": [],
    }
    d = simulate(list(arms.values()), cell=CELL, model=model).readout("ferroptosis")
    out = dict(zip(arms, d, strict=True))
    grown = Protocol(pre=("liproxstatin-1@1uM",))
    ko = simulate([["GPX4:knockout", "liproxstatin-1@1uM"], ["GPX4:knockout"]], cell=CELL, model=model, protocol=grown)
    out["gpx4ko-on-lip1"], out["gpx4ko-withdrawn"] = ko.readout("ferroptosis")
    return out


def test_lethal_doses_kill(death):
    assert death["erastin"] >= 0.80, death
    assert death["rsl3"] >= 0.90, death
    assert death["untreated"] < 0.02, death


def test_the_defended_tail_does_not_survive_total_gpx4_loss(model):
    """With one log-sd of capacity the most defended tenth of HT1080 kept its low-PLOOH state without any GPX4
    (RSL3 kill 0.889 at 3-100 uM): the short upper tail (``sigma_cap_high``) is what lets RSL3 kill >= 0.90, while
    the vulnerable lower tail (``sigma_cap``) stays as wide as before."""
    from ferronet.sim.population import capacities

    p = {k: v.value for k, v in model.parameters.items()}
    caps = capacities(p["sigma_cap"], sigma_high=p["sigma_cap_high"])
    assert caps[-1] < capacities(p["sigma_cap"])[-1]
    high = simulate([["RSL3@10uM"], ["RSL3@100uM"]], cell=CELL, model=model).readout("ferroptosis")
    assert (high >= 0.90).all(), high


def test_ferrostatin_and_deferoxamine_rescue_erastin(death):
    assert death["erastin+fer1"] <= 0.15, death
    assert death["erastin+dfo"] <= 0.30, death


def test_gpx4_knockout_lives_on_liproxstatin_and_dies_after_withdrawal(death):
    assert death["gpx4ko-on-lip1"] <= 0.20, death
    assert death["gpx4ko-withdrawn"] >= 0.5, death


def test_sorafenib_kills_partly_and_ferrostatin_rescues(death):
    assert death["sorafenib"] >= 0.30, death
    assert death["sorafenib+fer1"] <= 0.15, death

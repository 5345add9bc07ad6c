"""Exports shared by the io tests (each built once per session; SBML strings are immutable)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def packaged():
    from ferronet.model import load_model

    return load_model()


@pytest.fixture(scope="session")
def y_default(packaged):
    from ferronet.sim import get_simulator

    y0 = get_simulator(packaged).y_default
    return dict(zip(packaged.species_ids, map(float, y0), strict=True))


@pytest.fixture(scope="session")
def erastin_ht1080(packaged):
    from ferronet.io.sbml import Experiment

    return Experiment.from_perturbations(packaged, ["erastin@5"], "HT1080")


@pytest.fixture(scope="session")
def exports(packaged, erastin_ht1080):
    """SBML of each variant: the engines' model, the protocol of erastin 5 uM on HT1080, the steady-state one.

    (Species start at the network's initial values: no engine is compiled for these structural tests.)"""
    from ferronet.io.sbml import to_sbml

    return {
        "model": to_sbml(packaged),
        "protocol": to_sbml(packaged, experiment=erastin_ht1080, variant="protocol"),
        "steady-state": to_sbml(packaged, experiment=erastin_ht1080, variant="steady-state"),
    }


def sbml_model(text: str):
    import libsbml

    doc = libsbml.readSBMLFromString(text)
    assert doc.getNumErrors(libsbml.LIBSBML_SEV_ERROR) == 0
    return doc, doc.getModel()


@pytest.fixture(scope="session")
def copasi():
    """(basico, COPASI) imported with the process's character encoding kept.

    Importing COPASI sets the C library's LC_CTYPE to "C" (ASCII), which would change the default encoding of
    every later ``open()`` / ``read_text()`` in the test session; it is put back right after the import.
    """
    import locale

    before = locale.setlocale(locale.LC_CTYPE)
    basico = pytest.importorskip("basico")
    copasi_module = pytest.importorskip("COPASI")
    locale.setlocale(locale.LC_CTYPE, before)
    assert locale.getpreferredencoding(False) != "ANSI_X3.4-1968" or before == "C"
    return basico, copasi_module

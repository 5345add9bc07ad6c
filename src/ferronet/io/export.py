"""``ferronet model export``: the kinetic model in one of the exchange formats, by name.

Formats: ``sbml`` (SBML L3V2, :mod:`ferronet.io.sbml`), ``antimony`` (the same model as Antimony text,
:mod:`ferronet.io.antimony`), ``sedml`` (the protocol and subpopulations as SED-ML for an SBML file,
:mod:`ferronet.io.sedml`) and ``bnet`` (the gene network as a Boolean network, :mod:`ferronet.io.bnet`).
"""

from __future__ import annotations

from ferronet.errors import FerronetError
from ferronet.model.network import Model
from ferronet.names import suggest

FORMATS = {
    "sbml": "SBML Level 3 Version 2 with units, identifiers and the protocol (libRoadRunner, COPASI, tellurium)",
    "antimony": "the SBML model as Antimony text (tellurium)",
    "sedml": "SED-ML L1V3 for an exported SBML file: the protocol, the 9 capacity subpopulations, the readouts",
    "bnet": "the gene network as a Boolean network, 'targets, factors' (BoolNet, MaBoSS, PyBoolNet)",
}


def check_format(fmt: str) -> str:
    """``fmt`` if it is a known format; else a clear error with the valid list (and the closest name)."""
    if fmt in FORMATS:
        return fmt
    close = suggest(fmt, list(FORMATS))
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise FerronetError(f"unknown export format '{fmt}' (valid: {', '.join(FORMATS)}){hint}")


def export_model(
    model: Model,
    fmt: str,
    perturbations: list[str] | None = None,
    cell: str | None = None,
    pre: list[str] | None = None,
    pre_hours: float = 96.0,
    hours: float = 24.0,
    variant: str = "protocol",
    sbml_source: str = "ferronet.xml",
) -> str:
    """The model as text in ``fmt``; SBML and Antimony carry the experiment (perturbations, cell, protocol)."""
    check_format(fmt)
    if fmt == "bnet":
        if perturbations or cell or pre:
            raise FerronetError("the bnet export is the gene network itself: it takes no perturbation or cell")
        from ferronet.io.bnet import to_bnet

        return to_bnet(model)
    if fmt == "sedml":
        from ferronet.io.sedml import to_sedml
        from ferronet.sim.protocol import Protocol

        if perturbations or cell or pre:
            raise FerronetError("the SED-ML export describes the protocol; put perturbations in the SBML file it names")
        Protocol(pre_hours=pre_hours, hours=hours)  # the same checks as a simulation
        return to_sedml(model, sbml_source, pre_hours, hours)
    from ferronet.io.sbml import Experiment, to_sbml
    from ferronet.sim import get_simulator

    experiment = Experiment.from_perturbations(model, perturbations or [], cell, pre or [], pre_hours, hours)
    y0 = get_simulator(model).y_default
    initial = dict(zip(model.species_ids, map(float, y0), strict=True))
    text = to_sbml(model, initial, experiment=experiment, variant=variant)
    if fmt == "antimony":
        from ferronet.io.antimony import sbml_to_antimony

        return sbml_to_antimony(text)
    return text

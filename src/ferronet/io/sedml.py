"""The protocol of a ferronet experiment as SED-ML Level 1 Version 3, for the SBML file of the same experiment.

A uniform time course over the pre-culture and the exposure (output from ``t_preculture`` to the end, hourly;
CVODE, KISAO:0000019, relative / absolute tolerance KISAO:0000209 / KISAO:0000211), repeated once per
lipid-defence capacity subpopulation (a ``repeatedTask`` setting ``cap`` to each of the 9 values ferronet
simulates), and a report of time and the damage ``D``, ``L``, ``Fe`` and ``GSH`` of each subpopulation. The
fraction dead needs the normal CDF (``ferronet.sim.population.dead_fraction``, docs/sbml.md), which SED-ML math
lacks: the report gives its inputs. Written with the standard library (no libSEDML package installs here); tests
load it into COPASI, whose importer validates it with libSEDML.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from ferronet.model.network import Model
from ferronet.sim.population import model_capacities

NS = "http://sed-ml.org/sed-ml/level1/version3"
MATHML = "http://www.w3.org/1998/Math/MathML"
SBML_NS = "http://www.sbml.org/sbml/level3/version2/core"
KISAO_CVODE, KISAO_RTOL, KISAO_ATOL = "KISAO:0000019", "KISAO:0000209", "KISAO:0000211"
READOUT_SPECIES = ("D", "L", "Fe")
READOUT_PARAMETERS = ("GSH",)


def _ci(parent: ET.Element, name: str) -> None:
    math = ET.SubElement(parent, "math", xmlns=MATHML)
    ET.SubElement(math, "ci").text = name


def to_sedml(model: Model, sbml_source: str = "ferronet.xml", pre_hours: float = 96.0, hours: float = 24.0) -> str:
    """SED-ML for the SBML export ``sbml_source`` (variant ``protocol``) of an experiment of this model."""
    root = ET.Element("sedML", xmlns=NS, level="1", version="3")
    root.set("xmlns:sbml", SBML_NS)
    models = ET.SubElement(root, "listOfModels")
    ET.SubElement(
        models, "model", id="ferronet", language="urn:sedml:language:sbml.level-3.version-2", source=sbml_source
    )
    sims = ET.SubElement(root, "listOfSimulations")
    end = pre_hours + hours
    tc = ET.SubElement(
        sims,
        "uniformTimeCourse",
        id="preculture_and_exposure",
        initialTime="0",
        outputStartTime=f"{pre_hours:g}",
        outputEndTime=f"{end:g}",
        numberOfPoints=str(max(1, round(hours))),
    )
    alg = ET.SubElement(tc, "algorithm", kisaoID=KISAO_CVODE)
    params = ET.SubElement(alg, "listOfAlgorithmParameters")
    ET.SubElement(params, "algorithmParameter", kisaoID=KISAO_RTOL, value="1e-08")
    ET.SubElement(params, "algorithmParameter", kisaoID=KISAO_ATOL, value="1e-10")
    tasks = ET.SubElement(root, "listOfTasks")
    ET.SubElement(
        tasks, "task", id="one_cell", modelReference="ferronet", simulationReference="preculture_and_exposure"
    )
    rep = ET.SubElement(tasks, "repeatedTask", id="subpopulations", range="cap_values", resetModel="true")
    ranges = ET.SubElement(rep, "listOfRanges")
    vr = ET.SubElement(ranges, "vectorRange", id="cap_values")
    for cap in model_capacities(model.default_values()):
        ET.SubElement(vr, "value").text = repr(float(cap))
    changes = ET.SubElement(rep, "listOfChanges")
    sv = ET.SubElement(
        changes,
        "setValue",
        modelReference="ferronet",
        target="/sbml:sbml/sbml:model/sbml:listOfParameters/sbml:parameter[@id='cap']",
        range="cap_values",
    )
    _ci(sv, "cap_values")
    subs = ET.SubElement(rep, "listOfSubTasks")
    ET.SubElement(subs, "subTask", order="1", task="one_cell")
    gens = ET.SubElement(root, "listOfDataGenerators")
    targets: dict[str, str | None] = {"time": None}
    targets |= {s: f"/sbml:sbml/sbml:model/sbml:listOfSpecies/sbml:species[@id='{s}']" for s in READOUT_SPECIES}
    targets |= {p: f"/sbml:sbml/sbml:model/sbml:listOfParameters/sbml:parameter[@id='{p}']" for p in READOUT_PARAMETERS}
    for name, target in targets.items():
        dg = ET.SubElement(gens, "dataGenerator", id=f"dg_{name}", name=name)
        variables = ET.SubElement(dg, "listOfVariables")
        attrs = {"id": f"v_{name}", "taskReference": "subpopulations"}
        if target is None:
            attrs["symbol"] = "urn:sedml:symbol:time"
        else:
            attrs["target"] = target
        ET.SubElement(variables, "variable", attrs)
        _ci(dg, f"v_{name}")
    outputs = ET.SubElement(root, "listOfOutputs")
    report = ET.SubElement(outputs, "report", id="readouts", name="ferronet readouts per subpopulation")
    sets = ET.SubElement(report, "listOfDataSets")
    for name in targets:
        ET.SubElement(sets, "dataSet", id=f"ds_{name}", label=name, dataReference=f"dg_{name}")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"

"""SED-ML of the protocol: the time course over pre-culture and exposure, the 9 capacity subpopulations, the
readouts; COPASI imports it (libSEDML inside COPASI validates it) next to the SBML file it names."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from ferronet.sim.population import model_capacities

NS = {"s": "http://sed-ml.org/sed-ml/level1/version3"}


@pytest.fixture(scope="module")
def sedml(packaged):
    from ferronet.io.sedml import to_sedml

    return to_sedml(packaged, "erastin_ht1080.xml")


def test_sedml_structure(sedml, packaged):
    root = ET.fromstring(sedml)
    assert root.get("level") == "1" and root.get("version") == "3"
    model = root.find("s:listOfModels/s:model", NS)
    assert model.get("source") == "erastin_ht1080.xml"
    tc = root.find("s:listOfSimulations/s:uniformTimeCourse", NS)
    assert (tc.get("initialTime"), tc.get("outputStartTime"), tc.get("outputEndTime")) == ("0", "96", "120")
    assert tc.find("s:algorithm", NS).get("kisaoID") == "KISAO:0000019"  # CVODE
    values = [float(v.text) for v in root.iter(f"{{{NS['s']}}}value")]
    assert values == pytest.approx(list(model_capacities(packaged.default_values())))
    target = root.find(".//s:setValue", NS).get("target")
    assert target.endswith("parameter[@id='cap']")
    labels = [d.get("label") for d in root.iter(f"{{{NS['s']}}}dataSet")]
    assert labels == ["time", "D", "L", "Fe", "GSH"]


def test_copasi_imports_the_sedml(copasi, tmp_path, packaged, erastin_ht1080, sedml):
    _, COPASI = copasi
    from ferronet.io.sbml import to_sbml

    (tmp_path / "erastin_ht1080.xml").write_text(to_sbml(packaged, experiment=erastin_ht1080, variant="protocol"))
    (tmp_path / "exp.sedml").write_text(sedml)
    dm = COPASI.CRootContainer.addDatamodel()
    COPASI.CCopasiMessage.clearDeque()
    assert dm.importSEDML(str(tmp_path / "exp.sedml"))
    assert COPASI.CCopasiMessage.getHighestSeverity() < COPASI.CCopasiMessage.ERROR
    assert dm.getTask("Time-Course").getProblem().getDuration() == pytest.approx(120.0)
    assert dm.getTask("Scan").isScheduled()  # the repeated task over the subpopulations
    assert dm.getModel().getModelValues().getByName("cap") is not None
    COPASI.CRootContainer.removeDatamodel(dm)


def test_sedml_export_refuses_perturbations(packaged):
    from ferronet.errors import FerronetError
    from ferronet.io.export import export_model

    with pytest.raises(FerronetError, match="put perturbations in the SBML"):
        export_model(packaged, "sedml", ["erastin"])
    with pytest.raises(FerronetError, match="hours"):
        export_model(packaged, "sedml", hours=-1)

"""``ferronet model export``: formats, the experiment options, atomic --out and clear errors."""

from __future__ import annotations

import os

import pytest

from tests.robustness.conftest import assert_clear_error


def test_unknown_format_names_the_valid_ones(cli):
    r = cli("model", "export", "--format", "sbm")
    assert_clear_error(r, "sbm", "valid: sbml, antimony, sedml, bnet", "did you mean sbml")


def test_check_format_for_python_callers():
    from ferronet.errors import FerronetError
    from ferronet.io.export import check_format

    assert check_format("bnet") == "bnet"
    with pytest.raises(FerronetError, match="valid: sbml, antimony, sedml, bnet"):
        check_format("sif")


def test_out_in_a_missing_folder_fails_before_work(cli, tmp_path):
    r = cli("model", "export", "--out", str(tmp_path / "nope" / "m.xml"))
    assert_clear_error(r, "does not exist")


def test_bnet_takes_no_perturbation(cli):
    assert_clear_error(cli("model", "export", "--format", "bnet", "-p", "erastin"), "takes no perturbation")


def test_unknown_perturbation_is_a_clear_error(cli):
    assert_clear_error(cli("model", "export", "-p", "erastni"), "erastni", "erastin")


def test_sbml_with_experiment_written_atomically(cli, tmp_path):
    out = tmp_path / "m.xml"
    out.write_text("old")
    r = cli("model", "export", "-p", "erastin@5", "--cell", "HT1080", "--hours", "12", "--out", str(out))
    assert r.code == 0, r.err
    text = out.read_text()
    assert text.startswith("<?xml") and "exposure_start" in text and 'id="t_exposure"' in text
    assert 'value="12"' in text.split('id="t_exposure"')[1][:200]
    assert os.listdir(tmp_path) == ["m.xml"]  # no temporary file left behind


def test_bnet_and_antimony_to_stdout(cli):
    r = cli("model", "export", "--format", "bnet")
    assert r.code == 0 and "targets, factors" in r.out
    r = cli("model", "export", "--format", "antimony", "--variant", "steady-state")
    assert r.code == 0 and r.out.startswith("// Created by libAntimony") and "membrane_damage:" not in r.out


def test_sedml_to_a_file(cli, tmp_path):
    out = tmp_path / "exp.sedml"
    r = cli("model", "export", "--format", "sedml", "--sbml-source", "erastin.xml", "--out", str(out))
    assert r.code == 0, r.err
    assert 'source="erastin.xml"' in out.read_text()

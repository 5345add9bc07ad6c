"""The perturbation grammar of shared/spec/observations.md."""

from __future__ import annotations

import pytest

from ferronet.errors import FerronetError, UnknownNameError
from ferronet.model.perturbation import Perturbation, PerturbationSyntaxError, apply_gene_action


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("GPX4:knockout", Perturbation("gene", "GPX4", "knockout")),
        ("NRF2:knockdown", Perturbation("gene", "NFE2L2", "knockdown")),
        ("FSP1:overexpression", Perturbation("gene", "AIFM2", "overexpression")),
        ("xCT:inhibition", Perturbation("gene", "SLC7A11", "inhibition")),
        ("SCD1:inhibition", Perturbation("gene", "SCD", "inhibition")),
        ("erastin@10uM", Perturbation("compound", "erastin", "", 10.0)),
        ("RSL3@100nM", Perturbation("compound", "RSL3", "", 0.1)),
        ("BSO@1mM", Perturbation("compound", "BSO", "", 1000.0)),
        ("Fer-1", Perturbation("compound", "ferrostatin-1", "", 1.0)),
        ("DFO", Perturbation("compound", "deferoxamine", "", 100.0)),
        ("SAS", Perturbation("compound", "sulfasalazine", "", 500.0)),
        ("cystine_deprivation", Perturbation("condition", "cystine_deprivation")),
        ("IFNG", Perturbation("condition", "IFNG")),
    ],
)
def test_parse(model, text, expected):
    assert model.resolve(text) == expected


@pytest.mark.parametrize("text", ["GPX4:knockdwn", "erastin@ten", "erastin@10furlongs", "", "erastin@-1uM"])
def test_malformed(model, text):
    with pytest.raises((PerturbationSyntaxError, FerronetError)):
        model.resolve(text)


def test_unknown_names_suggest(model):
    with pytest.raises(UnknownNameError) as err:
        model.resolve("GPX5:knockout")
    assert "GPX4" in err.value.suggestions
    with pytest.raises(UnknownNameError) as err:
        model.resolve("erastinn")
    assert "erastin" in err.value.suggestions


def test_gene_without_action_is_explained(model):
    with pytest.raises(FerronetError, match="needs an action"):
        model.resolve("GPX4")


def test_gains_do_not_depend_on_endogenous_allele():
    assert apply_gene_action(0.0, "activation") == 3.0  # p53 induced in a p53-null line
    assert apply_gene_action(0.0, "overexpression") == 2.0
    assert apply_gene_action(1.0, "knockdown") == pytest.approx(0.3)
    assert apply_gene_action(2.0, "knockout") == 0.0

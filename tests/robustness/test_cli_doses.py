"""Issue #12 items 5 and 9: non-finite and absurd doses, screen dose keys, genes that are not genes."""

from __future__ import annotations

import pytest

from ferronet.model.perturbation import PerturbationSyntaxError, split_perturbation
from tests.robustness.conftest import assert_clear_error


@pytest.mark.parametrize("text", ["erastin@1e999uM", "erastin@1e308mM", "erastin@" + "1" * 10_000, "erastin@2M"])
def test_absurd_doses_are_rejected_with_the_range(text):
    with pytest.raises(PerturbationSyntaxError, match=r"0 to 1 M|characters"):
        split_perturbation(text)


def test_doses_within_range_are_kept():
    assert split_perturbation("erastin@1M").dose_uM == 1e6
    assert split_perturbation("RSL3@100nM").dose_uM == pytest.approx(0.1)


@pytest.mark.parametrize(
    "args, words",
    [
        (["simulate", "-p", "erastin@1e999uM"], ["0 to 1 M"]),
        (["dose-response", "-d", "erastin", "--doses", "1e308"], ["--doses", "0 to 1 M"]),
        (["dose-response", "-d", "erastin", "--doses", "nan"], ["--doses"]),
        (["dose-response", "-d", "erastin", "--doses", "a,b"], ["not a number"]),
        (["screen", "combo", "--drug", "erastin", "--drug", "RSL3", "--doses", "erastin="], ["no doses"]),
        (["screen", "combo", "--drug", "erastin", "--drug", "RSL3", "--doses", "erastn=1"], ["erastin"]),
        (["screen", "combo", "--drug", "erastin", "--drug", "RSL3", "--doses", "ML210=1"], ["not one of"]),
        (["screen", "combo", "--drug", "erastin", "--drug", "RSL3", "--doses", "erastin=0"], ["dose > 0"]),
        (["screen", "combo", "--drug", "erastin", "--drug", "RSL3", "--doses", "erastin=inf"], ["0 to 1 M"]),
        (["screen", "genes", "--gene", "erastin"], ["not a gene"]),
        (["screen", "genes", "--gene", "GPX4", "--scheduler", "127.0.0.1:1"], ["cannot connect"]),
        (["screen", "genes", "--gene", "GPX4", "--scheduler", "nonsense::"], ["expected an address"]),
    ],
)
def test_bad_doses_and_screen_options_fail_clearly(cli, args, words):
    assert_clear_error(cli(*args), *words)

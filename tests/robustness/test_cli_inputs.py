"""CLI bad-input classes (issue #12 "how it is judged"): names, perturbation grammar, YAML, tables, paths.
Each must give exit status 2, one clear message naming the problem, and no traceback."""

from __future__ import annotations

import pytest

from tests.robustness.conftest import assert_clear_error

YAML_CASES = {
    "not yaml": "observations: [unclosed\n",
    "no list": "something: 1\n",
    "empty": "",
}


@pytest.mark.parametrize(
    "args, words",
    [
        (["simulate", "-p", "GPX44:knockout"], ["GPX4"]),
        (["simulate", "-p", "erastinn"], ["erastin"]),
        (["simulate", "-p", "GPX4:explode"], ["unknown action"]),
        (["simulate", "-p", "erastin@10parsecs"], ["unit"]),
        (["simulate", "-p", "erastin@-1uM"], ["dose"]),
        (["simulate", "-p", "erastin@"], ["dose"]),
        (["simulate", "-p", ""], ["empty"]),
        (["simulate", "-p", "__import__('os').system('true')"], ["unknown"]),
        (["simulate", "--cell", "HT1080x"], ["HT1080"]),
        (["simulate", "-p", "erastin", "-r", "ferroptosiss"], ["ferroptosis"]),
        (["dose-response", "-d", "GPX4"], ["not a compound"]),
        (["kb", "show", "GPX44"], ["GPX4"]),
        (["recommend", "--therapy", "sorafenibb"], ["sorafenib"]),
        (["predict", "--drug", "ML210", "--expression", "/nonexistent.tsv"], ["not found"]),
        (["kb", "import-ferrdb", "/nonexistent"], ["not found"]),
        (["check", "/nonexistent.yaml"], ["cannot read"]),
    ],
)
def test_bad_names_and_grammar(cli, args, words):
    assert_clear_error(cli(*args), *words)


@pytest.mark.parametrize("case", sorted(YAML_CASES))
def test_bad_yaml_observation_files(cli, tmp_path, case):
    path = tmp_path / "obs.yaml"
    path.write_text(YAML_CASES[case])
    assert_clear_error(cli("check", str(path)), "obs.yaml")


@pytest.mark.parametrize(
    "content, words",
    [
        ("sample\tGPX4\ns1\tabc\n", ["non-numeric"]),
        ("sample\tGPX4\tGPX4\ns1\t1\t2\n", ["twice"]),
        ("sample\tGPX4\ns1\t1\t2\n", ["fields"]),
        ("sample\tGPX4\n", ["at least one sample"]),
        ("sample\tGPX4\ns1\tnan\n", ["missing"]),
    ],
)
def test_bad_tables(cli, tmp_path, content, words):
    path = tmp_path / "t.tsv"
    path.write_text(content)
    assert_clear_error(cli("profile", "score", "--expression", str(path)), *words)

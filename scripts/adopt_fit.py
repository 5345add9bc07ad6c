"""Adopt a fit as the shipped parameter set: ``uv run python scripts/adopt_fit.py fits/<fit_id>.yaml [NAME,...]``.

With a comma-separated list of names only those parameters are adopted (the others keep their documented values).

Rewrites the fitted parameters' lines of ``src/ferronet/data/model/parameters.yaml`` (value, ``status:
calibrated``, a source naming the fit id, data and interval) and records the priors the fit started from in
``src/ferronet/data/model/priors.yaml``, so ``ferronet fit`` with the same options and seed reruns the same fit.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ferronet.calibrate import parameter_set

MODEL = Path(__file__).resolve().parents[1] / "src" / "ferronet" / "data" / "model"


def main() -> None:
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    doc = parameter_set.load(sys.argv[1])
    if len(sys.argv) == 3:
        only = [x.strip() for x in sys.argv[2].split(",") if x.strip()]
        unknown = sorted(set(only) - set(doc["parameters"]))
        if unknown:
            sys.exit(f"not in {doc['fit_id']}: {', '.join(unknown)}")
        doc["parameters"] = {k: v for k, v in doc["parameters"].items() if k in only}
    data_text = ", ".join(f"{k}: {v} points" for k, v in doc["data"].items())
    n = parameter_set.adopt(doc, MODEL / "parameters.yaml", data_text, MODEL / "priors.yaml")
    print(f"{doc['fit_id']}: {n} parameters adopted into {MODEL / 'parameters.yaml'}")


if __name__ == "__main__":
    main()

"""Readouts: the death fraction of a heterogeneous population, and node activities.

``ferroptosis`` is the fraction of cells whose accumulated membrane damage ``D`` exceeds their own threshold;
thresholds are log-normal across the population (median ``theta_death``, log-sd ``sigma_death``), so the
fraction is ``Phi((ln D - ln theta) / sigma)``. Other readouts are relative to the untreated default cell.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.special import ndtr


def death_fraction(damage: Any, theta: float, sigma: float) -> np.ndarray:
    d = np.maximum(np.asarray(damage, dtype=float), 1e-300)
    return np.asarray(ndtr((np.log(d) - np.log(theta)) / sigma))


#: expression of each named readout in terms of model quantities
READOUT_EXPR = {"lipid_peroxidation": "L", "GSH": "GSH", "labile_iron": "Fe"}

"""Cell-to-cell heterogeneity: each condition is simulated as K equally weighted subpopulations.

Cells differ in lipid-defence capacity ``cap`` (GPX4/MGST1 activity and radical trapping): ``ln cap`` is a
two-piece normal around 0 with log-sd ``sigma_cap`` below the median and ``sigma_cap_high`` above it (the
defended tail is shorter than the vulnerable one; calibrated, see ``data/model/parameters.yaml``);
subpopulation i sits at the ((i + 1/2) / K)-quantile. Within a subpopulation the
death threshold on accumulated damage is again log-normal (``sigma_death``), so the dead fraction is the
average over subpopulations of ``Phi((ln D - ln theta) / sigma)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from statistics import NormalDist

import numpy as np
from scipy.special import ndtr

N_SUBPOPULATIONS = 9
_Z_FINE = np.linspace(-4.0, 4.0, 161)
_W_FINE = np.exp(-0.5 * _Z_FINE**2)
_W_FINE /= _W_FINE.sum()


def nodes(k: int = N_SUBPOPULATIONS) -> np.ndarray:
    """Standard-normal quantiles at which the subpopulations are simulated."""
    return np.array([NormalDist().inv_cdf((i + 0.5) / k) for i in range(k)])


def capacities(sigma: float, k: int = N_SUBPOPULATIONS, sigma_high: float | None = None) -> np.ndarray:
    """Defence capacities of the k subpopulations (median 1): log-sd ``sigma`` below the median and
    ``sigma_high`` (default: ``sigma``, a log-normal) above it."""
    z = nodes(k)
    up = sigma if sigma_high is None else sigma_high
    return np.exp(np.where(z < 0, sigma, up) * z)


def model_capacities(values: Mapping[str, float], k: int = N_SUBPOPULATIONS) -> np.ndarray:
    """The capacities of a model's subpopulations from its parameter values (``sigma_cap``, ``sigma_cap_high``)."""
    return capacities(values["sigma_cap"], k, sigma_high=values["sigma_cap_high"])


def dead_fraction(damage: np.ndarray, theta: float | np.ndarray, sigma_death: float | np.ndarray) -> np.ndarray:
    """Population fraction dead, from damage simulated at the subpopulation nodes (n_conditions, k).

    log-damage is interpolated between the nodes along the capacity axis and integrated against the
    normal density of capacity, so the fraction varies smoothly with any perturbation (no steps of 1/k).
    ``theta`` and ``sigma_death`` are scalars or (n_conditions, 1) columns.
    """
    z = nodes(damage.shape[1])
    log_d = np.log(np.maximum(damage, 1e-300))
    fine = np.array([np.interp(_Z_FINE, z, row) for row in log_d]).reshape(len(log_d), len(_Z_FINE))
    return np.asarray(ndtr((fine - np.log(theta)) / sigma_death) @ _W_FINE)

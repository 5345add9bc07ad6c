"""Cell-to-cell heterogeneity: each condition is simulated as K equally weighted subpopulations.

Cells differ in lipid-defence capacity ``cap`` (GPX4/MGST1 activity and radical trapping), log-normal with
log-sd ``sigma_cap``; subpopulation i sits at the ((i + 1/2) / K)-quantile. Within a subpopulation the
death threshold on accumulated damage is again log-normal (``sigma_death``), so the dead fraction is the
average over subpopulations of ``Phi((ln D - ln theta) / sigma)``.
"""

from __future__ import annotations

from statistics import NormalDist

import numpy as np

N_SUBPOPULATIONS = 7


def capacities(sigma: float, k: int = N_SUBPOPULATIONS) -> np.ndarray:
    """Defence capacities of the k subpopulations (median 1)."""
    z = np.array([NormalDist().inv_cdf((i + 0.5) / k) for i in range(k)])
    return np.exp(sigma * z)

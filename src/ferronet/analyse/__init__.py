"""Analyses beyond forward simulation: global sensitivity, steady states and bifurcations, dose-response fits.

- :func:`sensitivity`: SALib Morris / Sobol indices of a readout over parameters or gene levels (tidy table).
- :func:`continuation`, :func:`steady_state`: steady states along one parameter with stability and folds.
- :func:`dose_response`: a drug's curve with EC50, Emax and AUC from a 4-parameter log-logistic fit.
"""

from ferronet.analyse.bifurcation import Bifurcation, continuation, steady_state
from ferronet.analyse.dose_response import DoseResponse, dose_response, fit_curve
from ferronet.analyse.sensitivity import sensitivity

__all__ = ["Bifurcation", "DoseResponse", "continuation", "dose_response", "fit_curve", "sensitivity", "steady_state"]

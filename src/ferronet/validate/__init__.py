"""Checks of the model against literature observations (``ferronet check``)."""

from ferronet.validate.measurements import MeasurementReport, load_measurements, score_file, score_measurements
from ferronet.validate.observations import TOLERANCE, CheckReport, check_file, check_observations, load_observations

__all__ = [
    "TOLERANCE",
    "CheckReport",
    "MeasurementReport",
    "check_file",
    "check_observations",
    "load_measurements",
    "load_observations",
    "score_file",
    "score_measurements",
]

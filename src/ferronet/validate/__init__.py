"""Checks of the model against literature observations (``ferronet check``)."""

from ferronet.validate.observations import TOLERANCE, CheckReport, check_file, check_observations, load_observations

__all__ = ["TOLERANCE", "CheckReport", "check_file", "check_observations", "load_observations"]

"""Simulation engines behind one interface: ``simulate(model, conditions) -> Result``."""

from ferronet.sim.conditions import Condition
from ferronet.sim.engine import BatchEngine, Result, simulate

__all__ = ["BatchEngine", "Condition", "Result", "simulate"]

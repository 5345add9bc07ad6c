"""Simulation engines behind one interface: ``simulate(perturbations, model=..., protocol=...) -> Result``.

- :class:`Simulator` (``ferronet.sim.base``): the interface; engines ``batch`` (default, compiled) and
  ``roadrunner`` (libRoadRunner on the exported SBML); :func:`get_simulator` binds one to a model object.
- :class:`Protocol`: pre-culture, exposure length, washout; :class:`Result`: statuses, readouts, ``to_frame()``.
"""

from ferronet.sim.base import Simulator, Tolerances, engines, get_simulator
from ferronet.sim.conditions import Condition
from ferronet.sim.engine import BatchSimulator, simulate
from ferronet.sim.protocol import DEFAULT_PROTOCOL, Protocol, Washout
from ferronet.sim.result import Result

__all__ = [
    "DEFAULT_PROTOCOL",
    "BatchSimulator",
    "Condition",
    "Protocol",
    "Result",
    "Simulator",
    "Tolerances",
    "Washout",
    "engines",
    "get_simulator",
    "simulate",
]

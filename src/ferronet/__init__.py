"""ferronet: an executable, evidence-linked model of ferroptosis in cancer drug resistance.

Data flows one way: knowledge base (:mod:`ferronet.kb`) -> kinetic model (:mod:`ferronet.model`) ->
engines (:mod:`ferronet.sim`) -> checks (:mod:`ferronet.validate`) -> interfaces (:mod:`ferronet.cli`).
"""

from ferronet.errors import FerronetError, UnknownNameError, ValidationError

__version__ = "0.1.0"

__all__ = ["FerronetError", "UnknownNameError", "ValidationError", "__version__"]

"""The SBML export as Antimony (libAntimony), the human-readable model language of tellurium.

libAntimony writes function calls out (``hill``/``mm`` inlined) and numbers with their units
(``1 dimensionless``); units, annotations and notes are carried over. ``antimony_to_sbml`` converts back.
"""

from __future__ import annotations

from typing import Any

from ferronet.errors import FerronetError


def _antimony() -> Any:
    try:
        import antimony
    except ImportError:  # pragma: no cover - antimony is a dependency
        raise FerronetError("the Antimony export needs the 'antimony' package (pip install antimony)") from None
    return antimony


def sbml_to_antimony(sbml: str) -> str:
    """An SBML string as Antimony text."""
    lib = _antimony()
    lib.clearPreviousLoads()
    if lib.loadSBMLString(sbml) < 0:
        raise FerronetError(f"Antimony could not read the SBML: {lib.getLastError()}")
    text = lib.getAntimonyString(lib.getMainModuleName())
    lib.clearPreviousLoads()
    if not text:
        raise FerronetError(f"Antimony produced no text: {lib.getLastError()}")
    return str(text)


def antimony_to_sbml(text: str) -> str:
    """Antimony text as an SBML string (the round trip of :func:`sbml_to_antimony`)."""
    lib = _antimony()
    lib.clearPreviousLoads()
    if lib.loadAntimonyString(text) < 0:
        raise FerronetError(f"Antimony could not read the model: {lib.getLastError()}")
    sbml = lib.getSBMLString(lib.getMainModuleName())
    lib.clearPreviousLoads()
    return str(sbml)

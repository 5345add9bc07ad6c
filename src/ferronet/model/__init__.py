"""The kinetic model: species, rules, reactions and parameters (data files), perturbations and cells."""

from ferronet.model.network import Model, load_model
from ferronet.model.perturbation import Perturbation, parse_perturbation

__all__ = ["Model", "Perturbation", "load_model", "parse_perturbation"]

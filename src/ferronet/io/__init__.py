"""Thin format adapters: SBML (kinetic model), SIF (signed network), JSON/TSV (knowledge base)."""

"""Personalisation of the model from expression, protein and mutation profiles."""

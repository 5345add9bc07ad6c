"""Measured data as calibration problems (PEtab), cross-validation folds and evaluation harnesses."""

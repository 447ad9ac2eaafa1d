"""Targets: one folder per family (model + one module per backend) and the registry."""

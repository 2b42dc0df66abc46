"""Reproducible training scripts for the models that ship inside the package."""

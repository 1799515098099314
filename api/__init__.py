"""Meso Clinic API: the back end of a mesotherapy clinic's booking software."""

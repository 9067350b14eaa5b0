"""Data access: one repository per table, SQL in here and nowhere else."""

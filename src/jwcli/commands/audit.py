"""`jw audit`: placeholder until the command lands."""

"""`jw score`: placeholder until the command lands."""

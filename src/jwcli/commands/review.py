"""`jw review`: placeholder until the command lands."""

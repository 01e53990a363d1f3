"""`jw add`: placeholder until the command lands."""

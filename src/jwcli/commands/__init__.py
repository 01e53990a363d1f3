"""Command bodies beyond the core ones in cli.py, one module per family; importing registers them.

The same rules as cli.py: options in, one library call, output, exit code; only typer and the
standard library at module level, so `jw --help` stays fast.
"""

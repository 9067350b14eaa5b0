"""`python -m conformance` runs the CLI, as the console script does."""

from .cli import main

main()

"""Benchmarks of the spec-reading commands on real documents: `python -m conformance.bench`.

Each command runs as a user runs it, the real CLI in a child process, and is measured
for wall time, CPU time and peak memory. `conformance lint` is compared with two peers
run on the same documents in the same run: Spectral 6.16 (its `spectral:oas` ruleset)
and Redocly CLI 2 (its recommended configuration), installed with npm into a cache
folder of their own.
"""

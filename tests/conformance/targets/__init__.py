"""Deployments that `conformance run` is tested against, and a way to serve them.

- `guide/`: the API built from the "FastAPI production best practices" guide as written,
  defects included (see `../shared/reference/`); the engine must report those defects.
- `faulty/`: the reference implementation with exactly one clause of the contract broken
  per variant; the engine must name the check that catches each.
- `serving.py`: serves any ASGI app on a free loopback port for the length of a test.
"""

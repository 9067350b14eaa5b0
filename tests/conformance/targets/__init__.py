"""Deployments that `conformance run` is tested against, and a way to serve them.

- `guide/`: the API built from the "FastAPI production best practices" guide as written,
  defects included (see `../shared/reference/`); the engine must report those defects.
- `faulty/`: the reference implementation with exactly one clause of the contract broken
  per variant; the engine must name the check that catches each.
- `boards/`, `members/`: two small APIs unlike users/items, each with a hand-written
  spec and an in-memory app that conforms to it exactly (and optional planted faults),
  for running the engine on a contract it has never seen. `apis_common.py` is what they
  share; `schemathesis_cli.py` runs plain schemathesis on them.
- `drf/`, `wrapped/`, `fastapi_defaults/`: APIs built with other frameworks in those
  frameworks' (or communities') own conventions, each with the spec its framework makes
  or its community writes, and planted faults (`FAULTS`): Django REST framework with
  drf-spectacular's document (one Django per process, a database per app), a RealWorld
  "Conduit"-style API on Flask with a hand-written spec, and the FastAPI full-stack
  template's shape with FastAPI's own document. Each serves through `serving.serve`.
- `serving.py`: serves any ASGI app on a free loopback port for the length of a test.
"""

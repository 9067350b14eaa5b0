"""Benchmarks of the reference service against a floor: `python -m load.bench`.

The floor is a bare Starlette endpoint returning a small JSON object, served exactly as
the service is (uvicorn, uvloop, httptools, one process): the most any Python ASGI
service can do on this machine. Each scenario of the service is driven with the same
load (wrk where installed, else Locust) and reported as a ratio to the floor, which
makes figures from different machines comparable.
"""

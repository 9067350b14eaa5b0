"""The load suite: Locust journeys built from the contract, SLO gates and benchmarks.

Modules that import Locust (and so gevent's monkey-patching) are only ever loaded inside
a Locust process: `locustfile.py` and `journeys.py`. Everything else here (the SLO
parser, the statistics, the reports, the runner that starts Locust as a child process)
is plain Python that the `conformance` CLI can import safely.
"""

"""The conformance engine: a registry of checks, a runner that emits events, and reporters.

settings  ->  runner  ->  events  ->  reporters (console, JSON, JUnit, HTML)
              ├── checks/*   the contract checks, one module per family
              └── generic    schemathesis's phases and default checks
"""

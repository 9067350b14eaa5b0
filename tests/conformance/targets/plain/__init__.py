"""The plain API: a spec that promises little, and a deployment that keeps it.

`spec.yaml` documents sign-up, a bearer token, the caller's account and one resource
(projects, integer ids, a bare JSON array as its list), and no 403, 413, 429, refresh,
logout, X-Request-ID, CORS, Cache-Control or challenge; `app.create_app()` conforms to it.
A run must pass it, skipping what the spec does not promise. `swagger.yaml` describes the
same API in Swagger 2.0, as a 2.0 author writes it (the app serves `spec.yaml`).
"""

from .app import SPEC_PATH, SWAGGER_PATH, create_app

__all__ = ["SPEC_PATH", "SWAGGER_PATH", "create_app"]

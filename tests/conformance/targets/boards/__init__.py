"""The boards API: a second contract, unlike users/items, and a deployment of it.

`spec.yaml` is the hand-written contract (UUID ids, cards nested in boards, envelope
lists, problem+json errors, bearer tokens without refresh, its document served at
`/v2/spec.json`); `app.create_app()` conforms to it exactly, and `create_app(faults=...)`
breaks one named clause per fault for the engine's tests.
"""

from .app import FAULTS, SPEC_PATH, create_app

__all__ = ["FAULTS", "SPEC_PATH", "create_app"]

"""The crew API: accounts that are a resource of their own, administrators, paged tasks.

Members join (`join`, `POST /crew`) with a `login` and a `password`, get a token from
`startSession`, and are read, renamed and removed by their string id (self, or an
administrator); only an administrator lists the crew or sees other members' tasks.
`create_app(faults=...)` breaks one named clause per fault for the engine's tests.
"""

from .app import FAULTS, SPEC_PATH, create_app

__all__ = ["FAULTS", "SPEC_PATH", "create_app"]

"""The shelves API: a tiny contract for the property, limit and concurrency checks' reach.

People sign up (`joinPeople`, 409 for a taken login) and carry a server-owned privilege
flag (`admin`, which `listPeople` needs: 403 for anyone else); shelves have int32 ids,
labels unique per person (409) and a 16 KiB body limit (413). Sign-up and shelf bodies
are open to fields they do not define, which are ignored.
`create_app(faults=...)` plants the faults of `FAULTS`, each with the check that names it.
"""

from .app import FAULTS, SPEC_PATH, create_app

__all__ = ["FAULTS", "SPEC_PATH", "create_app"]

"""The guide's API as written, defects included, to run `conformance run --url` against.

The code follows `../shared/reference/fastapi-production-guide.md` module by module. Three
departures, none of which changes behaviour the contract judges:

- PyJWT and bcrypt stand in for python-jose and passlib (same tokens, same hashes; bcrypt
  input is cut at 72 bytes as passlib does).
- Settings are passed to `create_app` and kept on `app.state` instead of a module-level
  `settings = Settings()`, so that one test process can serve several databases.
- `EmailStr` (which needs the absent `email-validator`) is a plain string with a pattern.

Where the guide shows no code (login, refresh, logout, items, start-up superuser), the
code is written in the guide's own style and keeps its habits: stateless tokens that
are never revoked, unbounded `limit`, lenient request bodies, naive UTC timestamps.
"""

from .main import create_app

__all__ = ["create_app"]

"""A Conduit-style API: the RealWorld community's conventions, served by Flask.

`spec.yaml` is hand-written in the conventions of the RealWorld "Conduit" API spec:
`servers: [{url: /api}]` with paths relative to it (`/users`, `/articles/{slug}`), every
body wrapped in a key naming its resource (`{"user": {...}}`, `{"article": {...}}`, lists
as `{"articles": [...], "articlesCount": n}`), one security scheme (`Token`, an `apiKey`
in the `Authorization` header whose description alone says the value is `Token <jwt>`),
optional auth written as `security: [{}, {Token: []}]`, articles addressed by a slug the
server derives from the title (a new title, a new slug), comments with integer ids and no
read by id, favourites and follows as POST/DELETE on a sub-resource, 200 for a comment's
creation and for deletions without a body, and errors as `{"errors": {"body": [...]}}`
(422 invalid, 401, 403 not the author, 404). The document is served at
`/api/openapi.yaml`.

Kept as the conventions and Flask make them (plain schemathesis reports them): a taken
username or email is 422, like any invalid body; `/api/articles/feed` also matches the
rule of `/api/articles/{slug}`, so its OPTIONS and 405 name PUT and DELETE too (`feed` is
never given as a slug).

`create_app()` conforms to it; `create_app(faults={...})` breaks one clause per fault
(see `FAULTS`); `create_app(secret=...)` fixes the HS256 key, for tests that mint tokens.
"""

from .app import FAULTS, SPEC_PATH, TOKEN_LIFETIME, create_app

__all__ = ["FAULTS", "SPEC_PATH", "TOKEN_LIFETIME", "create_app"]

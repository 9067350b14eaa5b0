"""An API in the shape of the FastAPI full-stack template, its spec as FastAPI makes it.

The document is FastAPI's own, served at `/api/v1/openapi.json` (OpenAPI 3.1, operation
ids `<tag>-<function>`, only 200 and 422 documented). Login is OAuth2's password flow:
`POST /api/v1/login/access-token` with a form (`username` is the email), answering
`{"access_token", "token_type": "bearer"}`; `POST /api/v1/login/test-token` answers the
caller. Users: a public `POST /api/v1/users/signup`, `POST /api/v1/users/` for superusers,
`GET/PATCH/DELETE /api/v1/users/me`, `PATCH /api/v1/users/me/password`
(`current_password`, `new_password`). Items: `/api/v1/items/` and `/api/v1/items/{id}`
(UUIDs), each account's own (400 "Not enough permissions" otherwise, as the template
says), every item for a superuser; lists are `{"data": [...], "count": n}` with
`skip`/`limit`. As in the template, a missing token is 401 and an invalid one 403; none
of the 400, 401, 403 and 404 it answers is documented. Starlette's 405 names the methods
of the first route whose path matches only, and `PATCH /api/v1/users/signup` reaches
`PATCH /api/v1/users/{user_id}` (403 to a normal user), as in the template.

`create_app()` makes the superuser `FIRST_SUPERUSER` / `FIRST_SUPERUSER_PASSWORD` at
start-up; `create_app(item_create="superuser")` is the variant where only superusers
create items; `create_app(faults={...})` breaks one clause per fault (see `FAULTS`);
`create_app(access_token_expire=timedelta(seconds=5))` makes short-lived tokens.
"""

from .deps import API_V1_STR
from .main import FAULTS, FIRST_SUPERUSER, FIRST_SUPERUSER_PASSWORD, create_app

__all__ = ["API_V1_STR", "FAULTS", "FIRST_SUPERUSER", "FIRST_SUPERUSER_PASSWORD", "create_app"]

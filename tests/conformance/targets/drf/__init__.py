"""The tracker: a Django REST framework API of projects and tasks, in DRF's conventions.

- Accounts: `POST /api/auth/signup/`, DRF's `obtain_auth_token` at `POST /api/auth/token/`
  (username and password, JSON or form, answering `{"token": ...}`), the current account
  at `/api/auth/user/` (DELETE makes it inactive). Requests carry `Authorization: Token
  <key>`; without it DRF answers 401 with `WWW-Authenticate: Token`, and 403 when an
  authenticated account lacks the permission.
- `ModelViewSet`s under a `DefaultRouter` (trailing slashes): projects by slug
  (`/api/projects/{slug}/`, an `archive` action, `?status=`), tasks nested under them
  with integer ids (`/api/projects/{project_slug}/tasks/{id}/`, `?status=`, `priority`
  defaulting to 3); `PageNumberPagination` (`count`, `next`, `previous`, `results`,
  `?page=`, `?page_size=` up to 100). DRF's 400 for invalid input.
- The OpenAPI 3.0 document drf-spectacular generates, served live at `/api/schema/`
  (YAML; `?format=json` for JSON).

Kept as DRF and drf-spectacular make them (plain schemathesis reports them): the document
names no 400, 401, 403 or 404; the token endpoint is documented with `tokenAuth` security,
and a stale `Authorization` header makes even it answer 401; a path without its trailing
slash is a 301 to the one with it.

Django's settings are process-global, so every app runs in one configured Django and each
`create_app(faults=...)` gets its own SQLite file and fault set (see `app.py`), served
with `serving.serve` like the other fixtures. `python -m tests.conformance.targets.drf
--faults a,b` serves one in a process of its own and prints its URL.
"""

from .app import create_app
from .faults import FAULTS

__all__ = ["FAULTS", "create_app"]

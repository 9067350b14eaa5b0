"""The members API: a tiny contract whose sign-up cannot be recognised by names alone.

Members enrol (`enrolMember`, `POST /members`) with a `handle` and a `passphrase`, get a
bearer token from `issueToken` (`POST /tokens`, answering 200), and own `notes` (int64
ids, a bare JSON array as the list). Errors are `{"message": ...}`; the document is
served at `/openapi.json`.
"""

from .app import SPEC_PATH, create_app

__all__ = ["SPEC_PATH", "create_app"]

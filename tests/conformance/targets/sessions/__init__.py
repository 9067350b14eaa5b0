"""The sessions API: an account life with names of its own, and refresh tokens that rotate.

Accounts are opened (`openAccount`, `POST /v1/accounts`) with a `login` and a `passphrase`;
`startSession` answers camelCase tokens (`accessToken`, `refreshToken`, `expiresIn`),
`renewSession` rotates the refresh token, `signOut` revokes it, and `changeAccount`
changes the passphrase. `FAULTS` names what `create_app(faults=...)` can break, each the
clause one contract check must catch.
"""

from .app import FAULTS, SPEC_PATH, create_app

__all__ = ["FAULTS", "SPEC_PATH", "create_app"]

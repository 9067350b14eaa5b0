"""JWT access and refresh tokens with PyJWT: one algorithm, every claim required."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import jwt
from jwt.algorithms import HMACAlgorithm

from ..db.types import utc_now
from ..settings import Settings

TokenType = Literal["access", "refresh"]
_MAX_ID = 2**63 - 1
_MAX_TIMESTAMP = 253_402_300_799  # 9999-12-31T23:59:59Z, the last one datetime can hold.
_REQUIRED = ["sub", "type", "iat", "exp", "jti"]
_HASHES = {
    "HS256": HMACAlgorithm.SHA256,
    "HS384": HMACAlgorithm.SHA384,
    "HS512": HMACAlgorithm.SHA512,
}


@dataclass(frozen=True, slots=True)
class Claims:
    """The verified claims of a token."""

    user_id: int
    jti: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """An encoded token and its claims."""

    encoded: str
    claims: Claims


# Verified access tokens kept, so that a client's repeated requests skip the HMAC and
# JSON work; bounded, oldest forgotten first.
_VERIFIED_CACHE_SIZE = 4096


class _DeploymentHMAC(HMACAlgorithm):
    """PyJWT's HMAC, with the deployment's key checked once.

    PyJWT checks the key on every token it signs or verifies: that it is not shaped like
    a PEM, SSH or DER public key, nor like a JWK (a JSON parse attempt). The key is the
    deployment's own and never changes, so the check is made here, once, and its result
    kept; any other key is checked as PyJWT always does.
    """

    def __init__(self, hash_alg: Any, key: str) -> None:
        super().__init__(hash_alg)
        self._key = key
        self._prepared = super().prepare_key(key)

    def prepare_key(self, key: str | bytes) -> bytes:
        if key is self._key:
            return self._prepared
        return super().prepare_key(key)


class Tokens:
    """Issue and verify tokens signed with the deployment's key and algorithm."""

    def __init__(self, settings: Settings) -> None:
        self._key = settings.secret_key.get_secret_value()
        self._algorithm = settings.jwt_algorithm
        # A PyJWT of its own, whose one algorithm is the deployment's, key checked once.
        self._jwt = jwt.PyJWT()
        signatures = self._jwt._jws
        signatures.unregister_algorithm(self._algorithm)
        signatures.register_algorithm(
            self._algorithm,
            _DeploymentHMAC(_HASHES[self._algorithm], self._key),
        )
        self._lifetimes: dict[TokenType, timedelta] = {
            "access": timedelta(minutes=settings.access_token_expire_minutes),
            "refresh": timedelta(minutes=settings.refresh_token_expire_minutes),
        }
        self.access_seconds = settings.access_token_expire_minutes * 60
        self._verified_access: dict[str, Claims] = {}

    def issue(self, user_id: int, token_type: TokenType) -> IssuedToken:
        """A new token of `token_type` for the account `user_id`."""
        # Whole seconds, as JWT carries them, so the recorded expiry is the token's own.
        now = utc_now().replace(microsecond=0)
        expires_at = now + self._lifetimes[token_type]
        jti = uuid.uuid4().hex
        payload = {
            "sub": str(user_id),
            "type": token_type,
            "iat": now,
            "exp": expires_at,
            "jti": jti,
        }
        encoded = self._jwt.encode(payload, self._key, algorithm=self._algorithm)
        return IssuedToken(encoded, Claims(user_id, jti, expires_at))

    def verify_access(self, token: str) -> Claims | None:
        """`verify(token, "access")`, remembering tokens that verified.

        Only the signature and claims are remembered, keyed by the exact token text, and
        the expiry is checked again on each use; whether the account may still act is
        for the caller to check on every request.
        """
        claims = self._verified_access.get(token)
        if claims is not None:
            if claims.expires_at > utc_now():
                return claims
            del self._verified_access[token]
            return None
        claims = self.verify(token, "access")
        if claims is not None:
            if len(self._verified_access) >= _VERIFIED_CACHE_SIZE:
                del self._verified_access[next(iter(self._verified_access))]
            self._verified_access[token] = claims
        return claims

    def verify(
        self, token: str, token_type: TokenType, *, check_expiry: bool = True
    ) -> Claims | None:
        """The claims of `token` if it is a well-formed, correctly signed `token_type`
        token (and unexpired, unless told otherwise); None for anything else."""
        try:
            payload = self._jwt.decode(
                token,
                self._key,
                algorithms=[self._algorithm],
                options={"require": _REQUIRED, "verify_exp": check_expiry},
            )
        except jwt.PyJWTError:
            return None
        subject, jti, expires = payload["sub"], payload["jti"], payload["exp"]
        if payload["type"] != token_type or not isinstance(jti, str) or not 1 <= len(jti) <= 64:
            return None
        if not isinstance(subject, str) or not _is_id(subject):
            return None
        if not isinstance(expires, int | float) or not 0 < expires < _MAX_TIMESTAMP:
            return None
        return Claims(int(subject), jti, datetime.fromtimestamp(expires, tz=UTC))


def _is_id(subject: str) -> bool:
    # Length first: int() of a long enough digit string raises instead of answering.
    return (
        1 <= len(subject) <= 19
        and subject.isascii()
        and subject.isdigit()
        and (1 <= int(subject) <= _MAX_ID)
    )

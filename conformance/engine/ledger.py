"""What the run created, so that the clean-up can delete it on any spec.

The run's own accounts are deleted through the account-deletion role, and what they own
goes with them. Objects made by an account that stays (an `[[identity]]` of
conformance.toml, the admin, or any account on a spec with no account-deletion
operation) would stay too, so every object the contract checks or schemathesis create
is noted here with its path and its owner, and those whose owner stays are deleted one
by one through their resource's delete operation, newest first (children before their
parents).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

import httpx

from .identities import IdentityError

if TYPE_CHECKING:
    from ..contract import Contract
    from .identities import Identities, Identity

__all__ = ["Ledger", "Made"]


@dataclass(frozen=True, slots=True)
class Made:
    """One object the run created: its resource, the path that names it, its owner."""

    resource: str
    path: dict[str, object]
    owner: Identity

    def describe(self, contract: Contract) -> str:
        resource = contract.resource(self.resource)
        where = resource.read or resource.delete if resource is not None else None
        return f"{self.resource} {where.url_path(**self.path) if where else self.path}"


class Ledger:
    """The objects the run created, in order; thread-safe."""

    def __init__(self, contract: Contract) -> None:
        self._contract = contract
        self._made: list[Made] = []
        self._lock = threading.Lock()

    def note(self, resource: str, path: dict[str, object], owner: Identity | None) -> None:
        """Remember an object; one whose owner is unknown cannot be deleted, so is not noted."""
        if owner is None or self._contract.roles.account_resource == resource:
            return
        with self._lock:
            self._made.append(Made(resource, dict(path), owner))

    def moved(self, resource: str, old: dict[str, object], new: dict[str, object]) -> None:
        """An object's key changed (a new title, a new slug): it is deleted by its new path."""
        with self._lock:
            self._made = [
                Made(resource, dict(new), made.owner)
                if made.resource == resource and made.path == old
                else made
                for made in self._made
            ]

    def __len__(self) -> int:
        with self._lock:
            return len(self._made)

    def clean_up(self, identities: Identities) -> tuple[int, list[str]]:
        """Delete every noted object whose owner's account is not itself going away.

        Run after the accounts' own clean-up. Returns how many objects were deleted and a
        description of each that could not be.
        """
        with self._lock:
            made = list(reversed(self._made))
        deleted, left = 0, []
        for entry in made:
            if entry.owner.deleted:
                continue  # The account went, and took what it owned.
            outcome = self._delete(entry, identities)
            if outcome:
                deleted += 1
            elif outcome is None:
                left.append(entry.describe(self._contract))
        return deleted, left

    def _delete(self, entry: Made, identities: Identities) -> bool | None:
        """True: deleted; False: already gone (with a parent, or by a check); None: stays."""
        resource = self._contract.resource(entry.resource)
        operation = resource.delete if resource is not None else None
        if operation is None:
            return None
        try:
            response = identities.client.request(
                operation.method.upper(),
                operation.url_path(**entry.path),
                **identities.present(entry.owner),
            )
        except (httpx.HTTPError, IdentityError):
            return None
        if 200 <= response.status_code < 300:
            return True
        return False if response.status_code in (404, 410) else None

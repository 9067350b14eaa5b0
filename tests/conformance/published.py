"""The API descriptions providers published (`../shared/specs` beside the checkout).

Read-only test data: the folder's `INDEX.tsv` lists each document's path, version and
number of operations. Tests that read them skip, with the reason, where it is absent.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["FOLDER", "Published", "documents"]

FOLDER = Path(__file__).resolve().parents[2].parent / "shared" / "specs"
ABSENT = f"the published API descriptions ({FOLDER}) are absent"


@dataclass(frozen=True)
class Published:
    """One document of the index."""

    path: str
    version: str
    operations: int

    @property
    def file(self) -> Path:
        return FOLDER / self.path

    @property
    def swagger(self) -> bool:
        return self.version.startswith("swagger")


def documents() -> list[Published]:
    """Each document the index lists and the folder holds; none when it is absent."""
    index = FOLDER / "INDEX.tsv"
    if not index.is_file():
        return []
    found = []
    for line in index.read_text(encoding="utf-8").splitlines()[1:]:
        path, version, _size, operations = line.split("\t")
        if (FOLDER / path).is_file():
            found.append(Published(path, version, int(operations)))
    return found

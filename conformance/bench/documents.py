"""The documents benchmarked: the largest real API descriptions, or the ones named.

The real documents live beside the project, read-only, in `<root>/../shared/specs`, with
an `INDEX.tsv` (path, version, bytes, operations) that says which is which.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from conformance.errors import UsageError

PROJECT_ROOT = Path(__file__).resolve().parents[2]
INDEX = "INDEX.tsv"


@dataclass(frozen=True)
class Document:
    """One API description to measure the commands on."""

    label: str
    path: Path
    bytes: int
    version: str = ""
    operations: int | None = None

    def describe(self) -> str:
        facts = [self.version] if self.version else []
        size = self.bytes
        facts.append(f"{size / 1e6:.1f} MB" if size >= 100_000 else f"{size / 1e3:.0f} kB")
        if self.operations is not None:
            facts.append(f"{self.operations} operations")
        return f"{self.label}: {self.path} ({', '.join(facts)})"


def find_specs_dir(override: Path | None = None, root: Path = PROJECT_ROOT) -> Path:
    """`override`, or `<root>/../shared/specs`; a UsageError if it has no INDEX.tsv."""
    folder = override if override is not None else root.parent / "shared" / "specs"
    if not (folder / INDEX).is_file():
        raise UsageError(
            f"no folder of real specs at {folder} (no {INDEX} there)",
            hint="pass --specs-dir DIR, or name documents with --spec PATH",
        )
    return folder


def largest_documents(specs_dir: Path, top: int) -> list[Document]:
    """The `top` largest documents of the index, by size, that are present on disk."""
    with (specs_dir / INDEX).open(newline="", encoding="utf-8") as index:
        rows = [row for row in csv.DictReader(index, delimiter="\t") if row.get("path")]
    rows = [row for row in rows if (specs_dir / row["path"]).is_file()]
    rows.sort(key=lambda row: int(row["bytes"]), reverse=True)
    chosen = rows[:top]
    labels = _labels([Path(row["path"]) for row in chosen])
    return [
        Document(
            label,
            specs_dir / row["path"],
            int(row["bytes"]),
            row.get("version") or "",
            int(row["operations"]) if (row.get("operations") or "").isdigit() else None,
        )
        for label, row in zip(labels, chosen, strict=True)
    ]


def named_documents(paths: Sequence[Path]) -> list[Document]:
    """Documents given on the command line, each checked to exist."""
    for path in paths:
        if not path.is_file():
            raise UsageError(f"--spec {path}: no such file")
    belows = [_below_specs(path) for path in paths]
    providers = iter(_labels([below for below in belows if below is not None]))
    labels = [
        next(providers) if below is not None else str(path)
        for path, below in zip(paths, belows, strict=True)
    ]
    return [
        # Absolute: each command runs in a scratch folder of its own.
        Document(label, path.resolve(), path.stat().st_size)
        for label, path in zip(labels, paths, strict=True)
    ]


def _below_specs(path: Path) -> Path | None:
    """The part of a path below a `specs` folder (the provider's folder first), if any."""
    parts = path.resolve().parts
    if "specs" not in parts[:-2]:
        return None
    at = len(parts) - 1 - parts[::-1].index("specs")
    return Path(*parts[at + 1 :])


def _labels(paths: Sequence[Path]) -> list[str]:
    """A short name per document: its provider's folder, the whole path where two share it."""
    first = [path.parts[0] for path in paths]
    counts = Counter(first)
    return [
        name if counts[name] == 1 else str(path.parent)
        for name, path in zip(first, paths, strict=True)
    ]

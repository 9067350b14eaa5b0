"""`conformance generate`: Pydantic models made from an OpenAPI document, and drift detection.

Two callers share one pipeline:

- the bundled project (`generate`): `spec/openapi.yaml` into `generated/`, with exactly the
  options of the project's `pyproject.toml` `[tool.datamodel-codegen]`;
- a team's own spec (`generate_spec`): any OpenAPI 3 document, a path or a URL, into one
  module (`--output models.py`) or a package (`--output models/`), with `TEAM_OPTIONS`
  under the options of the team's own `[tool.datamodel-codegen]` when they name it.

The document is read by the project's loader, given to datamodel-code-generator (run in
this process) as JSON, and the files it makes are compared with those on disk before any
is written: with `check`, nothing is written and the stale ones are returned.
"""

from __future__ import annotations

import tomllib
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import datamodel_code_generator as dcg
import orjson
from datamodel_code_generator.config import GenerateConfig
from pydantic import ValidationError

from .contract.loader import load_document
from .contract.swagger2 import as_openapi3
from .errors import ConfigError, SpecError, UsageError

__all__ = [
    "INIT_TEXT",
    "TEAM_OPTIONS",
    "GenerationResult",
    "find_project_root",
    "generate",
    "generate_spec",
]

INIT_TEXT = (
    "# Generated from spec/openapi.yaml by `conformance generate`: do not edit by hand.\n"
    '"""Pydantic v2 models made from `spec/openapi.yaml`; they live in `generated.models`."""\n'
)
_SPEC = Path("spec/openapi.yaml")
_OUTPUT = Path("generated")

# A team's spec gets the bundled project's style (pydantic v2, Annotated constraints, PEP
# 585/604 types, the builtin formatter, no timestamp), not its contract's policies
# (forbidden extra fields, request/response splits, Literal enums, its file header).
TEAM_OPTIONS: Mapping[str, Any] = {
    "output_model_type": "pydantic_v2.BaseModel",
    "target_python_version": "3.11",
    "use_annotated": True,
    "field_constraints": True,
    "use_standard_collections": True,
    "use_union_operator": True,
    "use_schema_description": True,
    "use_field_description": True,
    "collapse_root_models": True,
    "formatters": ["builtin"],
    "disable_timestamp": True,
    # Only the document given is read; a team that wants remote `$ref`s followed says so.
    "allow_remote_refs": False,
}
# What the command decides whatever a team's table says.
_COMMAND_FIELDS = frozenset({"input_file_type", "input_filename", "output"})
_NO_MODELS = "Models not found in the input data"
_EMPTY_MODULE = '"""No models: the document has no schemas under components/schemas."""\n'
_NO_SCHEMAS = (
    "no models: the document has no schemas under components/schemas (with "
    'openapi-scopes = ["schemas", "paths"] in a [tool.datamodel-codegen], the schemas '
    "written inline in paths get models)"
)


@dataclass(frozen=True)
class GenerationResult:
    """What a generation (or a check) found.

    `changed` lists the files that were, or would be, rewritten; `warnings` the distinct
    warnings of the generator (unknown formats, constraints it dropped), in order.
    """

    changed: list[Path]
    warnings: tuple[str, ...] = ()


def find_project_root(start: Path | None = None) -> Path:
    """The nearest folder at or above `start` whose pyproject configures the generator."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and "[tool.datamodel-codegen]" in pyproject.read_text("utf-8"):
            return folder
    raise UsageError(
        "no pyproject.toml with [tool.datamodel-codegen] here or above",
        hint="run `conformance generate` inside the project checkout",
    )


def generate(root: Path, *, check: bool = False) -> GenerationResult:
    """Regenerate `generated/` under `root`; with `check`, only report what is stale."""
    pyproject = root / "pyproject.toml"
    config = _project_config(pyproject, overrides={"output": None})
    modules, notes = _models(root / _SPEC, config, name=str(_SPEC))
    files = {_OUTPUT / "__init__.py": INIT_TEXT, _OUTPUT / "models.py": _single(modules)}
    return GenerationResult(changed=_sync(root, files, check=check), warnings=notes)


def generate_spec(
    spec: str | Path,
    output: Path,
    *,
    pyproject: Path | None = None,
    check: bool = False,
) -> GenerationResult:
    """Make the models of any OpenAPI document (a path or an http(s) URL) at `output`.

    `output` ending in `.py` is one module: dotted schema names (`billing.Account`) become
    class names there. Any other `output` is a package folder: the models go to its
    `__init__.py`, or, where dotted names make modules, one module per prefix. `pyproject`
    (a file or its folder) names a `[tool.datamodel-codegen]` whose options win over
    `TEAM_OPTIONS`; its `input` and `output` are ignored.
    """
    name = str(spec)
    package = output.suffix != ".py"
    options = dict(TEAM_OPTIONS)
    if not package:
        options["treat_dot_as_module"] = False
    if pyproject is not None:
        options.update(_their_options(pyproject))
    # The header names the document as the team knows it, wherever the command runs.
    shown = name if name.startswith(("http://", "https://")) else Path(spec).name
    options.update(input_file_type="openapi", input_filename=shown, output=None)
    try:
        config = GenerateConfig.model_validate(options)
    except ValidationError as exc:
        raise ConfigError(_one_line(str(exc)), path=str(pyproject)) from exc
    modules, notes = _models(spec, config, name=name)
    files: dict[Path, str]
    if package:
        if isinstance(modules, str):
            modules = {("__init__.py",): modules}
        files = {output.joinpath(*parts): text for parts, text in modules.items()}
    else:
        files = {output: _single(modules)}
    return GenerationResult(changed=_sync(Path(), files, check=check), warnings=notes)


def _models(
    spec: str | Path, config: GenerateConfig, *, name: str
) -> tuple[str | dict[tuple[str, ...], str], tuple[str, ...]]:
    """The generator's modules for the document at `spec`, and its distinct warnings."""
    # OpenAPI 3 is the only dialect the generator is given.
    document = as_openapi3(load_document(spec))
    # Non-string keys (YAML's `200:`) become the strings JSON has.
    text = orjson.dumps(document, option=orjson.OPT_NON_STR_KEYS).decode()
    with warnings.catch_warnings(record=True) as caught:
        # Recorded, never shown as Python warnings: the caller prints them as lines.
        warnings.simplefilter("always")
        try:
            made = dcg.generate(text, config=config)
        except dcg.Error as exc:
            if not str(exc).startswith(_NO_MODELS):
                raise SpecError(
                    f"datamodel-code-generator cannot make the models: {_reason(exc)}",
                    source=name,
                ) from exc
            made = None
    notes = tuple(dict.fromkeys(_one_line(str(warning.message)) for warning in caught))
    if made is None:
        # The generator's own note on this names its command line's flag, not the key.
        kept = (note for note in notes if not note.startswith("No schemas found"))
        return _EMPTY_MODULE, (*kept, _NO_SCHEMAS)
    # The generator ends each file it writes with a newline; its returned texts lack it.
    if isinstance(made, str):
        return made + "\n", notes
    return {parts: module + "\n" for parts, module in made.items()}, notes


def _single(modules: str | dict[tuple[str, ...], str]) -> str:
    if isinstance(modules, str):
        return modules
    raise UsageError(
        "the models of this spec make several modules (dotted schema names, with "
        "treat-dot-as-module or a module split in [tool.datamodel-codegen])",
        hint="give --output a folder, which becomes a package",
    )


def _sync(base: Path, files: Mapping[Path, str], *, check: bool) -> list[Path]:
    """The files under `base` whose bytes differ from `files`; written unless `check`."""
    changed = []
    for relative in sorted(files):
        path = base / relative
        data = files[relative].encode("utf-8")
        if path.is_file() and path.read_bytes() == data:
            continue
        changed.append(relative)
        if not check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    return changed


def _project_config(pyproject: Path, *, overrides: Mapping[str, Any]) -> GenerateConfig:
    """The options of the `[tool.datamodel-codegen]` in `pyproject`, as the generator reads them."""
    try:
        return dcg.load_pyproject_config(pyproject, overrides=overrides)
    except (dcg.Error, ValidationError) as exc:
        raise ConfigError(_one_line(str(exc)), path=str(pyproject)) from exc


def _their_options(pyproject: Path) -> dict[str, Any]:
    """The options a team's `[tool.datamodel-codegen]` sets, without input and output."""
    file = pyproject / "pyproject.toml" if pyproject.is_dir() else pyproject
    try:
        tool = tomllib.loads(file.read_text(encoding="utf-8")).get("tool")
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read it: {_one_line(str(exc))}", path=str(file)) from exc
    if not isinstance(tool, dict) or not isinstance(tool.get("datamodel-codegen"), dict):
        raise ConfigError("has no [tool.datamodel-codegen] table", path=str(file))
    config = _project_config(file, overrides={})
    return {
        field: getattr(config, field)
        for field in config.model_fields_set
        if field not in _COMMAND_FIELDS
    }


def _reason(exc: dcg.Error) -> str:
    """The generator's message on one line, without pydantic's links to its docs."""
    lines = str(exc).splitlines()
    return _one_line(" ".join(line for line in lines if "errors.pydantic.dev" not in line))


def _one_line(text: str) -> str:
    return " ".join(text.split())

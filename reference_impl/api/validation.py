"""Checks the generated models cannot express, raised as ordinary validation errors."""

from __future__ import annotations

from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel


def reject_nulls(body: BaseModel, *fields: str) -> None:
    """422 for each of `fields` sent as null.

    An optional property that may be absent but not null (`title` of ItemUpdate, `email`
    and `password` of UserUpdate) is generated as `str | None`, so the model lets null
    through; the contract does not.
    """
    errors = [
        {
            "type": "string_type",
            "loc": ("body", field),
            "msg": "Input should be a valid string",
            "input": None,
        }
        for field in fields
        if field in body.model_fields_set and getattr(body, field) is None
    ]
    if errors:
        raise RequestValidationError(errors)

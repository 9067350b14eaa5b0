# Generated from spec/openapi.yaml by datamodel-code-generator: do not edit by hand.
# Regenerate with `conformance generate`; CI checks for drift with `conformance generate --check`.

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, RootModel


class Health(BaseModel):
    model_config = ConfigDict(
        extra='forbid',
    )
    status: Literal['healthy']


class LoginFormRequest(BaseModel):
    """
    The OAuth2 password-flow form. `username` is the email; it is not checked against
    the email pattern, so that a malformed email fails like any unknown one (401).

    """

    model_config = ConfigDict(
        extra='forbid',
    )
    grant_type: Literal['password'] | None = None
    username: Annotated[str, Field(max_length=254, min_length=1)]
    password: Annotated[str, Field(max_length=1024, min_length=1)]
    """
    Up to 1024 characters, so that accounts made before the 128-character limit can still log in.
    """
    scope: Annotated[str | None, Field(max_length=1024)] = None
    client_id: Annotated[str | None, Field(max_length=255)] = None
    client_secret: Annotated[str | None, Field(max_length=255)] = None


class LoginFormResponse(BaseModel):
    """
    The OAuth2 password-flow form. `username` is the email; it is not checked against
    the email pattern, so that a malformed email fails like any unknown one (401).

    """

    model_config = ConfigDict(
        extra='forbid',
    )
    grant_type: Literal['password'] | None = None
    username: Annotated[str, Field(max_length=254, min_length=1)]
    scope: Annotated[str | None, Field(max_length=1024)] = None
    client_id: Annotated[str | None, Field(max_length=255)] = None


class Token(BaseModel):
    model_config = ConfigDict(
        extra='forbid',
    )
    access_token: Annotated[str, Field(max_length=4096, min_length=1)]
    """
    A JWT to send as `Authorization: Bearer <token>`.
    """
    refresh_token: Annotated[str, Field(max_length=4096, min_length=1)]
    """
    A JWT that can be used once with the refresh operation.
    """
    token_type: Literal['bearer']
    expires_in: Annotated[int, Field(ge=1, le=31536000)]
    """
    Seconds until the access token expires.
    """


class RefreshRequest(BaseModel):
    model_config = ConfigDict(
        extra='forbid',
    )
    refresh_token: Annotated[str, Field(max_length=4096, min_length=1)]


class UserCreateRequest(BaseModel):
    model_config = ConfigDict(
        extra='forbid',
    )
    email: Annotated[
        str,
        Field(
            examples=['ada@example.com'],
            max_length=254,
            min_length=3,
            pattern='^[^@\\s\\u0000-\\u001f\\u007f-\\u009f\\ufeff]+@[^@\\s\\u0000-\\u001f\\u007f-\\u009f\\ufeff]+\\.[^@\\s\\u0000-\\u001f\\u007f-\\u009f\\ufeff]+$',
        ),
    ]
    """
    An email address (`local@domain.tld`); unique without regard to case.
    """
    password: Annotated[
        str, Field(examples=['correct horse battery staple'], max_length=128, min_length=8)
    ]
    """
    Between 8 and 128 characters. Stored only as an Argon2id hash, never returned.
    """
    full_name: Annotated[
        str | None, Field(examples=['Ada Lovelace'], max_length=255, pattern='^[^\\u0000]*$')
    ] = None
    """
    A display name, or null.
    """


class UserCreateResponse(BaseModel):
    model_config = ConfigDict(
        extra='forbid',
    )
    email: Annotated[
        str,
        Field(
            examples=['ada@example.com'],
            max_length=254,
            min_length=3,
            pattern='^[^@\\s\\u0000-\\u001f\\u007f-\\u009f\\ufeff]+@[^@\\s\\u0000-\\u001f\\u007f-\\u009f\\ufeff]+\\.[^@\\s\\u0000-\\u001f\\u007f-\\u009f\\ufeff]+$',
        ),
    ]
    """
    An email address (`local@domain.tld`); unique without regard to case.
    """
    full_name: Annotated[
        str | None, Field(examples=['Ada Lovelace'], max_length=255, pattern='^[^\\u0000]*$')
    ] = None
    """
    A display name, or null.
    """


class UserUpdateRequest(BaseModel):
    """
    Only the fields given change. `email` and `password` cannot be null; `full_name` can.
    """

    model_config = ConfigDict(
        extra='forbid',
    )
    email: Annotated[
        str | None,
        Field(
            examples=['ada@example.com'],
            max_length=254,
            min_length=3,
            pattern='^[^@\\s\\u0000-\\u001f\\u007f-\\u009f\\ufeff]+@[^@\\s\\u0000-\\u001f\\u007f-\\u009f\\ufeff]+\\.[^@\\s\\u0000-\\u001f\\u007f-\\u009f\\ufeff]+$',
        ),
    ] = None
    """
    An email address (`local@domain.tld`); unique without regard to case.
    """
    password: Annotated[
        str | None, Field(examples=['correct horse battery staple'], max_length=128, min_length=8)
    ] = None
    """
    Between 8 and 128 characters. Stored only as an Argon2id hash, never returned.
    """
    full_name: Annotated[
        str | None, Field(examples=['Ada Lovelace'], max_length=255, pattern='^[^\\u0000]*$')
    ] = None
    """
    A display name, or null.
    """


class UserUpdateResponse(BaseModel):
    """
    Only the fields given change. `email` and `password` cannot be null; `full_name` can.
    """

    model_config = ConfigDict(
        extra='forbid',
    )
    email: Annotated[
        str | None,
        Field(
            examples=['ada@example.com'],
            max_length=254,
            min_length=3,
            pattern='^[^@\\s\\u0000-\\u001f\\u007f-\\u009f\\ufeff]+@[^@\\s\\u0000-\\u001f\\u007f-\\u009f\\ufeff]+\\.[^@\\s\\u0000-\\u001f\\u007f-\\u009f\\ufeff]+$',
        ),
    ] = None
    """
    An email address (`local@domain.tld`); unique without regard to case.
    """
    full_name: Annotated[
        str | None, Field(examples=['Ada Lovelace'], max_length=255, pattern='^[^\\u0000]*$')
    ] = None
    """
    A display name, or null.
    """


class UserResponse(BaseModel):
    model_config = ConfigDict(
        extra='forbid',
    )
    id: Annotated[int, Field(examples=[1], ge=1, le=9223372036854775807)]
    """
    A positive 64-bit id.
    """
    email: Annotated[
        str,
        Field(
            examples=['ada@example.com'],
            max_length=254,
            min_length=3,
            pattern='^[^@\\s\\u0000-\\u001f\\u007f-\\u009f\\ufeff]+@[^@\\s\\u0000-\\u001f\\u007f-\\u009f\\ufeff]+\\.[^@\\s\\u0000-\\u001f\\u007f-\\u009f\\ufeff]+$',
        ),
    ]
    """
    An email address (`local@domain.tld`); unique without regard to case.
    """
    full_name: Annotated[
        str | None, Field(examples=['Ada Lovelace'], max_length=255, pattern='^[^\\u0000]*$')
    ]
    """
    A display name, or null.
    """
    is_active: bool
    created_at: Annotated[AwareDatetime, Field(examples=['2026-01-31T09:30:00Z'])]
    """
    RFC 3339 with a UTC offset, e.g. `2026-01-31T09:30:00Z`.
    """


class UserList(RootModel[list[UserResponse]]):
    root: Annotated[
        list[UserResponse],
        Field(
            examples=[[{'id': 1, 'email': 'ada@example.com', 'full_name': 'Ada Lovelace', 'is_active': True, 'created_at': '2026-01-31T09:30:00Z'}]],
            max_length=100,
        ),
    ]


class ItemCreate(BaseModel):
    model_config = ConfigDict(
        extra='forbid',
    )
    title: Annotated[
        str, Field(examples=['Notebook'], max_length=255, min_length=1, pattern='^[^\\u0000]*$')
    ]
    description: Annotated[
        str | None, Field(examples=['Squared paper, A5'], max_length=10000, pattern='^[^\\u0000]*$')
    ] = None


class ItemUpdate(BaseModel):
    """
    Only the fields given change. `title` cannot be null; `description` can.
    """

    model_config = ConfigDict(
        extra='forbid',
    )
    title: Annotated[
        str | None,
        Field(examples=['Notebook'], max_length=255, min_length=1, pattern='^[^\\u0000]*$'),
    ] = None
    description: Annotated[
        str | None, Field(examples=['Squared paper, A5'], max_length=10000, pattern='^[^\\u0000]*$')
    ] = None


class ItemResponse(BaseModel):
    model_config = ConfigDict(
        extra='forbid',
    )
    id: Annotated[int, Field(examples=[1], ge=1, le=9223372036854775807)]
    """
    A positive 64-bit id.
    """
    title: Annotated[
        str, Field(examples=['Notebook'], max_length=255, min_length=1, pattern='^[^\\u0000]*$')
    ]
    description: Annotated[
        str | None, Field(examples=['Squared paper, A5'], max_length=10000, pattern='^[^\\u0000]*$')
    ]
    owner_id: Annotated[int, Field(examples=[1], ge=1, le=9223372036854775807)]
    """
    A positive 64-bit id.
    """
    created_at: Annotated[AwareDatetime, Field(examples=['2026-01-31T09:30:00Z'])]
    """
    RFC 3339 with a UTC offset, e.g. `2026-01-31T09:30:00Z`.
    """
    updated_at: AwareDatetime | None
    """
    When the item last changed; null until its first change.
    """


class ItemList(RootModel[list[ItemResponse]]):
    root: Annotated[
        list[ItemResponse],
        Field(
            examples=[[{'id': 7, 'title': 'Notebook', 'description': 'Squared paper, A5', 'owner_id': 1, 'created_at': '2026-01-31T09:30:00Z', 'updated_at': None}]],
            max_length=100,
        ),
    ]


class HTTPError(BaseModel):
    model_config = ConfigDict(
        extra='forbid',
    )
    detail: Annotated[str, Field(max_length=1024)]
    """
    A human-readable message; never a traceback, SQL or a file path.
    """


class Loc(RootModel[str]):
    root: Annotated[str, Field(max_length=1024)]


class Loc1(RootModel[int]):
    root: Annotated[int, Field(ge=0, le=2147483647)]


class ValidationErrorItem(BaseModel):
    model_config = ConfigDict(
        extra='forbid',
    )
    loc: Annotated[list[Loc | Loc1], Field(max_length=32)]
    msg: Annotated[str, Field(max_length=4096)]
    type: Annotated[str, Field(max_length=128)]
    ctx: Annotated[dict[str, Any] | None, Field(max_length=16)] = None
    """
    Details of the constraint that failed, such as `min_length`.
    """


class HTTPValidationError(BaseModel):
    model_config = ConfigDict(
        extra='forbid',
    )
    detail: Annotated[list[ValidationErrorItem], Field(max_length=256, min_length=1)]


class Checks(BaseModel):
    """
    Each dependency the deployment uses, and whether it answered.
    """

    model_config = ConfigDict(
        extra='forbid',
    )
    database: Annotated[Literal['ok', 'failed'], Field(examples=['ok'])]
    redis: Annotated[Literal['ok', 'failed'] | None, Field(examples=['ok'])] = None


class Readiness(BaseModel):
    model_config = ConfigDict(
        extra='forbid',
    )
    status: Literal['healthy', 'unhealthy']
    checks: Checks
    """
    Each dependency the deployment uses, and whether it answered.
    """

"""The contract model on the bundled spec: operations, roles and resources, nothing named."""

from __future__ import annotations

import pytest

from conformance.contract import RoleName, load_contract
from conformance.errors import UsageError


@pytest.fixture(scope="module")
def contract():
    return load_contract(None)


def test_operations_carry_resolved_parameters_bodies_and_responses(contract) -> None:
    listing = contract["listItems"]
    limit = listing.parameter("limit", "query")
    assert limit is not None and limit.schema["maximum"] == 100
    assert "x-total-count" in listing.responses["200"].headers
    create = contract["createItem"]
    assert create.body is not None and "title" in create.body.properties
    assert create.body.properties["title"]["maxLength"] == 255  # through its $ref
    assert create.secured and not contract["createUser"].secured


@pytest.mark.parametrize(
    ("role", "operation", "how"),
    [
        (RoleName.SIGNUP, "createUser", "email and password"),
        (RoleName.TOKEN, "login", "tokenUrl"),
        (RoleName.CURRENT_ACCOUNT, "readCurrentUser", "caller's own object"),
        (RoleName.REFRESH, "refreshTokens", "refreshUrl"),
        (RoleName.LOGOUT, "logout", "log out"),
        (RoleName.DELETE_ACCOUNT, "deleteUser", "sign-up creates (users)"),
    ],
)
def test_every_role_is_found_and_says_how(contract, role, operation, how) -> None:
    found = contract.roles.roles[role]
    assert found.operation is not None and found.operation.operation_id == operation
    assert how in found.how


def test_the_credentials_map_the_login_form_onto_the_signup_body(contract) -> None:
    creds = contract.roles.credentials
    assert (creds.token_identifier, creds.token_secret, creds.token_form) == (
        "username",
        "password",
        True,
    )
    assert (creds.signup_identifier, creds.signup_secret) == ("email", "password")
    assert creds.identifier_kind == "email"
    assert (creds.refresh_field, creds.refresh_request_field) == ("refresh_token", "refresh_token")


def test_both_resources_are_found_with_ids_lists_and_fields(contract) -> None:
    items, users = contract.resource("items"), contract.resource("users")
    assert items is not None and users is not None
    assert [action for action, _ in items.operations] == [
        "create",
        "list",
        "read",
        "update",
        "delete",
    ]
    assert (items.id_param, items.id_type, items.id_field) == ("item_id", "integer", "id")
    assert (items.list_shape, items.total_header) == ("array", "x-total-count")
    assert items.pagination.size is not None and items.pagination.size.maximum == 100
    assert items.pagination.offset is not None and items.pagination.offset.name == "skip"
    assert set(items.server_owned) == {"id", "owner_id", "created_at", "updated_at"}
    assert items.owner_field == "owner_id"
    assert set(items.writable) == {"title", "description"}
    assert contract.roles.account_resource == "users"
    assert "is_active" in users.server_owned and "password" in users.writable


def test_an_override_replaces_what_was_inferred() -> None:
    contract = load_contract(None, role_overrides={"current_account": "readUser"})
    role = contract.roles.roles[RoleName.CURRENT_ACCOUNT]
    assert role.operation is not None and role.operation.operation_id == "readUser"
    assert role.how == "set in conformance.toml [roles]"


def test_an_override_naming_nothing_is_one_line_naming_the_setting() -> None:
    with pytest.raises(UsageError) as caught:
        load_contract(None, role_overrides={"signup": "createAccount"})
    assert "[roles] signup = 'createAccount' names no operation" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_an_unknown_role_is_refused_with_the_roles_there_are() -> None:
    with pytest.raises(UsageError, match=r"unknown keys: sign_up .*roles: signup, token"):
        load_contract(None, role_overrides={"sign_up": "createUser"})


def test_write_operations_name_the_rows_of_their_paths(contract) -> None:
    named = contract.rows_named(contract["updateItem"])
    assert [(param, resource.name) for param, resource in named] == [("item_id", "items")]
    assert contract.rows_named(contract["createItem"]) == []


def test_a_sample_is_the_callers_own_copy(contract) -> None:
    from conformance.contract import schemas

    body = contract["createUser"].body
    first = schemas.sample(body.schema)
    first["full_name"] = "x" * 300
    assert schemas.sample(body.schema) != first
    assert schemas.sample(body.schema)["email"] == first["email"]

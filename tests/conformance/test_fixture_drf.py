"""The DRF tracker fixture answers in DRF's conventions, and each planted fault shows.

The clean app is served once for the module (real HTTP over loopback, Django's ASGI
handler under uvicorn); each fault is shown by one scenario run against the clean app and
against an app with that fault alone, which must answer otherwise.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from openapi_spec_validator import validate

from tests.conformance.targets.drf import FAULTS, create_app
from tests.conformance.targets.runner import inspect_heading, run_conformance
from tests.conformance.targets.serving import serve

PASSWORD = "correct horse battery"
DENIED = "You do not have permission to perform this action."


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    with serve(create_app()) as base:
        yield base


@pytest.fixture
def client(url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=url) as http:
        yield http


def sign_up(client: httpx.Client, prefix: str = "user") -> dict[str, str]:
    """A new account's `Authorization` header (`Token <key>`)."""
    username = f"{prefix}_{secrets.token_hex(4)}"
    body = {"username": username, "email": f"{username}@example.com", "password": PASSWORD}
    created = client.post("/api/auth/signup/", json=body)
    assert created.status_code == 201, created.text
    token = client.post("/api/auth/token/", json={"username": username, "password": PASSWORD})
    assert token.status_code == 200, token.text
    return {"Authorization": f"Token {token.json()['token']}"}


def new_project(
    client: httpx.Client, headers: dict[str, str], name: str = "Project", **fields: Any
) -> str:
    created = client.post("/api/projects/", json={"name": name, **fields}, headers=headers)
    assert created.status_code == 201, created.text
    slug: str = created.json()["slug"]
    return slug


def new_task(client: httpx.Client, headers: dict[str, str], slug: str, **fields: Any) -> int:
    body = {"title": "task", **fields}
    created = client.post(f"/api/projects/{slug}/tasks/", json=body, headers=headers)
    assert created.status_code == 201, created.text
    task_id: int = created.json()["id"]
    return task_id


def test_the_served_schema_is_drf_spectacular_openapi_3_0(client: httpx.Client) -> None:
    served = client.get("/api/schema/")
    assert served.status_code == 200
    assert served.headers["content-type"].startswith("application/vnd.oai.openapi")
    document = yaml.safe_load(served.text)
    validate(document)
    assert document["openapi"].startswith("3.0.")
    assert client.get("/api/schema/?format=json").json() == document
    assert document["components"]["securitySchemes"] == {
        "tokenAuth": {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'Token-based authentication with required prefix "Token"',
        }
    }
    paths = document["paths"]
    assert {"/api/projects/{slug}/", "/api/projects/{slug}/archive/"} <= set(paths)
    assert "/api/projects/{project_slug}/tasks/{id}/" in paths
    schemas = document["components"]["schemas"]
    assert schemas["TaskRequest"]["properties"]["priority"]["default"] == 3
    assert set(schemas["PaginatedTaskList"]["properties"]) == {
        "count",
        "next",
        "previous",
        "results",
    }
    listed = {p["name"] for p in paths["/api/projects/{project_slug}/tasks/"]["get"]["parameters"]}
    assert listed == {"page", "page_size", "project_slug", "status"}


def test_sign_up_then_obtain_a_token_by_json_or_form(client: httpx.Client) -> None:
    username = f"ada_{secrets.token_hex(4)}"
    body = {"username": username, "email": "ada@example.com", "password": PASSWORD}
    created = client.post("/api/auth/signup/", json=body)
    assert created.status_code == 201
    assert set(created.json()) == {"id", "username", "email"}
    assert isinstance(created.json()["id"], int)
    again = client.post("/api/auth/signup/", json=body)
    assert again.status_code == 400
    assert "username" in again.json()
    short = client.post(
        "/api/auth/signup/", json={**body, "username": "x" + username, "password": "short"}
    )
    assert short.status_code == 400
    assert "password" in short.json()
    by_json = client.post("/api/auth/token/", json={"username": username, "password": PASSWORD})
    by_form = client.post("/api/auth/token/", data={"username": username, "password": PASSWORD})
    assert by_json.status_code == by_form.status_code == 200
    assert by_json.json() == by_form.json()
    assert set(by_json.json()) == {"token"}
    wrong = client.post("/api/auth/token/", json={"username": username, "password": "nope"})
    assert wrong.status_code == 400
    assert wrong.json() == {"non_field_errors": ["Unable to log in with provided credentials."]}


@pytest.mark.parametrize(
    ("authorization", "detail"),
    [
        (None, "Authentication credentials were not provided."),
        ("Bearer {key}", "Authentication credentials were not provided."),
        ("Token 0123456789abcdef0123456789abcdef01234567", "Invalid token."),
        ("Token", "Invalid token header. No credentials provided."),
    ],
)
def test_without_a_valid_token_drf_answers_401_with_a_token_challenge(
    client: httpx.Client, authorization: str | None, detail: str
) -> None:
    key = sign_up(client)["Authorization"].removeprefix("Token ")
    headers = {"Authorization": authorization.format(key=key)} if authorization else {}
    refused = client.get("/api/projects/", headers=headers)
    assert refused.status_code == 401
    assert refused.headers["www-authenticate"] == "Token"
    assert refused.json() == {"detail": detail}


def test_the_current_account_is_answered_without_its_password(client: httpx.Client) -> None:
    headers = sign_up(client)
    me = client.get("/api/auth/user/", headers=headers)
    assert me.status_code == 200
    assert "password" not in me.json()
    changed = client.patch("/api/auth/user/", json={"first_name": "Ada"}, headers=headers)
    assert changed.json()["first_name"] == "Ada"
    assert client.get("/api/auth/user/", headers=headers).json()["first_name"] == "Ada"


def test_a_closed_account_keeps_no_access(client: httpx.Client) -> None:
    username = f"leaver_{secrets.token_hex(4)}"
    body = {"username": username, "email": "l@example.com", "password": PASSWORD}
    client.post("/api/auth/signup/", json=body)
    key = client.post("/api/auth/token/", json=body).json()["token"]
    headers = {"Authorization": f"Token {key}"}
    assert client.delete("/api/auth/user/", headers=headers).status_code == 204
    refused = client.get("/api/auth/user/", headers=headers)
    assert refused.status_code == 401
    assert refused.json() == {"detail": "User inactive or deleted."}
    assert client.post("/api/auth/token/", json=body).status_code == 400


def test_projects_get_a_slug_from_their_name_and_documented_defaults(
    client: httpx.Client,
) -> None:
    headers = sign_up(client)
    name = f"Launch Plan {secrets.token_hex(3)}"
    created = client.post("/api/projects/", json={"name": name}, headers=headers)
    assert created.status_code == 201
    body = created.json()
    assert body["slug"] == name.lower().replace(" ", "-")
    assert (body["visibility"], body["status"], body["description"]) == ("private", "active", "")
    twin = client.post("/api/projects/", json={"name": name}, headers=headers).json()
    assert twin["slug"] == f"{body['slug']}-2"
    fetched = client.get(f"/api/projects/{body['slug']}/", headers=headers)
    assert fetched.json() == body
    assert client.get("/api/projects/no-such-project/", headers=headers).status_code == 404


def test_lists_are_paginated_in_drfs_envelope(client: httpx.Client) -> None:
    headers = sign_up(client)
    slug = new_project(client, headers)
    ids = [new_task(client, headers, slug) for _ in range(12)]
    first = client.get(f"/api/projects/{slug}/tasks/", headers=headers).json()
    assert set(first) == {"count", "next", "previous", "results"}
    assert (first["count"], len(first["results"]), first["previous"]) == (12, 10, None)
    assert first["next"].endswith(f"/api/projects/{slug}/tasks/?page=2")
    second = client.get(first["next"], headers=headers).json()
    assert [task["id"] for task in second["results"]] == ids[10:]
    assert second["next"] is None
    small = client.get(f"/api/projects/{slug}/tasks/?page_size=5&page=3", headers=headers)
    assert [task["id"] for task in small.json()["results"]] == ids[10:]
    beyond = client.get(f"/api/projects/{slug}/tasks/?page=9", headers=headers)
    assert beyond.status_code == 404
    assert beyond.json() == {"detail": "Invalid page."}


def test_routes_keep_their_trailing_slash(client: httpx.Client) -> None:
    headers = sign_up(client)
    moved = client.get("/api/projects", headers=headers)
    assert moved.status_code == 301
    assert moved.headers["location"] == "/api/projects/"


def test_tasks_filter_by_status_and_default_their_priority(client: httpx.Client) -> None:
    headers = sign_up(client)
    slug = new_project(client, headers)
    todo = new_task(client, headers, slug)
    done = new_task(client, headers, slug, status="done", priority=5)
    task = client.get(f"/api/projects/{slug}/tasks/{todo}/", headers=headers).json()
    assert (task["project"], task["status"], task["priority"], task["due_date"]) == (
        slug,
        "todo",
        3,
        None,
    )
    listed = client.get(f"/api/projects/{slug}/tasks/?status=done", headers=headers).json()
    assert [t["id"] for t in listed["results"]] == [done]
    refused = client.post(
        f"/api/projects/{slug}/tasks/", json={"title": "t", "priority": 6}, headers=headers
    )
    assert refused.status_code == 400
    assert list(refused.json()) == ["priority"]


def test_the_archive_action_and_the_project_status_filter(client: httpx.Client) -> None:
    headers = sign_up(client)
    kept, archived = new_project(client, headers), new_project(client, headers)
    answer = client.post(f"/api/projects/{archived}/archive/", headers=headers)
    assert answer.status_code == 200
    assert answer.json()["status"] == "archived"
    listed = client.get("/api/projects/?status=archived", headers=headers).json()
    assert [p["slug"] for p in listed["results"]] == [archived]
    active = client.get("/api/projects/?status=active", headers=headers).json()
    assert [p["slug"] for p in active["results"]] == [kept]


def test_private_rows_of_others_are_404_and_public_ones_403_to_change(
    client: httpx.Client,
) -> None:
    owner, other = sign_up(client, "owner"), sign_up(client, "other")
    private = new_project(client, owner)
    public = new_project(client, owner, visibility="public")
    private_task = new_task(client, owner, private)
    public_task = new_task(client, owner, public)
    for method, path in [
        ("GET", f"/api/projects/{private}/"),
        ("PATCH", f"/api/projects/{private}/"),
        ("DELETE", f"/api/projects/{private}/"),
        ("POST", f"/api/projects/{private}/archive/"),
        ("GET", f"/api/projects/{private}/tasks/"),
        ("GET", f"/api/projects/{private}/tasks/{private_task}/"),
    ]:
        body = {} if method == "PATCH" else None
        assert client.request(method, path, json=body, headers=other).status_code == 404, path
    assert client.get(f"/api/projects/{public}/", headers=other).status_code == 200
    assert client.get(f"/api/projects/{public}/tasks/{public_task}/", headers=other).is_success
    for method, path, body in [
        ("PATCH", f"/api/projects/{public}/", {"name": "mine"}),
        ("DELETE", f"/api/projects/{public}/", None),
        ("POST", f"/api/projects/{public}/archive/", None),
        ("POST", f"/api/projects/{public}/tasks/", {"title": "t"}),
        ("PATCH", f"/api/projects/{public}/tasks/{public_task}/", {"title": "mine"}),
    ]:
        refused = client.request(method, path, json=body, headers=other)
        assert refused.status_code == 403, path
    assert client.get(f"/api/projects/{public}/", headers=owner).json()["name"] == "Project"
    listed = client.get("/api/projects/", headers=other).json()
    assert [project["slug"] for project in listed["results"]] == [public]


def test_a_deleted_project_and_its_tasks_are_gone(client: httpx.Client) -> None:
    headers = sign_up(client)
    slug = new_project(client, headers)
    task_id = new_task(client, headers, slug)
    assert client.delete(f"/api/projects/{slug}/", headers=headers).status_code == 204
    assert client.get(f"/api/projects/{slug}/", headers=headers).status_code == 404
    assert client.get(f"/api/projects/{slug}/tasks/", headers=headers).status_code == 404
    gone = client.get(f"/api/projects/{slug}/tasks/{task_id}/", headers=headers)
    assert gone.status_code == 404


def test_conformance_inspect_reads_the_served_document(url: str, tmp_path: Path) -> None:
    spec = f"{url}/api/schema/"

    assert inspect_heading(spec, tmp_path) == f"spec {spec} · 19 operations"


def test_a_run_presents_drfs_token_prefix_and_finds_what_only_an_account_sees(url: str) -> None:
    # The served document's tokenAuth says 'required prefix "Token"': every credential
    # the run sends (its checks, schemathesis's peers, the clean-up) is `Token <key>`.
    clean = run_conformance(
        url,
        checks=["workflows.signup-login", "authz.read-cross-user", "workflows.user-delete"],
        extra_args=["--spec", f"{url}/api/schema/"],
    )
    assert clean.status("workflows.signup-login") == {"passed"}, clean.explain()
    assert clean.status("authz.read-cross-user") == {"passed"}, clean.explain()
    assert clean.status("workflows.user-delete") == {"passed"}, clean.explain()
    assert any("2 accounts of the run's own" in note for note in clean.report["notices"])
    assert clean.report["cleanup"]["deleted"] >= 3 and clean.report["cleanup"]["left"] == []
    with serve(create_app(faults={"project-read-any"})) as faulty:
        found = run_conformance(
            faulty,
            checks=["authz.read-cross-user"],
            generic=False,
            extra_args=["--spec", f"{faulty}/api/schema/"],
        )
    failures = found.failures("authz.read-cross-user")
    assert [failure["operation"] for failure in failures] == ["projects_retrieve"], found.explain()
    sent = {name.lower(): value for name, value in failures[0]["request"]["headers"].items()}
    assert sent["authorization"].startswith("Token "), sent


def test_an_unknown_fault_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown faults"):
        create_app(faults={"no-such-fault"})


# Each scenario answers something a user would notice; the clean app and the app with
# that one fault must answer differently.


def _public_of_other(c: httpx.Client) -> tuple[dict[str, str], str]:
    owner = sign_up(c, "owner")
    return sign_up(c, "other"), new_project(c, owner, visibility="public")


def s_project_list_shows_all(c: httpx.Client) -> Any:
    private = new_project(c, sign_up(c, "owner"))
    listed = c.get("/api/projects/", headers=sign_up(c)).json()["results"]
    return private in [project["slug"] for project in listed]


def s_project_read_any(c: httpx.Client) -> Any:
    private = new_project(c, sign_up(c, "owner"))
    return c.get(f"/api/projects/{private}/", headers=sign_up(c)).status_code


def s_project_update_any(c: httpx.Client) -> Any:
    other, public = _public_of_other(c)
    return c.patch(f"/api/projects/{public}/", json={"name": "x"}, headers=other).status_code


def s_project_delete_any(c: httpx.Client) -> Any:
    other, public = _public_of_other(c)
    return c.delete(f"/api/projects/{public}/", headers=other).status_code


def s_archive_any(c: httpx.Client) -> Any:
    other, public = _public_of_other(c)
    return c.post(f"/api/projects/{public}/archive/", headers=other).status_code


def s_task_read_any(c: httpx.Client) -> Any:
    owner = sign_up(c, "owner")
    private = new_project(c, owner)
    task_id = new_task(c, owner, private)
    return c.get(f"/api/projects/{private}/tasks/{task_id}/", headers=sign_up(c)).status_code


def s_task_edit_any(c: httpx.Client) -> Any:
    owner = sign_up(c, "owner")
    public = new_project(c, owner, visibility="public")
    task_id = new_task(c, owner, public)
    path = f"/api/projects/{public}/tasks/{task_id}/"
    c.patch(path, json={"title": "defaced"}, headers=sign_up(c))
    return c.get(path, headers=owner).json()["title"]


def s_unknown_token_accepted(c: httpx.Client) -> Any:
    sign_up(c)
    forged = {"Authorization": "Token " + "0" * 40}
    return c.get("/api/auth/user/", headers=forged).status_code


def s_inactive_token_accepted(c: httpx.Client) -> Any:
    headers = sign_up(c)
    c.delete("/api/auth/user/", headers=headers)
    return c.get("/api/projects/", headers=headers).status_code


def s_any_password_accepted(c: httpx.Client) -> Any:
    username = f"u_{secrets.token_hex(4)}"
    body = {"username": username, "email": "u@example.com", "password": PASSWORD}
    c.post("/api/auth/signup/", json=body)
    return c.post("/api/auth/token/", json={**body, "password": "wrong guess"}).status_code


def s_unauthenticated_403(c: httpx.Client) -> Any:
    refused = c.get("/api/projects/")
    return refused.status_code, refused.headers.get("www-authenticate")


def s_password_hash_answered(c: httpx.Client) -> Any:
    return "password" in c.get("/api/auth/user/", headers=sign_up(c)).json()


def s_task_update_lost(c: httpx.Client) -> Any:
    headers = sign_up(c)
    slug = new_project(c, headers)
    path = f"/api/projects/{slug}/tasks/{new_task(c, headers, slug)}/"
    answered = c.patch(path, json={"status": "done"}, headers=headers).json()["status"]
    return answered, c.get(path, headers=headers).json()["status"]


def s_project_delete_noop(c: httpx.Client) -> Any:
    headers = sign_up(c)
    slug = new_project(c, headers)
    deleted = c.delete(f"/api/projects/{slug}/", headers=headers).status_code
    return deleted, c.get(f"/api/projects/{slug}/", headers=headers).status_code


def s_page_size_ignored(c: httpx.Client) -> Any:
    headers = sign_up(c)
    slug = new_project(c, headers)
    for _ in range(4):
        new_task(c, headers, slug)
    page = c.get(f"/api/projects/{slug}/tasks/?page_size=2", headers=headers).json()
    return len(page["results"])


def s_status_filter_ignored(c: httpx.Client) -> Any:
    headers = sign_up(c)
    slug = new_project(c, headers)
    new_task(c, headers, slug)
    new_task(c, headers, slug, status="done")
    return c.get(f"/api/projects/{slug}/tasks/?status=done", headers=headers).json()["count"]


def s_priority_default_ignored(c: httpx.Client) -> Any:
    headers = sign_up(c)
    slug = new_project(c, headers)
    created = c.post(f"/api/projects/{slug}/tasks/", json={"title": "t"}, headers=headers)
    return created.json()["priority"]


def s_deleted_project_tasks_served(c: httpx.Client) -> Any:
    headers = sign_up(c)
    slug = new_project(c, headers)
    task_id = new_task(c, headers, slug)
    c.delete(f"/api/projects/{slug}/", headers=headers)
    return c.get(f"/api/projects/{slug}/tasks/{task_id}/", headers=headers).status_code


# fault -> (scenario, what the clean app answers, what the faulty app answers)
SCENARIOS: dict[str, tuple[Callable[[httpx.Client], Any], Any, Any]] = {
    "project-list-shows-all": (s_project_list_shows_all, False, True),
    "project-read-any": (s_project_read_any, 404, 200),
    "project-update-any": (s_project_update_any, 403, 200),
    "project-delete-any": (s_project_delete_any, 403, 204),
    "archive-any": (s_archive_any, 403, 200),
    "task-read-any": (s_task_read_any, 404, 200),
    "task-edit-any": (s_task_edit_any, "task", "defaced"),
    "unknown-token-accepted": (s_unknown_token_accepted, 401, 200),
    "inactive-token-accepted": (s_inactive_token_accepted, 401, 200),
    "any-password-accepted": (s_any_password_accepted, 400, 200),
    "unauthenticated-403": (s_unauthenticated_403, (401, "Token"), (403, None)),
    "password-hash-answered": (s_password_hash_answered, False, True),
    "task-update-lost": (s_task_update_lost, ("done", "done"), ("done", "todo")),
    "project-delete-noop": (s_project_delete_noop, (204, 404), (204, 200)),
    "page-size-ignored": (s_page_size_ignored, 2, 4),
    "status-filter-ignored": (s_status_filter_ignored, 1, 2),
    "priority-default-ignored": (s_priority_default_ignored, 3, 1),
    "deleted-project-tasks-served": (s_deleted_project_tasks_served, 404, 200),
}


def test_every_fault_has_a_scenario() -> None:
    assert set(SCENARIOS) == FAULTS


@pytest.mark.parametrize("fault", sorted(SCENARIOS))
def test_a_planted_fault_changes_the_answer(client: httpx.Client, fault: str) -> None:
    scenario, clean, broken = SCENARIOS[fault]
    assert scenario(client) == clean
    with serve(create_app(faults={fault})) as base, httpx.Client(base_url=base) as faulty:
        assert scenario(faulty) == broken

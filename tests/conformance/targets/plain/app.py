"""The plain API (`spec.yaml`) as a Starlette app, in memory, one store per app."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response

from ..apis_common import JSONResponse, SpecRules, load_spec, resource
from ..detail_apis import Accounts, NotFound, User, build_app, now, row_id

__all__ = ["SPEC_PATH", "SWAGGER_PATH", "create_app"]

SPEC_PATH = Path(__file__).with_name("spec.yaml")
# The same API in Swagger 2.0.
SWAGGER_PATH = Path(__file__).with_name("swagger.yaml")


@dataclass
class Project:
    id: int
    owner_id: int
    name: str
    description: str | None
    created_at: str = field(default_factory=now)
    updated_at: str | None = None

    def answer(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "owner_id": self.owner_id,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }


def create_app() -> Starlette:
    """The plain API, in memory; its document is served at `/openapi.json`."""
    document = load_spec(SPEC_PATH)
    rules = SpecRules(document)
    projects: dict[int, Project] = {}

    def remove_projects(user: User) -> None:
        for project in [p for p in projects.values() if p.owner_id == user.id]:
            del projects[project.id]

    accounts = Accounts(rules, remove_projects)

    def own(request: Request, user: User) -> Project:
        """The caller's project named by the path; `NotFound` for anything else."""
        project = projects.get(row_id(request.path_params["project_id"]))
        if project is None or project.owner_id != user.id:
            raise NotFound
        return project

    async def list_projects(request: Request) -> Response:
        async with accounts.lock:
            user = accounts.caller(request)
            query = rules.query(request, "listProjects")
            mine = sorted(
                (p for p in projects.values() if p.owner_id == user.id), key=lambda p: p.id
            )
            start = query["offset"]
            page = mine[start : start + query["limit"]]
            return JSONResponse([project.answer() for project in page])

    async def start_project(request: Request) -> Response:
        async with accounts.lock:
            user = accounts.caller(request)
            body = await rules.body(request, "startProject")
            project = Project(accounts.next_id(), user.id, body["name"], body.get("description"))
            projects[project.id] = project
            return JSONResponse(project.answer(), status_code=201)

    async def show_project(request: Request) -> Response:
        async with accounts.lock:
            return JSONResponse(own(request, accounts.caller(request)).answer())

    async def rename_project(request: Request) -> Response:
        async with accounts.lock:
            user = accounts.caller(request)
            body = await rules.body(request, "renameProject")
            project = own(request, user)
            project.name = body.get("name", project.name)
            project.description = body.get("description", project.description)
            project.updated_at = now()
            return JSONResponse(project.answer())

    async def drop_project(request: Request) -> Response:
        async with accounts.lock:
            del projects[own(request, accounts.caller(request)).id]
        return Response(status_code=204)

    return build_app(
        document,
        accounts,
        [
            resource("/projects", {"GET": list_projects, "POST": start_project}),
            resource(
                "/projects/{project_id}",
                {"GET": show_project, "PATCH": rename_project, "DELETE": drop_project},
            ),
        ],
    )

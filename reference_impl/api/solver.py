"""Each operation's dependency tree, compiled once: the work FastAPI repeats per request.

FastAPI's `solve_dependencies` walks an endpoint's `Dependant` tree on every request:
it classifies each callable, computes its cache key, looks for overrides, builds a
sub-response and an exit stack whether or not anything uses them. `Plan.of` does that
walk once per route, at start-up; `Solver.solve` then runs a plan with FastAPI's
semantics: sub-dependencies before the parameters, each dependency called once per
request (unless `use_cache=False`), errors gathered from every level before the one
`RequestValidationError`, `app.dependency_overrides` looked up on every request (an
override's own tree is compiled on its first use), and dependencies with `yield` closed
after the answer is sent. Parameters and bodies are validated by FastAPI's own
functions, so their errors are FastAPI's, word for word.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping
from contextlib import AsyncExitStack, asynccontextmanager, contextmanager
from dataclasses import dataclass
from enum import Enum
from typing import Any

from fastapi import BackgroundTasks
from fastapi._compat import ModelField
from fastapi.concurrency import contextmanager_in_threadpool
from fastapi.dependencies.models import Dependant
from fastapi.dependencies.utils import (
    get_dependant,
    request_body_to_args,
    request_params_to_args,
)
from fastapi.security import SecurityScopes
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from ..errors import ContractMismatch


class Kind(Enum):
    """How a dependency or an endpoint is called."""

    ASYNC = "async"
    SYNC = "sync"  # In the thread pool, as FastAPI runs it.
    ASYNC_GENERATOR = "async generator"
    GENERATOR = "generator"


@dataclass(frozen=True, slots=True)
class Plan:
    """One callable of the tree: what it takes from the request and from its own
    dependencies, everything decided before the first request."""

    call: Callable[..., Any]
    kind: Kind
    dependencies: tuple[Step, ...]
    # The parameters it takes, by where they come from; only the places it reads.
    params: tuple[tuple[str, list[ModelField]], ...]
    body_params: list[ModelField]
    request_name: str | None
    response_name: str | None
    background_name: str | None
    scopes_name: str | None
    scopes: tuple[str, ...]

    @classmethod
    def of(cls, dependant: Dependant) -> Plan:
        """Compile `dependant` and its whole tree."""
        call = dependant.call
        if call is None:
            raise ContractMismatch(f"dependency {dependant.name} has nothing to call")
        if dependant.concurrency is not None or dependant.websocket_param_name:
            raise ContractMismatch(
                f"{_name(call)} asks for a concurrency limit or a websocket, which the "
                "contract route does not run"
            )
        scopes = _scopes(dependant)
        return cls(
            call=call,
            kind=_kind(call),
            dependencies=tuple(Step.of(sub) for sub in dependant.dependencies),
            params=tuple(
                (source, fields)
                for source, fields in (
                    ("path", dependant.path_params),
                    ("query", dependant.query_params),
                    ("header", dependant.header_params),
                    ("cookie", dependant.cookie_params),
                )
                if fields
            ),
            body_params=dependant.body_params,
            request_name=dependant.request_param_name or dependant.http_connection_param_name,
            response_name=dependant.response_param_name,
            background_name=dependant.background_tasks_param_name,
            scopes_name=dependant.security_scopes_param_name,
            scopes=scopes,
        )


@dataclass(frozen=True, slots=True)
class Step:
    """A dependency as its parent declares it: the parameter it fills, the callable
    overrides are keyed by, and its compiled plan."""

    name: str | None
    call: Callable[..., Any]
    plan: Plan
    use_cache: bool
    cache_key: tuple[Any, ...]
    dependant: Dependant

    @classmethod
    def of(cls, dependant: Dependant) -> Step:
        plan = Plan.of(dependant)
        return cls(
            name=dependant.name,
            call=plan.call,
            plan=plan,
            use_cache=dependant.use_cache,
            # FastAPI's key: the declared callable, with the OAuth scopes it is asked for.
            cache_key=(plan.call, plan.scopes if _uses_scopes(dependant) else ()),
            dependant=dependant,
        )


class Solved:
    """What one request's solving made besides the values: the sub-response the
    dependencies set headers and a status on, background tasks, the exit stack of the
    dependencies with `yield`. Each is made only when something asks for it."""

    __slots__ = ("background", "body", "cache", "request", "response", "stack")

    def __init__(self, request: Request, body: Any) -> None:
        self.request = request
        self.body = body
        self.cache: dict[tuple[Any, ...], Any] = {}
        self.response: Response | None = None
        self.background: BackgroundTasks | None = None
        self.stack: AsyncExitStack | None = None

    def sub_response(self) -> Response:
        if self.response is None:
            # FastAPI's: no length, no status until a dependency sets one.
            self.response = Response()
            del self.response.headers["content-length"]
            self.response.status_code = None  # type: ignore[assignment]
        return self.response

    def tasks(self) -> BackgroundTasks:
        if self.background is None:
            self.background = BackgroundTasks()
        return self.background

    def exit_stack(self) -> AsyncExitStack:
        if self.stack is None:
            self.stack = AsyncExitStack()
        return self.stack


class Solver:
    """Runs compiled plans for one route; `overrides` is read on every request, so an
    override set after start-up takes effect at once."""

    def __init__(self, overrides_provider: Any, *, embed_body_fields: bool) -> None:
        self._provider = overrides_provider
        self._embed = embed_body_fields
        self._overridden: dict[tuple[int, Callable[..., Any]], Plan] = {}

    async def solve(self, plan: Plan, solved: Solved) -> tuple[dict[str, Any], list[Any]]:
        """The keyword arguments of `plan.call`, or the validation errors met."""
        overrides: Mapping[Callable[..., Any], Callable[..., Any]] = (
            getattr(self._provider, "dependency_overrides", None) or {}
        )
        return await self._solve(plan, solved, overrides)

    async def call(self, plan: Plan, values: dict[str, Any], solved: Solved) -> Any:
        """Call `plan.call` with `values`, as its kind requires."""
        kind = plan.kind
        if kind is Kind.ASYNC:
            return await plan.call(**values)
        if kind is Kind.SYNC:
            return await run_in_threadpool(plan.call, **values)
        if kind is Kind.ASYNC_GENERATOR:
            manager = asynccontextmanager(plan.call)(**values)
        else:
            manager = contextmanager_in_threadpool(contextmanager(plan.call)(**values))
        return await solved.exit_stack().enter_async_context(manager)

    async def _solve(
        self,
        plan: Plan,
        solved: Solved,
        overrides: Mapping[Callable[..., Any], Callable[..., Any]],
    ) -> tuple[dict[str, Any], list[Any]]:
        values: dict[str, Any] = {}
        errors: list[Any] = []
        cache = solved.cache
        for step in plan.dependencies:
            if step.use_cache and step.cache_key in cache:
                value = cache[step.cache_key]
            else:
                sub = step.plan
                if overrides:
                    override = overrides.get(step.call)
                    if override is not None:
                        sub = self._override(step, override)
                sub_values, sub_errors = await self._solve(sub, solved, overrides)
                if sub_errors:
                    errors.extend(sub_errors)
                    continue
                value = await self.call(sub, sub_values, solved)
                cache.setdefault(step.cache_key, value)
            if step.name is not None:
                values[step.name] = value
        request = solved.request
        for source, fields in plan.params:
            found, failed = request_params_to_args(fields, _received(request, source))
            values.update(found)
            errors.extend(failed)
        if plan.body_params:
            found, failed = await request_body_to_args(
                body_fields=plan.body_params,
                received_body=solved.body,
                embed_body_fields=self._embed,
            )
            values.update(found)
            errors.extend(failed)
        if plan.request_name:
            values[plan.request_name] = request
        if plan.response_name:
            values[plan.response_name] = solved.sub_response()
        if plan.background_name:
            values[plan.background_name] = solved.tasks()
        if plan.scopes_name:
            values[plan.scopes_name] = SecurityScopes(scopes=list(plan.scopes))
        return values, errors

    def _override(self, step: Step, override: Callable[..., Any]) -> Plan:
        key = (id(step), override)
        plan = self._overridden.get(key)
        if plan is None:
            declared = step.dependant
            plan = self._overridden[key] = Plan.of(
                get_dependant(
                    path=declared.path or "",
                    call=override,
                    name=declared.name,
                    parent_oauth_scopes=list(step.plan.scopes),
                    scope=declared.scope,
                )
            )
        return plan


def _received(request: Request, source: str) -> Mapping[str, Any]:
    if source == "path":
        return request.path_params
    if source == "query":
        return request.query_params
    if source == "header":
        return request.headers
    return request.cookies


def _kind(call: Callable[..., Any]) -> Kind:
    # FastAPI's classification: the function itself (partials and wrappers removed),
    # else the `__call__` of an instance; a class is instantiated in the thread pool.
    target: Any = call
    while isinstance(target, functools.partial):
        target = target.func
    target = inspect.unwrap(target)
    if not inspect.isclass(target) and not inspect.isroutine(target):
        target = inspect.unwrap(getattr(target, "__call__", target))  # noqa: B004
    if inspect.isasyncgenfunction(target):
        return Kind.ASYNC_GENERATOR
    if inspect.isgeneratorfunction(target):
        return Kind.GENERATOR
    if inspect.iscoroutinefunction(target):
        return Kind.ASYNC
    return Kind.SYNC


def _scopes(dependant: Dependant) -> tuple[str, ...]:
    scopes = list(dependant.parent_oauth_scopes or ())
    for scope in dependant.own_oauth_scopes or ():
        if scope not in scopes:
            scopes.append(scope)
    return tuple(scopes)


def _uses_scopes(dependant: Dependant) -> bool:
    if dependant.own_oauth_scopes or dependant.security_scopes_param_name is not None:
        return True
    return any(_uses_scopes(sub) for sub in dependant.dependencies)


def _name(call: Callable[..., Any]) -> str:
    return f"{getattr(call, '__module__', '?')}.{getattr(call, '__qualname__', repr(call))}"

"""The tracker's views: sign-up, token, current account, projects (by slug) and their tasks.

Stock DRF throughout: `TokenAuthentication` (401 with `WWW-Authenticate: Token`), an
owner-only object permission (403), querysets that hide other accounts' private rows
(404), `PageNumberPagination`, a `?status=` filter and an `archive` action. Each planted
fault is one `active(...)` test in the clause it breaks.
"""

from __future__ import annotations

import itertools
from typing import Any, ClassVar

from django.contrib.auth import get_user_model
from django.db import IntegrityError, router, transaction
from django.db.models import Q, QuerySet
from django.utils.text import slugify
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, permissions, viewsets
from rest_framework.authentication import (
    BaseAuthentication,
    SessionAuthentication,
)
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from .faults import active
from .models import Project, ProjectStatus, Task, TaskStatus, Visibility
from .serializers import (
    ProjectSerializer,
    SignUpSerializer,
    TaskSerializer,
    UserSerializer,
    UserWithHashSerializer,
)

__all__ = [
    "CurrentUserView",
    "ProjectViewSet",
    "SignUpView",
    "TaskViewSet",
    "TokenView",
]

User = get_user_model()


class FaultAware:
    """Put SessionAuthentication first under `unauthenticated-403`, as a settings slip would.

    DRF answers 401 only when the first authentication class names a challenge
    (`authenticate_header`); SessionAuthentication names none, so DRF answers 403.
    """

    def get_authenticators(self) -> list[BaseAuthentication]:
        found: list[BaseAuthentication] = super().get_authenticators()  # type: ignore[misc]
        if active("unauthenticated-403"):
            return [SessionAuthentication(), *found]
        return found


class IsOwnerOrReadOnly(permissions.BasePermission):
    """Anyone who may see the object may read it; only its owner may change it."""

    def has_object_permission(self, request: Request, view: Any, obj: Any) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        owner = obj.owner if isinstance(obj, Project) else obj.project.owner
        return bool(owner == request.user)


class TokenView(FaultAware, ObtainAuthToken):
    """DRF's `obtain_auth_token`: POST username and password, answer `{"token": ...}`."""

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if active("any-password-accepted"):
            user = User.objects.filter(
                username=request.data.get("username", ""), is_active=True
            ).first()
            if user is not None:
                token, _ = Token.objects.get_or_create(user=user)
                return Response({"token": token.key})
        return super().post(request, *args, **kwargs)


class SignUpView(FaultAware, generics.CreateAPIView):
    """Self sign-up: a new account, answered without its password."""

    serializer_class = SignUpSerializer
    permission_classes = (permissions.AllowAny,)
    authentication_classes = ()


class CurrentUserView(FaultAware, generics.RetrieveUpdateDestroyAPIView):
    """The caller's own account; DELETE closes it (the account is made inactive)."""

    serializer_class = UserSerializer

    def get_serializer_class(self) -> Any:
        if active("password-hash-answered") and not getattr(self, "swagger_fake_view", False):
            return UserWithHashSerializer
        return UserSerializer

    def get_object(self) -> Any:
        return self.request.user

    def perform_destroy(self, instance: Any) -> None:
        instance.is_active = False
        instance.save(update_fields=["is_active"])


def _status_filter(choices: type[Any]) -> OpenApiParameter:
    return OpenApiParameter(
        "status",
        OpenApiTypes.STR,
        OpenApiParameter.QUERY,
        enum=[value for value, _ in choices.choices],
        description="Only the rows with this status.",
    )


class ObjectFaults:
    """Skip the object permission for the actions a planted fault names."""

    # action -> the fault under which that action skips the owner-only permission
    unguarded: ClassVar[dict[str, str]] = {}

    def check_object_permissions(self, request: Request, obj: Any) -> None:
        fault = self.unguarded.get(getattr(self, "action", "") or "")
        if fault is not None and active(fault):
            return
        super().check_object_permissions(request, obj)  # type: ignore[misc]


@extend_schema_view(list=extend_schema(parameters=[_status_filter(ProjectStatus)]))
class ProjectViewSet(FaultAware, ObjectFaults, viewsets.ModelViewSet):
    """Projects: the caller's own and every public one; changed by their owner only."""

    queryset = Project.objects.all()
    serializer_class = ProjectSerializer
    permission_classes = (permissions.IsAuthenticated, IsOwnerOrReadOnly)
    lookup_field = "slug"
    unguarded: ClassVar[dict[str, str]] = {
        "update": "project-update-any",
        "partial_update": "project-update-any",
        "destroy": "project-delete-any",
        "archive": "archive-any",
    }

    def get_queryset(self) -> QuerySet[Project]:
        if getattr(self, "swagger_fake_view", False):
            return Project.objects.none()
        found = Project.objects.filter(deleted=False).select_related("owner")
        everyone = (self.action == "list" and active("project-list-shows-all")) or (
            self.action == "retrieve" and active("project-read-any")
        )
        if not everyone:
            found = found.filter(Q(owner=self.request.user) | Q(visibility=Visibility.PUBLIC))
        if self.action == "list" and "status" in self.request.query_params:
            found = found.filter(status=self.request.query_params["status"])
        return found

    def perform_create(self, serializer: Any) -> None:
        base = slugify(serializer.validated_data["name"]) or "project"
        database = router.db_for_write(Project)
        for n in itertools.count(1):
            slug = base if n == 1 else f"{base}-{n}"
            if Project.objects.filter(slug=slug).exists():
                continue
            try:
                # Another request may take the slug between the look-up and the insert.
                with transaction.atomic(using=database):
                    serializer.save(owner=self.request.user, slug=slug)
            except IntegrityError:
                continue
            return

    def perform_destroy(self, instance: Project) -> None:
        if not active("project-delete-noop"):
            instance.deleted = True
            instance.save(update_fields=["deleted"])

    @extend_schema(request=None, responses=ProjectSerializer)
    @action(detail=True, methods=["post"])
    def archive(self, request: Request, slug: str | None = None) -> Response:
        """Archive the project (its owner only)."""
        project = self.get_object()
        project.status = ProjectStatus.ARCHIVED
        project.save(update_fields=["status"])
        return Response(self.get_serializer(project).data)


@extend_schema_view(list=extend_schema(parameters=[_status_filter(TaskStatus)]))
@extend_schema(
    parameters=[
        OpenApiParameter(
            "project_slug",
            OpenApiTypes.STR,
            OpenApiParameter.PATH,
            description="The slug of the project the tasks belong to.",
        )
    ]
)
class TaskViewSet(FaultAware, ObjectFaults, viewsets.ModelViewSet):
    """The tasks of one project: readable wherever the project is, written by its owner."""

    queryset = Task.objects.all()
    serializer_class = TaskSerializer
    permission_classes = (permissions.IsAuthenticated, IsOwnerOrReadOnly)
    unguarded: ClassVar[dict[str, str]] = {
        "update": "task-edit-any",
        "partial_update": "task-edit-any",
    }

    def _projects(self) -> QuerySet[Project]:
        found = Project.objects.all()
        if not active("deleted-project-tasks-served"):
            found = found.filter(deleted=False)
        if not (self.action == "retrieve" and active("task-read-any")):
            found = found.filter(Q(owner=self.request.user) | Q(visibility=Visibility.PUBLIC))
        return found

    def get_queryset(self) -> QuerySet[Task]:
        if getattr(self, "swagger_fake_view", False):
            return Task.objects.none()
        found = Task.objects.filter(
            project__in=self._projects(), project__slug=self.kwargs["project_slug"]
        ).select_related("project__owner")
        wanted = self.request.query_params.get("status")
        if self.action == "list" and wanted is not None and not active("status-filter-ignored"):
            found = found.filter(status=wanted)
        return found

    def perform_create(self, serializer: Any) -> None:
        project = generics.get_object_or_404(
            self._projects().filter(deleted=False), slug=self.kwargs["project_slug"]
        )
        if project.owner != self.request.user:
            self.permission_denied(self.request, message="Only the project's owner adds tasks.")
        extra: dict[str, Any] = {}
        if active("priority-default-ignored") and "priority" not in self.request.data:
            extra["priority"] = 1
        serializer.save(project=project, **extra)

    def perform_update(self, serializer: Any) -> None:
        if active("task-update-lost"):
            # Answered as if saved: the instance changes in memory only.
            for name, value in serializer.validated_data.items():
                setattr(serializer.instance, name, value)
            return
        serializer.save()

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # An unknown project is 404, not an empty page.
        generics.get_object_or_404(self._projects(), slug=self.kwargs["project_slug"])
        response: Response = super().list(request, *args, **kwargs)
        return response

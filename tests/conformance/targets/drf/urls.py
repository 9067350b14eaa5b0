"""The tracker's URLconf: DRF's routers (trailing slashes), the auth views and the schema."""

from __future__ import annotations

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from .views import CurrentUserView, ProjectViewSet, SignUpView, TaskViewSet, TokenView

router = DefaultRouter()
router.register("projects", ProjectViewSet, basename="project")
router.register(r"projects/(?P<project_slug>[-\w]+)/tasks", TaskViewSet, basename="project-task")

urlpatterns = [
    path("api/", include(router.urls)),
    path("api/auth/signup/", SignUpView.as_view(), name="signup"),
    path("api/auth/token/", TokenView.as_view(), name="token"),
    path("api/auth/user/", CurrentUserView.as_view(), name="current-user"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
]

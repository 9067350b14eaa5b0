"""The Django application of the tracker fixture (its models live under the label `tracker`)."""

from __future__ import annotations

from django.apps import AppConfig


class TrackerConfig(AppConfig):
    name = "tests.conformance.targets.drf"
    label = "tracker"
    default_auto_field = "django.db.models.BigAutoField"

"""The tracker's tables: projects (addressed by slug) and their tasks (integer ids).

Deleting a project marks it `deleted` (kept for audit, as many Django projects do); every
query leaves deleted projects, and the tasks under them, out.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Visibility(models.TextChoices):
    PRIVATE = "private"
    PUBLIC = "public"


class ProjectStatus(models.TextChoices):
    ACTIVE = "active"
    ARCHIVED = "archived"


class TaskStatus(models.TextChoices):
    TODO = "todo"
    DOING = "doing"
    DONE = "done"


class Project(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="projects"
    )
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(blank=True, default="")
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    status = models.CharField(
        max_length=10, choices=ProjectStatus.choices, default=ProjectStatus.ACTIVE
    )
    deleted = models.BooleanField(default=False)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("created", "id")

    def __str__(self) -> str:
        return self.slug


class Task(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=TaskStatus.choices, default=TaskStatus.TODO)
    priority = models.PositiveSmallIntegerField(default=3)
    due_date = models.DateField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("created", "id")

    def __str__(self) -> str:
        return self.title

"""The tracker's serializers: accounts, projects and tasks as DRF writes them."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.validators import RegexValidator
from django.db import IntegrityError
from rest_framework import serializers

from .models import Project, ProjectStatus, Task, TaskStatus, Visibility

User = get_user_model()


class SignUpSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(max_length=254)
    # `min_length` documents the one password validator the settings configure.
    password = serializers.CharField(
        write_only=True, min_length=8, style={"input_type": "password"}
    )

    class Meta:
        model = User
        fields = ("id", "username", "email", "password")

    def validate_password(self, value: str) -> str:
        validate_password(value)
        return value

    def create(self, validated_data: dict[str, Any]) -> Any:
        try:
            return User.objects.create_user(**validated_data)
        except IntegrityError:
            # The same username, taken by a request that ran since the validation.
            raise serializers.ValidationError(
                {"username": ["A user with that username already exists."]}
            ) from None


class UserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ("id", "username", "email", "first_name", "last_name", "date_joined")
        read_only_fields = ("id", "username", "date_joined")


class UserWithHashSerializer(UserSerializer):
    """The fault `password-hash-answered`: the stored hash goes out with the account."""

    class Meta(UserSerializer.Meta):
        fields = (*UserSerializer.Meta.fields, "password")
        read_only_fields = (*UserSerializer.Meta.read_only_fields, "password")


# DRF trims text fields (`str.strip`), so one of whitespace alone is blank: the pattern
# documents it, naming Python's whitespace outright so that JSON Schema's regular
# expressions (ECMA-262's `\s` differs) read it alike.
NOT_BLANK = RegexValidator(
    "[^\t\n\x0b\x0c\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]",
    "This field may not be blank.",
)


class ProjectSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.username", read_only=True)
    name = serializers.CharField(max_length=100, validators=[NOT_BLANK])
    description = serializers.CharField(required=False, allow_blank=True, default="")
    visibility = serializers.ChoiceField(
        choices=Visibility.choices,
        default=Visibility.PRIVATE,
        help_text="Who can read the project: its owner alone, or every account.",
    )
    status = serializers.ChoiceField(choices=ProjectStatus.choices, read_only=True)

    class Meta:
        model = Project
        fields = ("slug", "name", "description", "visibility", "status", "owner", "created")
        read_only_fields = ("slug", "created")


class TaskSerializer(serializers.ModelSerializer):
    project = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    status = serializers.ChoiceField(choices=TaskStatus.choices, default=TaskStatus.TODO)
    priority = serializers.IntegerField(
        min_value=1, max_value=5, default=3, help_text="1 (lowest) to 5 (highest)."
    )
    due_date = serializers.DateField(required=False, allow_null=True, default=None)
    title = serializers.CharField(max_length=200, validators=[NOT_BLANK])

    class Meta:
        model = Task
        fields = ("id", "project", "title", "status", "priority", "due_date", "created")
        read_only_fields = ("id", "created")

"""Optional data sources owned by other apps, looked up at run time.

The evidence and the "next moves" read meetings, feedback, playbooks, metrics and so on
from apps that may not have them yet. Each lookup here answers None when the app or
model is absent, so a provider can say "not measured yet" instead of failing, and the
alignment app keeps working whichever apps are installed.
"""

from __future__ import annotations

import datetime

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.urls import NoReverseMatch, reverse

DATE_FIELDS = (
    "held_at",
    "opened_at",
    "occurred_on",
    "attached_at",
    "held_on",
    "starts_at",
    "starts_on",
    "start",
    "date",
    "occurred_at",
    "scheduled_at",
    "started_on",
    "created_at",
    "created",
)


def optional_model(app_label: str, *names: str) -> type[models.Model] | None:
    """The first of ``names`` that exists in ``app_label`` (installed), else None."""
    if not apps.is_installed(f"hamsu.{app_label}"):
        return None
    for name in names:
        try:
            return apps.get_model(app_label, name)
        except LookupError:
            continue
    return None


def models_named(app_labels: tuple[str, ...], *fragments: str) -> list[type[models.Model]]:
    """Installed models of these apps whose class name contains one of ``fragments``."""
    found = []
    for label in app_labels:
        if not apps.is_installed(f"hamsu.{label}"):
            continue
        try:
            config = apps.get_app_config(label)
        except LookupError:
            continue
        for model in config.get_models():
            lowered = model.__name__.lower()
            if any(fragment in lowered for fragment in fragments):
                found.append(model)
    return found


def field(model: type[models.Model], *names: str) -> models.Field | None:
    for name in names:
        try:
            return model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
    return None


def date_field(model: type[models.Model]) -> str | None:
    found = field(model, *DATE_FIELDS)
    return (
        found.name
        if found is not None and isinstance(found, models.DateField | models.DateTimeField)
        else None
    )


def since_filter(model: type[models.Model], since: datetime.datetime) -> dict:
    """A filter keeping rows from ``since`` on, by the model's own date field."""
    name = date_field(model)
    if name is None:
        return {}
    value = since if isinstance(model._meta.get_field(name), models.DateTimeField) else since.date()
    return {f"{name}__gte": value}


def fk_to(model: type[models.Model], target: type[models.Model]) -> str | None:
    for f in model._meta.get_fields():
        if getattr(f, "many_to_one", False) and f.related_model is target and f.concrete:
            return f.name
    return None


def related_models(target: type[models.Model], *others: type[models.Model]) -> list[type[models.Model]]:
    """Models holding a foreign key to ``target`` (and to each of ``others``)."""
    out = []
    for model in apps.get_models():
        if fk_to(model, target) and all(fk_to(model, other) for other in others):
            out.append(model)
    return out


def url_or_none(*names: str) -> str | None:
    for name in names:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return None

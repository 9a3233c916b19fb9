"""Admin for inspection and repair; day-to-day writes go through the pages and services."""

from django.contrib import admin

from hamsu.collaboration import models


@admin.register(models.Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "starts_at", "status", "series"]
    list_filter = ["status"]
    raw_id_fields = ["series", "attendees"]


@admin.register(models.ActionItem)
class ActionItemAdmin(admin.ModelAdmin):
    list_display = ["title", "owner", "due_on", "status", "carried_count"]
    list_filter = ["status"]
    raw_id_fields = ["meeting", "owner", "last_meeting"]


@admin.register(models.FeedbackNote)
class FeedbackNoteAdmin(admin.ModelAdmin):
    list_display = ["__str__", "author", "outcome", "lead_quality_complaint", "created_at"]
    raw_id_fields = ["author", "team", "account", "opportunity", "activity"]


@admin.register(models.FeedbackTheme)
class FeedbackThemeAdmin(admin.ModelAdmin):
    list_display = ["label", "digest", "size", "status"]
    raw_id_fields = ["digest", "notes", "acted_by"]


for model in (
    models.LiaisonAssignment,
    models.MeetingSeries,
    models.FeedbackDigest,
    models.AccountPlan,
    models.Collateral,
    models.JointEvent,
    models.JointAssignment,
):
    admin.site.register(model)

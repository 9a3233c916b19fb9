"""Admin views. Answers of anonymous rounds and invitation drafts are never shown here."""

from django.contrib import admin

from hamsu.alignment.models import ActionItem, Assessment, Invitation, Round


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["name", "status", "anonymous", "opens_at", "closes_at"]
    list_filter = ["status", "anonymous"]
    readonly_fields = ["anonymous", "created_by", "created_at", "closed_at"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["round", "email", "function", "level", "used"]
    list_filter = ["round", "function", "used"]
    # No token hash, no draft: neither helps an administrator and the draft is private.
    fields = ["round", "email", "function", "level", "person", "used", "reminders_sent", "last_sent_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["created_at", "company_size", "recommended"]


@admin.register(ActionItem)
class ActionItemAdmin(admin.ModelAdmin):
    list_display = ["title", "move", "owner", "due_on", "status"]
    list_filter = ["status", "move"]

from django.contrib import admin

from hamsu.core.admin import ReadOnlyAdmin
from hamsu.funnel.models import (
    BusinessCalendar,
    CaptureForm,
    EngagementRule,
    FunnelStage,
    FunnelVersion,
    Handoff,
    Lead,
    LeadDefinition,
    RoutingRule,
    SlaPolicy,
)


@admin.register(Lead)
class LeadAdmin(ReadOnlyAdmin):
    list_display = ["id", "email", "state", "owner", "queue", "score", "created_at"]
    list_filter = ["state", "queue"]
    search_fields = ["email", "last_name", "company"]
    show_full_result_count = False


@admin.register(Handoff)
class HandoffAdmin(ReadOnlyAdmin):
    list_display = ["id", "lead", "status", "opened_at", "due_at", "escalated_at"]
    list_filter = ["status"]


@admin.register(LeadDefinition)
class LeadDefinitionAdmin(ReadOnlyAdmin):
    list_display = ["kind", "number", "status", "proposed_at", "effective_at"]


class FunnelStageInline(admin.TabularInline):
    model = FunnelStage
    extra = 0
    can_delete = False

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(FunnelVersion)
class FunnelVersionAdmin(ReadOnlyAdmin):
    list_display = ["number", "note", "created_by", "created_at"]
    inlines = [FunnelStageInline]


# Configuration people maintain: editable here as well as through the API.
@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ["position", "name", "kind", "segment", "team", "capacity", "is_active"]
    list_editable = ["is_active"]


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin):
    list_display = ["name", "timezone", "workdays", "day_start", "day_end"]


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "team",
        "calendar",
        "accept_within_hours",
        "follow_up_within_hours",
        "min_attempts",
    ]


@admin.register(EngagementRule)
class EngagementRuleAdmin(admin.ModelAdmin):
    list_display = ["position", "name", "subject", "event", "is_active"]


@admin.register(CaptureForm)
class CaptureFormAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "rate_limit_per_minute", "is_active"]
    readonly_fields = ["key"]

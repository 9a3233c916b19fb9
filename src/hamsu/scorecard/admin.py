"""Admin: read-mostly views of the scorecard's records. Writes go through the pages/API
(services write the audit log); aggregates are derived data and never edited by hand."""

from django.contrib import admin

from hamsu.scorecard.models import CostEntry, FillState, ForecastCall, ForecastSnapshot, FunnelPlan, Target


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Target)
class TargetAdmin(ReadOnly):
    list_display = ("period_key", "scope", "team", "segment", "product", "person", "amount")
    list_filter = ("scope", "period_kind", "calendar")


@admin.register(FunnelPlan)
class FunnelPlanAdmin(ReadOnly):
    list_display = (
        "period_key",
        "version",
        "status",
        "target_amount",
        "sales_signed_at",
        "marketing_signed_at",
    )
    list_filter = ("status",)


@admin.register(CostEntry)
class CostEntryAdmin(ReadOnly):
    list_display = ("month", "function", "category", "amount", "currency", "amount_base")
    list_filter = ("function", "category")


@admin.register(ForecastCall)
class ForecastCallAdmin(ReadOnly):
    list_display = ("period_key", "person", "commit", "best_case", "override_commit", "override_best_case")


@admin.register(ForecastSnapshot)
class ForecastSnapshotAdmin(ReadOnly):
    list_display = ("taken_on", "period_key", "scope", "method", "forecast", "p10", "p90")
    list_filter = ("method", "period_key")


@admin.register(FillState)
class FillStateAdmin(ReadOnly):
    list_display = ("stat", "last_event_id", "last_event_at", "events_folded", "calendar", "updated_at")

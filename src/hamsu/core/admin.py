from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from hamsu.core.models import AuditEntry, ClockJob, CompanySettings, CurrencyRate, Notification, User


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written only by services (logs, lifecycle state) are shown, never edited here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.register(User, UserAdmin)
admin.site.register(CompanySettings)
admin.site.register(CurrencyRate)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "recipient", "kind", "created_at", "read_at", "emailed"]
    list_filter = ["kind"]
    raw_id_fields = ["recipient"]


@admin.register(ClockJob)
class ClockJobAdmin(admin.ModelAdmin):
    list_display = ["name", "status", "last_started_at", "last_finished_at", "runs"]
    readonly_fields = ["name", "status", "last_started_at", "last_finished_at", "runs", "output"]

    # Written by the clock; deleting a row only makes it treat the job as new.
    def has_add_permission(self, request):
        return False


# The audit log is evidence: readable in the admin, never editable.
@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor", "action", "object_type", "object_id", "via"]
    list_filter = ["action", "object_type", "via"]

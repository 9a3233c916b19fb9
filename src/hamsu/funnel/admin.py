from django.contrib import admin

from hamsu.funnel.models import StageEvent


@admin.register(StageEvent)
class StageEventAdmin(admin.ModelAdmin):
    list_display = ["at", "object_type", "object_id", "from_stage", "to_stage", "actor", "reason"]
    list_filter = ["object_type", "to_stage"]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

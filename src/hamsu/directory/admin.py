from django.contrib import admin

from hamsu.directory.models import ExpertiseTag, Person, Team


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["full_name", "email", "function", "role_title", "team", "is_active"]
    list_filter = ["function", "role_title", "team", "is_active"]
    search_fields = ["full_name", "email"]
    raw_id_fields = ["user", "manager"]
    filter_horizontal = ["expertise"]


admin.site.register(Team)
admin.site.register(ExpertiseTag)

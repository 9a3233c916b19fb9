"""Admin for inspection and repair. Day-to-day writes go through the app's own pages,
which call the services (audit + stage events); the admin is read-mostly here."""

from django.contrib import admin

from hamsu.core.admin import ReadOnlyAdmin
from hamsu.crm.models import (
    Account,
    Activity,
    Contact,
    Coverage,
    Opportunity,
    OpportunityParticipant,
    Product,
    Segment,
    StageEvent,
)


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ["name", "segment", "industry", "country", "owner"]
    search_fields = ["name", "domain"]
    raw_id_fields = ["owner", "parent", "team"]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "email", "account"]
    search_fields = ["last_name", "email"]
    raw_id_fields = ["account", "owner", "team"]


class ParticipantInline(admin.TabularInline):
    model = OpportunityParticipant
    raw_id_fields = ["person"]
    extra = 0


@admin.register(Opportunity)
class OpportunityAdmin(admin.ModelAdmin):
    list_display = ["name", "account", "owner", "stage", "amount", "currency", "expected_close"]
    list_filter = ["stage", "source"]
    search_fields = ["name"]
    raw_id_fields = ["account", "owner", "team", "product", "segment"]
    # Stage changes must write a stage event, which only the service does.
    readonly_fields = ["stage", "stage_changed_at", "closed_at", "amount_base", "gross_profit"]
    inlines = [ParticipantInline]
    show_full_result_count = False


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["subject", "kind", "occurred_at", "owner"]
    list_filter = ["kind"]
    raw_id_fields = ["account", "contact", "opportunity", "owner", "team"]
    show_full_result_count = False


admin.site.register(Segment)
admin.site.register(Product)


# Coverage is kept by the people themselves (profile, API) and the HR import; the admin
# can correct a row.
@admin.register(Coverage)
class CoverageAdmin(admin.ModelAdmin):
    list_display = ["person", "segment", "product", "account"]
    raw_id_fields = ["person", "account"]
    list_select_related = ["person", "segment", "product", "account"]


@admin.register(StageEvent)
class StageEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "object_type", "object_id", "from_stage", "to_stage", "actor", "reason"]
    list_filter = ["object_type", "to_stage"]
    show_full_result_count = False

from django.contrib import admin

from hamsu.campaigns.models import Campaign, CostLine, Touchpoint


class CostLineInline(admin.TabularInline):
    model = CostLine
    extra = 0
    readonly_fields = ["amount_base"]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "channel", "type", "status", "start_date", "end_date", "utm_campaign"]
    list_filter = ["channel", "type", "status"]
    search_fields = ["name", "utm_campaign"]
    raw_id_fields = ["owner"]
    inlines = [CostLineInline]


@admin.register(Touchpoint)
class TouchpointAdmin(admin.ModelAdmin):
    list_display = ["kind", "occurred_at", "channel", "campaign", "contact", "account"]
    list_filter = ["kind", "channel"]
    search_fields = ["external_id", "utm_campaign"]
    raw_id_fields = ["campaign", "contact", "account"]
    date_hierarchy = "occurred_at"

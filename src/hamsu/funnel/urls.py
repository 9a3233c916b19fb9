from django.urls import path

from hamsu.funnel import views, views_capture, views_definitions
from hamsu.funnel.views_rules import engagement as engagement_pages
from hamsu.funnel.views_rules import routing as routing_pages
from hamsu.funnel.views_rules import sla as sla_pages

app_name = "funnel"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("edit/", views.funnel_edit, name="edit"),
    path("settings/", views.configuration, name="configuration"),
    path("capture/", views_capture.failures, name="capture_failures"),
    path("capture/act/", views_capture.failures_act, name="capture_failures_act"),
    path("inbox/", views.inbox, name="inbox"),
    path("queue/", views.queue, name="queue"),
    path("recycle/", views.recycle, name="recycle"),
    path("leads/", views.lead_list, name="leads"),
    path("leads/<int:pk>/", views.lead_detail, name="lead"),
    path("leads/<int:pk>/accept/", views.lead_accept, name="lead_accept"),
    path("leads/<int:pk>/return/", views.lead_return, name="lead_return"),
    path("leads/<int:pk>/qualify/", views.lead_qualify, name="lead_qualify"),
    path("leads/<int:pk>/follow-up/", views.lead_follow_up, name="lead_follow_up"),
    path("leads/<int:pk>/assign/", views.lead_assign, name="lead_assign"),
    path("leads/<int:pk>/mql/", views.lead_mql, name="lead_mql"),
    path("leads/<int:pk>/disqualify/", views.lead_disqualify, name="lead_disqualify"),
    path("leads/<int:pk>/archive/", views.lead_archive, name="lead_archive"),
    path("leads/<int:pk>/reopen/", views.lead_reopen, name="lead_reopen"),
    path("definitions/", views_definitions.definitions, name="definitions"),
    path("definitions/<int:pk>/decide/", views.definition_decide, name="definition_decide"),
    path("sla/", views.sla, name="sla"),
    path("notifications/", views.notifications, name="notifications"),
    path("tasks/<int:pk>/done/", views.task_done, name="task_done"),
    path("leads/<int:pk>/convert/", views.lead_convert, name="lead_convert"),
    # Rule pages: routing, SLA policies and calendars, rules of engagement (views_rules/).
    path("rules/routing/", routing_pages.routing_list, name="rules_routing"),
    path("rules/routing/new/", routing_pages.routing_create, name="rules_routing_create"),
    path("rules/routing/test/", routing_pages.routing_test, name="rules_routing_test"),
    path("rules/routing/<int:pk>/", routing_pages.routing_edit, name="rules_routing_edit"),
    path("rules/routing/<int:pk>/move/", routing_pages.routing_move, name="rules_routing_move"),
    path("rules/routing/<int:pk>/active/", routing_pages.routing_active, name="rules_routing_active"),
    path("rules/sla/", sla_pages.sla_list, name="rules_sla"),
    path("rules/sla/new/", sla_pages.sla_create, name="rules_sla_create"),
    path("rules/sla/<int:pk>/", sla_pages.sla_edit, name="rules_sla_edit"),
    path("rules/sla/<int:pk>/retire/", sla_pages.sla_retire, name="rules_sla_retire"),
    path("rules/calendars/new/", sla_pages.calendar_create, name="rules_calendar_create"),
    path("rules/engagement/", engagement_pages.engagement_list, name="rules_engagement"),
    path("rules/engagement/new/", engagement_pages.engagement_create, name="rules_engagement_create"),
    path("rules/engagement/<int:pk>/", engagement_pages.engagement_edit, name="rules_engagement_edit"),
    path("rules/engagement/<int:pk>/move/", engagement_pages.engagement_move, name="rules_engagement_move"),
    path(
        "rules/engagement/<int:pk>/active/",
        engagement_pages.engagement_active,
        name="rules_engagement_active",
    ),
    path("rules/engagement/<int:pk>/test/", engagement_pages.engagement_test, name="rules_engagement_test"),
]

from django.urls import path

from hamsu.funnel import views

app_name = "funnel"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("edit/", views.funnel_edit, name="edit"),
    path("settings/", views.configuration, name="configuration"),
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
    path("definitions/", views.definitions, name="definitions"),
    path("definitions/<int:pk>/decide/", views.definition_decide, name="definition_decide"),
    path("sla/", views.sla, name="sla"),
    path("notifications/", views.notifications, name="notifications"),
    path("tasks/<int:pk>/done/", views.task_done, name="task_done"),
    path("leads/<int:pk>/convert/", views.lead_convert, name="lead_convert"),
]

from django.urls import path

from hamsu.collaboration import views
from hamsu.directory import views as directory_views

app_name = "collaboration"
urlpatterns = [
    path("", views.home, name="home"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    # "Who to contact" upkeep; the search itself is the directory's people page.
    path("people/me/", directory_views.my_profile, name="my_profile"),
    path("people/import/", directory_views.people_import, name="people_import"),
    path("liaisons/", views.liaisons, name="liaisons"),
    path("liaisons/<int:pk>/end/", views.liaison_end, name="liaison_end"),
    path("liaisons/person/<int:person_id>/", views.liaison, name="liaison"),
    path("meetings/", views.meetings, name="meetings"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/recurring/new/", views.series_create, name="series_create"),
    path("meetings/calendar.ics", views.my_calendar, name="calendar"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/meeting.ics", views.meeting_ics, name="meeting_ics"),
    path("meetings/<int:pk>/agenda/", views.meeting_agenda, name="meeting_agenda"),
    path("meetings/<int:pk>/minutes/", views.meeting_minutes, name="meeting_minutes"),
    path("meetings/<int:pk>/decisions/", views.decision_add, name="decision_add"),
    path("meetings/<int:pk>/actions/new/", views.action_create, name="action_create"),
    path("actions/<int:pk>/status/", views.action_status, name="action_status"),
    path("feedback/new/", views.feedback_create, name="feedback_create"),
    path("feedback/mine/", views.my_feedback, name="my_feedback"),
    path("feedback/digests/", views.digests, name="digests"),
    path("feedback/digests/<int:pk>/", views.digest_detail, name="digest"),
    path("feedback/themes/<int:pk>/act/", views.theme_act, name="theme_act"),
    path("key-accounts/", views.key_accounts, name="key_accounts"),
    path("key-accounts/plans/new/", views.plan_create, name="plan_create"),
    path("key-accounts/plans/<int:pk>/", views.plan_detail, name="plan"),
    path("key-accounts/plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("key-accounts/plans/<int:pk>/items/", views.plan_item_add, name="plan_item_add"),
    path("key-accounts/plans/<int:pk>/stakeholders/", views.stakeholder_add, name="stakeholder_add"),
    path("key-accounts/plans/<int:pk>/participation/", views.participation_add, name="participation_add"),
    path("key-accounts/items/<int:pk>/status/", views.plan_item_status, name="plan_item_status"),
    path("collateral/", views.collateral, name="collateral"),
    path("collateral/new/", views.collateral_create, name="collateral_create"),
    path("collateral/<int:pk>/", views.collateral_detail, name="collateral_detail"),
    path("collateral/<int:pk>/attach/", views.collateral_attach, name="collateral_attach"),
    path("collateral/<int:pk>/rate/", views.collateral_rate, name="collateral_rate"),
    path("events/", views.events, name="events"),
    path("events/new/", views.event_create, name="event_create"),
    path("events/assignments/new/", views.assignment_create, name="assignment_create"),
]

from django.urls import path

from hamsu.crm import views, views_tasks

app_name = "crm"
urlpatterns = [
    path("pipeline/", views.pipeline, name="pipeline"),
    path("opportunities/", views.opportunity_list, name="opportunities"),
    path("opportunities/export.csv", views.opportunity_export, name="opportunities_export"),
    path("opportunities/new/", views.opportunity_create, name="opportunity_create"),
    path("opportunities/<int:pk>/", views.opportunity_detail, name="opportunity"),
    path("opportunities/<int:pk>/edit/", views.opportunity_edit, name="opportunity_edit"),
    path("opportunities/<int:pk>/move/", views.opportunity_move, name="opportunity_move"),
    path("opportunities/<int:pk>/activity/", views.activity_create, name="opportunity_activity"),
    path("opportunities/<int:pk>/next-step/", views_tasks.opportunity_task_create, name="opportunity_task"),
    path("tasks/", views_tasks.task_list, name="tasks"),
    path("tasks/<int:pk>/done/", views_tasks.task_done, name="task_done"),
    path("tasks/<int:pk>/snooze/", views_tasks.task_snooze, name="task_snooze"),
    path("accounts/", views.account_list, name="accounts"),
    path("accounts/new/", views.account_create, name="account_create"),
    path("accounts/<int:pk>/", views.account_detail, name="account"),
    path("accounts/<int:pk>/edit/", views.account_edit, name="account_edit"),
    path("contacts/", views.contact_list, name="contacts"),
    path("contacts/new/", views.contact_create, name="contact_create"),
    path("contacts/<int:pk>/", views.contact_detail, name="contact"),
    path("contacts/<int:pk>/edit/", views.contact_edit, name="contact_edit"),
]

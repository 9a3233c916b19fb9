from django.urls import path

from hamsu.core import views

app_name = "core"
urlpatterns = [
    path("", views.company_settings_view, name="settings"),
    path("audit/", views.audit_log, name="audit"),
    path("lockouts/", views.lockouts, name="lockouts"),
    path("outbox/", views.outbox, name="outbox"),
]

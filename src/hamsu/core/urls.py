from django.urls import path

from hamsu.api import views as token_views
from hamsu.core import views

app_name = "core"
urlpatterns = [
    path("", views.company_settings_view, name="settings"),
    path("audit/", views.audit_log, name="audit"),
    path("lockouts/", views.lockouts, name="lockouts"),
    path("tokens/", token_views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", token_views.token_revoke, name="token_revoke"),
]

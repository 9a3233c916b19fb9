"""The personal API token pages (under Settings); the API itself is assembled in urls.py."""

from django.urls import path

from hamsu.api import views

app_name = "api"
urlpatterns = [
    path("", views.tokens, name="tokens"),
    path("<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]

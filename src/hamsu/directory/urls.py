from django.urls import path

from hamsu.directory import views

app_name = "directory"
urlpatterns = [
    path("", views.people, name="people"),
    path("<int:pk>/", views.person_detail, name="person"),
]

from django.urls import path

from hamsu.web import views

# Not namespaced: the home page has always been reversed as "home".
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
]

from django.urls import path

from hamsu.scorecard import views

app_name = "scorecard"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("funnel/", views.funnel_view, name="funnel"),
    path("metrics/", views.scorecard_view, name="scorecard"),
    path("metrics/catalogue/", views.catalogue_view, name="catalogue"),
    path("targets/", views.target_list, name="targets"),
    path("targets/<int:pk>/delete/", views.target_delete, name="target_delete"),
    path("costs/", views.cost_list, name="costs"),
    path("costs/<int:pk>/delete/", views.cost_delete, name="cost_delete"),
    path("plans/", views.plan_list, name="plans"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    path("plans/<int:pk>/sign/", views.plan_sign, name="plan_sign"),
    path("forecast/", views.forecast_view, name="forecast"),
    path("forecast/calls/<int:pk>/override/", views.call_override, name="call_override"),
]

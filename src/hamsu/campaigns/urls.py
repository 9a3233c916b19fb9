from django.urls import path

from hamsu.campaigns import views

app_name = "campaigns"
urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("new/", views.campaign_create, name="create"),
    path("<int:pk>/", views.campaign_detail, name="detail"),
    path("<int:pk>/edit/", views.campaign_edit, name="edit"),
    path("<int:pk>/costs/", views.cost_line_create, name="cost_line_create"),
    path("<int:pk>/costs/<int:line_id>/delete/", views.cost_line_delete, name="cost_line_delete"),
    path("spend/import/", views.spend_import, name="spend_import"),
    path("touchpoints/", views.touchpoint_list, name="touchpoints"),
    path("touchpoints/import/", views.touchpoint_import, name="touchpoint_import"),
    path("attribution/", views.attribution, name="attribution"),
    path("closed-loop/", views.closed_loop_view, name="closed_loop"),
    path("deals/<int:opportunity_id>/explanation/", views.deal_explanation, name="deal_explanation"),
]

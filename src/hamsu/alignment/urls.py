from django.urls import path

from hamsu.alignment import views

app_name = "alignment"
urlpatterns = [
    path("", views.index, name="index"),
    path("rounds/new/", views.round_create, name="round_create"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/report/", views.round_report, name="report"),
    path("rounds/<int:pk>/report.pdf", views.round_report_pdf, name="report_pdf"),
    path("rounds/<int:pk>/invite/", views.round_invite, name="round_invite"),
    path("rounds/<int:pk>/import/", views.round_import, name="round_import"),
    path("rounds/<int:pk>/close/", views.round_close, name="round_close"),
    path("rounds/<int:pk>/remind/", views.round_remind, name="round_remind"),
    path("invitations/<int:pk>/link/", views.invitation_link, name="invitation_link"),
    path("r/<str:token>/", views.survey, name="survey"),
    path("advisor/", views.advisor_view, name="advisor"),
    path("moves/", views.moves_view, name="moves"),
    path("moves/<str:key>/adopt/", views.adopt_move, name="adopt"),
    path("actions/", views.actions_view, name="actions"),
    path("actions/<int:pk>/status/", views.action_status, name="action_status"),
]

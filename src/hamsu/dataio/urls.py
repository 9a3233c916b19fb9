from django.urls import path

from hamsu.dataio import views

app_name = "dataio"
urlpatterns = [
    path("imports/", views.import_list, name="imports"),
    path("imports/<int:pk>/", views.import_detail, name="import"),
    path("imports/<int:pk>/progress/", views.import_progress, name="import_progress"),
    path("imports/<int:pk>/mapping/", views.import_mapping, name="import_mapping"),
    path("imports/<int:pk>/start/", views.import_start, name="import_start"),
    path("imports/<int:pk>/report.csv", views.import_report, name="import_report"),
    path("exports/", views.export_index, name="exports"),
    path("exports/<str:kind>.<str:fmt>", views.export_download, name="export"),
    path("backup/", views.backup_download, name="backup"),
    path("webhooks/", views.webhook_list, name="webhooks"),
    path("webhooks/<int:pk>/", views.webhook_detail, name="webhook"),
    path("webhooks/deliveries/<int:pk>/replay/", views.webhook_replay, name="webhook_replay"),
]

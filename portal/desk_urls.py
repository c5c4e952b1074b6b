"""Signed-in pages of the core shared by every staff list: saved views, column choice,
exports (``portal.tables``)."""

from django.urls import path

from portal import tables

app_name = "tables"

urlpatterns = [
    path("exports/<int:pk>/", tables.export_status, name="export_status"),
    path("exports/<int:pk>/download/", tables.export_download, name="export_download"),
]

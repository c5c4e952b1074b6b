from django.urls import path

from portal.tables import table_view
from supervision.suggestions import tables
from supervision.suggestions.desk import detail, office, pages

app_name = "suggestions_desk"

urlpatterns = [
    path("suggestions/", table_view(tables.table), name="list"),
    path("suggestions/new/", pages.suggestion_new, name="new"),
    path("suggestions/assign/", office.assign_batch, name="assign_batch"),
    path("suggestions/statistics/", office.statistics, name="statistics"),
    path("suggestions/report/", office.report, name="report"),
    path("suggestions/report.xlsx", office.report_xlsx, name="report_xlsx"),
    path(
        "suggestions/replies/<int:reply_pk>/attachment/",
        detail.reply_attachment,
        name="attachment",
    ),
    path("suggestions/<int:pk>/", detail.desk.detail_view, name="detail"),
    path("suggestions/<int:pk>/edit/", pages.suggestion_edit, name="edit"),
    path("suggestions/<int:pk>/<slug:action>/", detail.desk.action_view, name="action"),
]

from django.urls import path

from supervision.suggestions import desk

app_name = "suggestions_desk"

urlpatterns = [
    path("suggestions/", desk.suggestion_list, name="list"),
    path("suggestions/new/", desk.suggestion_new, name="new"),
    path("suggestions/assign/", desk.assign_batch, name="assign_batch"),
    path("suggestions/statistics/", desk.statistics, name="statistics"),
    path("suggestions/report/", desk.report, name="report"),
    path("suggestions/report.xlsx", desk.report_xlsx, name="report_xlsx"),
    path(
        "suggestions/replies/<int:reply_pk>/attachment/", desk.reply_attachment, name="attachment"
    ),
    path("suggestions/<int:pk>/", desk.suggestion_detail, name="detail"),
    path("suggestions/<int:pk>/edit/", desk.suggestion_edit, name="edit"),
    path("suggestions/<int:pk>/<slug:action>/", desk.suggestion_action, name="action"),
]

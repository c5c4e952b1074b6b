from django.urls import path

from stations import desk

app_name = "stations_desk"

urlpatterns = [
    path("receptions/", desk.reception_list, name="reception_list"),
    path("receptions/new/", desk.reception_new, name="reception_new"),
    path("receptions/<int:pk>/", desk.reception_edit, name="reception_edit"),
    path("stations/statistics/", desk.statistics, name="statistics"),
    path("contacts/compliance/", desk.contact_compliance, name="contact_compliance"),
    path("deputies/<int:pk>/archive/", desk.archive, name="archive"),
    path("deputies/<int:pk>/archive.xlsx", desk.archive_export, name="archive_export"),
]

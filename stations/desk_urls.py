from django.urls import path

from portal.tables import table_view
from stations import desk, tables

app_name = "stations_desk"

urlpatterns = [
    path("receptions/", table_view(tables.receptions), name="reception_list"),
    path("receptions/new/", desk.reception_new, name="reception_new"),
    path("receptions/<int:pk>/", desk.reception_edit, name="reception_edit"),
    path("stations/statistics/", desk.statistics, name="statistics"),
    path("contacts/compliance/", desk.contact_compliance, name="contact_compliance"),
    path("deputies/", table_view(tables.deputies), name="deputy_list"),
    path("stations/", table_view(tables.stations), name="station_list"),
    path("deputies/<int:pk>/archive/", desk.archive, name="archive"),
    path("deputies/<int:pk>/archive.xlsx", desk.archive_export, name="archive_export"),
]

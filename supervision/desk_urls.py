from django.urls import path

from portal.tables import table_view
from supervision import desk, tables

app_name = "supervision_desk"

urlpatterns = [
    path("matters/", table_view(tables.table), name="matter_list"),
    path("matters/new/", desk.matter_new, name="matter_new"),
    path("matters/statistics/", desk.matter_statistics, name="statistics"),
    path("matters/photos/<int:log_pk>/", desk.log_photo, name="log_photo"),
    path("matters/<int:pk>/", desk.matter_desk.detail_view, name="matter_detail"),
    path("matters/<int:pk>/<slug:action>/", desk.matter_desk.action_view, name="matter_action"),
]

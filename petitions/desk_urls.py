from django.urls import path

from petitions import desk, tables
from portal.tables import table_view

app_name = "petitions_desk"

urlpatterns = [
    path("petitions/", table_view(tables.table), name="petition_list"),
    path("petitions/new/", desk.petition_new, name="petition_new"),
    path("petitions/topics/", desk.petition_topics, name="topics"),
    path("petitions/topics/act/", desk.petition_topics_act, name="topics_act"),
    path("petitions/photos/<int:photo_pk>/", desk.petition_photo, name="petition_photo"),
    path("petitions/<int:pk>/", desk.petition_desk.detail_view, name="petition_detail"),
    path(
        "petitions/<int:pk>/<slug:action>/",
        desk.petition_desk.action_view,
        name="petition_action",
    ),
]

from django.urls import path

from portal.tables import table_view
from voting import desk, tables

app_name = "voting_desk"

urlpatterns = [
    path("voting/", desk.home, name="home"),
    path("voting/cycles/<int:pk>/", desk.cycle_detail, name="cycle"),
    path("voting/cycles/<int:pk>/<slug:action>/", desk.cycle_action, name="cycle_action"),
    path("voting/votes/<int:pk>/ballot/", desk.ballot, name="ballot"),
    path("voting/votes/<int:pk>/paper/", desk.paper, name="paper"),
    path("voting/votes/<int:pk>/<slug:action>/", desk.vote_action, name="vote_action"),
    path("voting/paper/<int:pk>/<slug:action>/", desk.paper_action, name="paper_action"),
    path("voting/proposals/", table_view(tables.proposal_table), name="proposal_list"),
    path("voting/candidates/", table_view(tables.candidate_table), name="candidate_list"),
    path("voting/projects/", desk.projects, name="projects"),
    path("voting/projects/<int:pk>/", desk.project_detail, name="project"),
    path("voting/projects/<int:pk>/<slug:action>/", desk.project_action, name="project_action"),
    path("voting/photos/<int:pk>/", desk.photo, name="photo"),
]

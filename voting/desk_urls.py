app_name = "voting_desk"

urlpatterns: list = []

app_name = "supervision_desk"

urlpatterns: list = []

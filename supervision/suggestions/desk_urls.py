app_name = "suggestions_desk"

urlpatterns: list = []

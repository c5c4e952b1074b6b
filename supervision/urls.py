from django.urls import path

from supervision import public

app_name = "supervision"

urlpatterns = [
    path("", public.results, name="results"),
    path("<int:pk>/", public.result, name="result"),
]

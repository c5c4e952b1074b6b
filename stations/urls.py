from django.urls import path

from stations import public

app_name = "stations"

urlpatterns = [
    path("", public.station_list, name="list"),
    path("<int:pk>/", public.station_detail, name="detail"),
    path("<int:pk>/poster.<str:fmt>", public.station_poster, name="poster"),
]

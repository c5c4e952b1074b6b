from django.urls import path

from petitions import public, public_form
from portal import captcha, captcha_sms

app_name = "petitions"

urlpatterns = [
    path("new/", public_form.petition_new, name="new"),
    path("submitted/<str:code>/", public_form.petition_submitted, name="submitted"),
    path("track/", public.track, name="track"),
    path("track/rate/", public.rate, name="rate"),
    path("track/<str:code>/<str:token>/", public.track_link, name="track_link"),
    path("results/", public.results, name="results"),
    path("results/<int:pk>/", public.result, name="result"),
    path("regions/<int:pk>/children/", public_form.region_children, name="region_children"),
    path("captcha/", captcha.image_view, name="captcha"),
    path("captcha/sms/", captcha_sms.send_view, name="captcha_sms"),
]

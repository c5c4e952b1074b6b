from django.urls import path

from portal import captcha_sms
from voting import public

app_name = "voting"

urlpatterns = [
    path("", public.index, name="index"),
    path("cycles/<int:pk>/", public.cycle, name="cycle"),
    path("propose/", public.propose, name="propose"),
    path("propose/done/", public.proposed, name="proposed"),
    path("votes/<int:pk>/live/", public.live, name="live"),
    path("votes/<int:pk>/live.json", public.live_json, name="live_json"),
    path("receipt/", public.receipt, name="receipt"),
    path("captcha/sms/", captcha_sms.send_view, name="captcha_sms"),
]

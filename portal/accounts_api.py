"""Activating an account over the API (a mini-program or another client): the owner sends
the phone, the SMS code and a new password; or asks for a new code. Both are open to
anonymous callers and limited per client address and per phone (``portal.activation``)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from portal import activation, ratelimit
from portal.api import ClientAddressThrottle
from portal.api_errors import error_body
from portal.filters import StrictQueryMixin


class ActivationThrottle(ClientAddressThrottle):
    scope = "activate"


class ActivateInput(serializers.Serializer):
    phone = serializers.CharField(
        max_length=32, help_text=gettext_lazy("The account's mobile phone")
    )
    code = serializers.CharField(max_length=12, help_text=gettext_lazy("The code sent by SMS"))
    password = serializers.CharField(
        max_length=128, write_only=True, style={"input_type": "password"},
        trim_whitespace=False,
        help_text=gettext_lazy("The new password"),
    )  # fmt: skip


class ActivatedSerializer(serializers.Serializer):
    username = serializers.CharField()
    detail = serializers.CharField()


class CodeInput(serializers.Serializer):
    phone = serializers.CharField(
        max_length=32, help_text=gettext_lazy("The account's mobile phone")
    )


class SentSerializer(serializers.Serializer):
    detail = serializers.CharField()


class ActivateView(StrictQueryMixin, APIView):
    permission_classes = [permissions.AllowAny]
    authentication_classes = []
    throttle_classes = [ActivationThrottle]

    @extend_schema(
        summary=gettext_lazy("Activate an account: the SMS code and a new password"),
        request=ActivateInput, responses={200: ActivatedSerializer},
    )  # fmt: skip
    def post(self, request):
        data = _valid(ActivateInput, request)
        phone = activation.mobile(data["phone"])
        if not ratelimit.hit("activate_phone", phone):
            return _too_many()
        user = activation.activate(phone=phone, code=data["code"], password=data["password"])
        message = _("Your account is active. Sign in with user name %(username)s.") % {
            "username": user.username
        }
        return Response({"username": user.username, "detail": message})


class ActivationCodeView(StrictQueryMixin, APIView):
    permission_classes = [permissions.AllowAny]
    authentication_classes = []
    throttle_classes = [ActivationThrottle]

    @extend_schema(
        summary=gettext_lazy("Ask for a new activation code by SMS"),
        request=CodeInput, responses={202: SentSerializer},
    )  # fmt: skip
    def post(self, request):
        data = _valid(CodeInput, request)
        # limited per address (the throttle) and per phone a day, silently (activation.resend)
        activation.resend(activation.mobile(data["phone"]))
        return Response({"detail": str(activation.SENT)}, status=status.HTTP_202_ACCEPTED)


def _valid(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _too_many() -> Response:
    body = error_body("throttled", _("Too many attempts for this phone. Please try again later."))
    return Response(body, status=status.HTTP_429_TOO_MANY_REQUESTS)

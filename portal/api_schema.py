"""The OpenAPI schema's error responses: every operation says which errors it may answer,
all in the one body of ``portal.api_errors`` (the ``Error`` component).

- 400 for every operation that reads input: a write, a list's filters, or a query string
  (an unknown query parameter is refused everywhere);
- 401 and 403 for every operation that needs an account;
- 404 for every operation on one object (a path parameter): it does not exist or lies
  outside the caller's scope;
- 429 for operations with a rate limit.

An error an operation declares itself keeps its description and gains the ``Error`` body.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from rest_framework import permissions, serializers


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text=_("Machine-readable error code, e.g. invalid, not_found, invalid_transition")
    )
    detail = serializers.CharField(help_text=_("What went wrong, in Chinese"))
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=_(
            "Field errors: messages by field or query parameter name "
            "(nested fields joined with dots)"
        ),
    )

    class Meta:
        ref_name = "Error"


DESCRIPTIONS = {
    "400": _("Invalid input: unknown or malformed parameters, or a refused change"),
    "401": _("Not signed in: a token or a session is needed"),
    "403": _("No permission for this operation"),
    "404": _("The object does not exist or is outside the caller's scope"),
    "429": _("Too many requests; try again later"),
}


TIME = r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?$"


class PortalAutoSchema(AutoSchema):
    def _get_filter_parameters(self):
        parameters = super()._get_filter_parameters()
        for parameter in parameters:
            if parameter.get("in") == "query" and parameter["name"] != "q":
                parameter["allowEmptyValue"] = True  # an empty filter means "no filter"
        return parameters

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if isinstance(field, serializers.TimeField) and schema.get("format") == "time":
            # OpenAPI's "time" wants a UTC offset; the portal's times are local clock times
            schema = {key: value for key, value in schema.items() if key != "format"}
            schema["pattern"] = TIME
        return schema

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code in self._error_codes():
            responses.setdefault(code, {"description": DESCRIPTIONS[code]})
        error = self._get_response_for_code(ErrorSerializer, "400")["content"]
        for code, response in responses.items():
            if code >= "400" and "content" not in response:
                response["content"] = error
        return dict(sorted(responses.items()))

    def _error_codes(self) -> list[str]:
        codes = ["400"]
        if self._needs_account():
            codes += ["401", "403"]
        if "{" in self.path:
            codes.append("404")
        if self.view.get_throttles():
            codes.append("429")
        return codes

    def _needs_account(self) -> bool:
        return any(
            not isinstance(permission, permissions.AllowAny)
            for permission in self.view.get_permissions()
        )

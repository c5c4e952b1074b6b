"""One error body for the whole API, whatever went wrong and wherever:

    {"code": "<machine code>", "detail": "<a Chinese sentence>", "fields": {"<name>": ["…"]}}

``fields`` is there only for errors of named fields or query parameters (nested fields are
named with dots: ``items.0.name``). Domain errors are 400, never 500; Django's own English
404 ("No Suggestion matches …") is replaced by a Chinese one; a URL under ``/api/`` that
matches no route, and a server error there, answer the same body as JSON
(``portal.errorpages``).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler

from portal.errors import DomainError

NON_FIELD = "non_field_errors"


def error_body(code: str, detail: str, fields: dict | None = None) -> dict:
    body = {"code": code, "detail": str(detail)}
    if fields:
        body["fields"] = fields
    return body


def error_json(status_code: int, code: str, detail: str, fields=None) -> JsonResponse:
    """The error body outside DRF's views (URL resolver, sign-in lockout, server error)."""
    return JsonResponse(
        error_body(code, detail, fields),
        status=status_code,
        json_dumps_params={"ensure_ascii": False},
    )


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        messages = {exc.field: [exc.message]} if exc.field else {NON_FIELD: [exc.message]}
        exc = exceptions.ValidationError(messages, code=exc.code)
    elif isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            exc = exceptions.ValidationError(
                {
                    (NON_FIELD if name == "__all__" else name): [
                        m for e in errors for m in e.messages
                    ]
                    for name, errors in exc.error_dict.items()
                }
            )
        else:
            exc = exceptions.ValidationError({NON_FIELD: exc.messages})
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(None if _django_message(exc) else str(exc.args[0]))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc.args[0]) if exc.args else None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a server error: portal.errorpages answers it
    response.data = _body(exc, response.data)
    return response


def _body(exc, data) -> dict:
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(data)
        general = fields.pop(NON_FIELD, []) + fields.pop("detail", [])
        messages = [message for items in fields.values() for message in items]
        if general:
            detail = " ".join(general)
        elif len(messages) == 1:  # one field wrong: its message says it all
            detail = messages[0]
        else:
            detail = _("The request has errors; see each field's message.")
        return error_body(_first_code(exc) or "invalid", detail, fields)
    if isinstance(exc, exceptions.ParseError):
        # DRF's text quotes the parser's English message
        return error_body("parse_error", _("The request body is not valid JSON or form data."))
    code = exc.get_codes()
    return error_body(code if isinstance(code, str) else exc.default_code, str(exc.detail))


def _first_code(exc: exceptions.ValidationError) -> str | None:
    """The code of the error: a domain error's own code (``invalid_transition`` …)."""
    codes = exc.get_codes()
    while isinstance(codes, dict | list) and codes:
        codes = next(iter(codes.values())) if isinstance(codes, dict) else codes[0]
    if isinstance(codes, str) and codes not in ("invalid", "required", "null", "blank"):
        return codes if codes.replace("_", "").isalnum() else None
    return None


def _flatten(data, prefix: str = "") -> dict[str, list[str]]:
    """Field errors as ``{name: [messages]}``, nested names joined with dots."""
    if isinstance(data, dict):
        out: dict[str, list[str]] = {}
        for key, value in data.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if key == NON_FIELD and prefix:
                name = prefix  # "members": the list as a whole is wrong
            for inner, messages in _flatten(value, name).items():
                out.setdefault(inner, []).extend(messages)
        return out
    if isinstance(data, list | tuple):
        if all(not isinstance(item, dict | list | tuple) for item in data):
            return {prefix or NON_FIELD: [str(item) for item in data]} if data else {}
        out = {}
        for index, item in enumerate(data):
            if item:
                name = f"{prefix}.{index}" if prefix else str(index)
                out.update(_flatten(item, name))
        return out
    return {prefix or NON_FIELD: [str(data)]}


def _django_message(exc) -> bool:
    text = str(exc.args[0]) if exc.args else ""
    return not text or (text.startswith("No ") and text.endswith("matches the given query."))


# --- the same body outside DRF's views ------------------------------------------------

STATUS_CODES = {
    400: ("parse_error", lambda: _("The request could not be read.")),
    403: ("permission_denied", lambda: _("You do not have permission to perform this action.")),
    404: ("not_found", lambda: _("Not found.")),
    500: ("server_error", lambda: _("A server error occurred. Please try again later.")),
}


def for_status(status_code: int, detail: str = "") -> JsonResponse:
    code, default = STATUS_CODES[status_code]
    return error_json(status_code, code, detail or default())

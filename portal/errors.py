"""Domain errors that every interface turns into a clear message."""

from django.utils.translation import gettext as _


class DomainError(Exception):
    """A request that the rules refuse; shown to the person, never a 500."""

    code = "domain_error"

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class TransitionError(DomainError):
    """A state change that the workflow's transition table does not allow."""

    code = "invalid_transition"

    @classmethod
    def not_allowed(cls, obj, from_state: str, to_state: str) -> "TransitionError":
        return cls(
            _("%(object)s cannot move from “%(from)s” to “%(to)s”.")
            % {"object": obj, "from": from_state, "to": to_state}
        )

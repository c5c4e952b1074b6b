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


# The longest free text a person types into any form of the portal.
TEXT_MAX = 5000


def required_text(text, field: str, message: str, limit: int | None = TEXT_MAX) -> str:
    """Return ``text`` stripped; refuse it empty (``message``) or longer than ``limit``."""
    text = (text or "").strip()
    if not text:
        raise DomainError(message, field=field)
    return optional_text(text, field, limit)


def optional_text(text, field: str, limit: int | None = TEXT_MAX) -> str:
    """Return ``text`` stripped (may be empty); refuse it longer than ``limit``."""
    text = (text or "").strip()
    if limit is not None and len(text) > limit:
        raise DomainError(_("At most %(limit)d characters.") % {"limit": limit}, field=field)
    return text


def show_on_form(form, error: DomainError) -> None:
    """Put a refused change on the page's form: on its field when the form has it."""
    form.add_error(error.field if error.field in form.fields else None, error.message)

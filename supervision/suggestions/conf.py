"""The settings where offices' practice varies, with the defaults of the seeds.

Override any of them in Django settings as ``SUGGESTIONS = {"RETURN_WORKING_DAYS": 10}``.
"""

from django.conf import settings

DEFAULTS = {
    # A unit that is not responsible returns the item within this many working days of
    # receipt (7 in one city's rules, 10 in another's).
    "RETURN_WORKING_DAYS": 7,
    # Co-handling units send their view to the lead unit within this many months.
    "CO_HANDLER_MONTHS": 1,
    # A round after an unsatisfied rating has this many months.
    "REHANDLE_MONTHS": 3,
    # The reply classes in use; some offices add D.
    "REPLY_CLASSES": ("A", "B", "C"),
    # A deadline this close (calendar days) turns the light yellow.
    "NEAR_DAYS": 3,
    # Which rating the satisfaction rates count: "final" (the latest round) or "first".
    "SATISFACTION_ROUND": "final",
}


def get(name: str):
    """Return the setting ``name``: the project's ``SUGGESTIONS`` value, else the default."""
    return getattr(settings, "SUGGESTIONS", {}).get(name, DEFAULTS[name])

"""Citizens' phone numbers: one normal form and one test of what counts as a number.

A number is stored without spaces, dashes or brackets; a mainland mobile number (11 digits
starting 13-19) or a landline with its area code (0 and 2-3 digits, then 7-8 digits) is
accepted. Every form, API and workflow that takes a citizen's number uses these two.
"""

from __future__ import annotations

import re

PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


def normalize_phone(raw: str) -> str:
    """Return ``raw`` without spaces, dashes and brackets."""
    return re.sub(r"[\s\-()]", "", raw or "")


def is_phone(raw: str) -> bool:
    """Return True when ``raw``, once normalised, is a mobile or landline number."""
    return bool(PHONE_RE.match(normalize_phone(raw)))

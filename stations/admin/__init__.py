"""The staff's admin of deputies, stations, the duty roster, receptions and double contact.

Every admin derives from ``ScopedAdmin`` (or its read-only variant), so rows, permissions,
choices and autocomplete go through ``portal.access``. Inlines are not covered by
``ScopedAdmin``: ``ScopedInline`` gives them the same rules. Admin actions call
``stations.workflow``; a refused action becomes an error message, never a 500.
"""

from stations.admin import contacts, deputies, receptions, roster, stations  # noqa: F401

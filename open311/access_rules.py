"""Scope rules of Open311's rows: the office of the client's region and above it."""

from open311.models import ApiClient, PushedUpdate, SubmittedRequest
from portal import access
from portal.access import ScopeRule

access.register(ApiClient, ScopeRule())
access.register(SubmittedRequest, ScopeRule())
access.register(PushedUpdate, ScopeRule())

"""Failed sign-ins counted per account, on every way in (django-axes does the counting).

The sign-in page, the admin's sign-in and the API token all authenticate through Django's
``authenticate``; ``axes.backends.AxesStandaloneBackend`` refuses a locked account before its
password is checked and axes records each failure by username, whatever address it comes
from. This module holds the portal's rules on top of that:

- ``cool_off``: the wait after ``AXES_FAILURE_LIMIT`` failures grows with every lockout of
  the same account within a day (5, 10, 20 … minutes, at most ``SIGNIN_LOCKOUT_MAX_HOURS``);
  tries during the wait are not recorded, so they never restart it.
- ``lockout_response``: the clear Chinese answer a locked account's owner gets, as a page or
  as the API's error body.
- ``locked_accounts`` / ``release``: what office staff see and do in the admin.
"""

from __future__ import annotations

import math
from datetime import timedelta

from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.api_errors import error_json

LOCKOUT_MEMORY = timedelta(days=1)
USERNAME_LENGTH = 150  # AbstractUser.username


def username_of(request, credentials=None) -> str | None:
    """Return the username a sign-in names, as it is counted (``AXES_USERNAME_CALLABLE``):
    cut to the longest username an account can have, so that no input is too long to
    record, and without NUL characters, which PostgreSQL does not store."""
    value = None
    if credentials:
        value = credentials.get("username")
    elif request is not None:
        try:
            data = getattr(request, "data", None)
            data = data if hasattr(data, "get") else request.POST
            value = data.get("username")
        except Exception:  # an unreadable body names no account
            value = None
    if not isinstance(value, str):
        return None
    return value.replace("\x00", "")[:USERNAME_LENGTH] or None


def _username(request) -> str | None:
    if request is None:
        return None
    return username_of(request, getattr(request, "axes_credentials", None))


def wait_for(lockouts: int) -> timedelta:
    """Return the wait after an account's ``lockouts``-th lockout within a day."""
    base = timedelta(minutes=settings.SIGNIN_LOCKOUT_MINUTES)
    longest = timedelta(hours=settings.SIGNIN_LOCKOUT_MAX_HOURS)
    steps = min(max(lockouts - 1, 0), 16)
    return min(base * (2**steps), longest)


def wait_of(username: str | None) -> timedelta:
    """Return how long ``username`` stays locked after its last failure."""
    if not username:
        return wait_for(1)
    since = timezone.now() - LOCKOUT_MEMORY
    lockouts = AccessFailureLog.objects.filter(
        username=username, locked_out=True, attempt_time__gte=since
    ).count()
    return wait_for(lockouts)


def cool_off(request=None) -> timedelta:
    """Return the wait of the account a sign-in names (``AXES_COOLOFF_TIME``)."""
    return wait_of(_username(request))


def locked_until(username: str):
    """Return when ``username``'s current lockout ends (None when it is not locked)."""
    wait = wait_of(username)
    counted = AccessAttempt.objects.filter(
        username=username, attempt_time__gte=timezone.now() - wait
    ).aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
    if (counted["failures"] or 0) < settings.AXES_FAILURE_LIMIT:
        return None
    return counted["last"] + wait


def with_lock_figures(attempts: QuerySet) -> QuerySet:
    """Annotate failure records with what ``lock_end`` needs, in the same query: the account's
    failures counted now, its last failure and its lockouts within the day."""
    same = {"username": OuterRef("username")}
    failures = (
        AccessAttempt.objects.filter(**same)
        .order_by()
        .values("username")
        .annotate(total=Sum("failures_since_start"), last=Max("attempt_time"))
    )
    since = timezone.now() - LOCKOUT_MEMORY
    lockouts = (
        AccessFailureLog.objects.filter(**same, locked_out=True, attempt_time__gte=since)
        .order_by()
        .values("username")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return attempts.annotate(
        account_failures=Subquery(failures.values("total")),
        account_last=Subquery(failures.values("last")),
        account_lockouts=Coalesce(Subquery(lockouts), 0),
    )


def lock_end(attempt):
    """Return when the account of an annotated failure record (``with_lock_figures``) is
    locked until, or None; no query."""
    if (attempt.account_failures or 0) < settings.AXES_FAILURE_LIMIT or not attempt.account_last:
        return None
    until = attempt.account_last + wait_for(attempt.account_lockouts)
    return until if until > timezone.now() else None


def lockout_message(request) -> str:
    """Return the Chinese sentence a locked account's owner reads."""
    username = _username(request)
    until = locked_until(username) if username else None
    left = (until - timezone.now()) if until else wait_of(username)
    minutes = max(1, math.ceil(left.total_seconds() / 60))
    return _(
        "This account is locked for now after too many failed sign-ins. Try again in "
        "%(minutes)d minutes, reset your password through “Forgot password”, or ask the "
        "congress office staff of your region to release it."
    ) % {"minutes": minutes}


def lockout_response(request, original_response=None, credentials=None):
    """Answer a sign-in refused for a locked account (``AXES_LOCKOUT_CALLABLE``)."""
    if original_response is not None and getattr(original_response, "portal_lockout", False):
        return original_response  # the sign-in page already said it beside its form
    message = lockout_message(request)
    if request.path.startswith("/api/"):
        return error_json(429, "account_locked", message)
    return render(request, "portal/too_many.html", {"message": message, "signin": True}, status=429)


def is_locked_out(request) -> bool:
    """Return True when the sign-in that ``request`` carried was refused or caused a lockout."""
    return bool(getattr(request, "axes_locked_out", False))


# --- what office staff see and do -------------------------------------------------------


def locked_accounts(usernames: QuerySet | None = None) -> QuerySet:
    """Return the failure records (one per account and address) of accounts now counting
    failures, newest first; ``usernames`` limits them to accounts the viewer may manage."""
    attempts = AccessAttempt.objects.order_by("-attempt_time")
    if usernames is not None:
        attempts = attempts.filter(username__in=usernames)
    return attempts


def clear_failures(user, *, lockouts: bool = True) -> int:
    """Forget ``user``'s counted failures and, with ``lockouts``, its past lockouts too, so
    that its next wait starts short again. The failure log itself stays for staff to read."""
    username = user.get_username()
    count, _deleted = AccessAttempt.objects.filter(username=username).delete()
    if lockouts:
        AccessFailureLog.objects.filter(username=username, locked_out=True).update(locked_out=False)
    return count


@transaction.atomic
def release(*, actor, user) -> int:
    """Let a locked account sign in at once (office staff, in the admin); audited."""
    from portal import events

    count = clear_failures(user)
    events.record(actor=actor, target=user, action=events.Action.SIGNIN_RELEASE, note=str(count))
    return count

"""Accounts the congress office gives to deputies and to handling units' handlers, and their
activation by the owner with a one-time code sent by SMS.

The office creates the account (``create_account``) inside its own jurisdiction; the account
has no password yet, so nobody can sign in with it. A six-digit code goes to the owner's
mobile phone (a Celery task after the commit, sent at once when the broker is down); with
the phone, the code and a new password, the owner activates the account (``activate``, from
the page ``/accounts/activate/`` or ``POST /api/v1/accounts/activate/``). Only a keyed hash
of a code is stored; a code is good for ``CODE_HOURS`` hours and ``MAX_MISSES`` wrong tries;
a newer code voids the older ones. Staff accounts and their roles are granted in the admin,
by those who may grant them, not here.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal import access, events, queue, ratelimit, sms
from portal.activation_models import AccountActivation
from portal.errors import DomainError
from portal.models import Department, Region, User
from portal.phones import normalize_phone

log = logging.getLogger(__name__)

CODE_HOURS = 72
MAX_MISSES = 5
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
ACCOUNT_KINDS = (User.Kind.DEPUTY, User.Kind.HANDLER)


def _digest(user_id: int, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"activation:{user_id}:{code}".encode(), hashlib.sha256).hexdigest()


def mobile(raw: str, field: str = "phone") -> str:
    """Return ``raw`` as a mainland mobile number, or refuse it (``field`` names it)."""
    phone = normalize_phone(raw)
    if not MOBILE_RE.match(phone):
        raise DomainError(_("Enter an 11-digit mobile phone number."), field=field)
    return phone


def may_manage(actor, region: Region) -> bool:
    """Return True when ``actor`` is office staff of ``region`` or of a region above it."""
    return access.can_by_region(actor, access.MANAGE, region)


def _username(raw: str, default: str) -> str:
    username = (raw or "").strip()
    if not username:  # the default, made unique: nobody typed it
        username = default
        while User.objects.filter(username__iexact=username).exists():
            username = f"{default}-{secrets.token_hex(2)}"
    try:
        User.username_validator(username)
    except DjangoValidationError:
        raise DomainError(
            _("A user name has letters, digits and @ . + - _ only."), field="username"
        ) from None
    if len(username) > 150:
        raise DomainError(_("At most %(limit)d characters.") % {"limit": 150}, field="username")
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(_("This user name is taken."), field="username")
    return username


@transaction.atomic
def create_account(
    *, actor, kind: str, region: Region, full_name: str, phone: str, username: str = "",
    department: Department | None = None, default_username: str = "",
) -> User:  # fmt: skip
    """Create an account of ``kind`` (deputy or handler) in ``region`` and send its owner an
    activation code. The actor must be office staff of the region (and of the handler's
    unit); anything else is refused and nothing is stored. ``actor=None`` is the system: a
    management command run on the server (the roster import's ``--accounts``)."""
    if kind not in ACCOUNT_KINDS:
        raise DomainError(
            _(
                "The office creates accounts for deputies and handlers only; staff accounts "
                "and their roles are granted in the admin."
            ),
            field="kind",
        )
    if actor is not None and not may_manage(actor, region):
        raise PermissionDenied(_("You may create accounts only inside your jurisdiction."))
    if kind == User.Kind.HANDLER:
        if department is None:
            raise DomainError(_("Choose the handler's handling unit."), field="department")
        if actor is not None and not may_manage(actor, department.region):
            raise PermissionDenied(_("You may create accounts only inside your jurisdiction."))
    phone = mobile(phone)
    full_name = (full_name or "").strip()
    if not full_name or len(full_name) > 64:
        raise DomainError(_("Enter the full name (at most 64 characters)."), field="full_name")
    user = User(
        username=_username(username, default_username or f"u{secrets.token_hex(4)}"),
        full_name=full_name, phone=phone, kind=kind, region=region,
        department=department if kind == User.Kind.HANDLER else None, is_active=True,
    )  # fmt: skip
    user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:  # the same user name taken a moment ago
        raise DomainError(_("This user name is taken."), field="username") from None
    events.record(
        actor=actor, target=user, action=events.Action.ACCOUNT_CREATE, region=region,
        data={"kind": kind, "username": user.username},
    )  # fmt: skip
    send_code_later(user.pk)
    return user


def pending(user: User) -> bool:
    """Return True when ``user`` has not set a password yet (not activated)."""
    return user.is_active and not user.has_usable_password()


def send_code_later(user_id: int) -> None:
    """Send a new activation code once the transaction commits."""
    transaction.on_commit(lambda: _queue(user_id))


def _queue(user_id: int) -> None:
    try:
        queue.task("portal.send_activation_code").apply_async(args=[user_id], retry=False)
    except Exception:  # the broker is down: send now rather than lose the code
        log.warning("could not queue the activation code of user %s; sending now", user_id)
        send_code(user_id)


def send_code(user_id: int) -> bool:
    """Send a new code to an account that is not activated; return whether one was sent."""
    now = timezone.now()
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=user_id, is_active=True).first()
        if user is None or not pending(user) or not MOBILE_RE.match(user.phone or ""):
            return False
        AccountActivation.objects.filter(user=user, spent_at__isnull=True).update(spent_at=now)
        code = f"{secrets.randbelow(10**6):06d}"
        AccountActivation.objects.create(
            user=user, phone=user.phone, code_hash=_digest(user.pk, code),
            expires_at=now + timedelta(hours=CODE_HOURS),
        )  # fmt: skip
    base = settings.PORTAL_BASE_URL.rstrip("/")
    text = _(
        "%(site)s: an account %(username)s has been opened for you. Your activation code is "
        "%(code)s, good for %(hours)d hours. Open %(link)s to set your password."
    ) % {
        "site": settings.PORTAL_SITE_NAME or _("Deputy work portal"),
        "username": user.username,
        "code": code,
        "hours": CODE_HOURS,
        "link": f"{base}/accounts/activate/",
    }
    try:
        sms.send(user.phone, text)
    except Exception:  # the office or the owner can ask for a new code
        log.exception("activation SMS to user %s failed", user.pk)
        sent = False
    else:
        sent = True
    events.record(
        actor=None, target=user, action=events.Action.ACCOUNT_CODE_SENT, region=user.region,
        data={"phone": access.mask_phone(user.phone), "sent": sent},
    )  # fmt: skip
    return sent


def void_codes(user: User) -> None:
    """Void the open codes of ``user`` (its phone changed: they went to another number)."""
    AccountActivation.objects.filter(user=user, spent_at__isnull=True).update(
        spent_at=timezone.now()
    )


def resend_by_office(actor, user: User) -> None:
    """A new code asked for by the office, at most a few a day per account (text messages
    cost money and must not pester), recorded with the staff member who asked."""
    if not ratelimit.hit("activate_resend", f"user:{user.pk}"):
        raise DomainError(
            _("A new code was sent to this account several times today. Try again tomorrow."),
            field="account",
        )
    events.record(actor=actor, target=user, action=events.Action.ACCOUNT_CODE_ASKED,
                  region=user.region)  # fmt: skip
    send_code_later(user.pk)


def resend(raw_phone: str) -> None:
    """Send a new code to the account waiting for activation with this phone, if any. Says
    nothing either way: the caller answers the same words whether or not one matched."""
    phone = normalize_phone(raw_phone)
    if not MOBILE_RE.match(phone) or not ratelimit.hit("activate_resend", f"phone:{phone}"):
        return
    users = User.objects.filter(phone=phone, is_active=True).order_by("pk")[:5]
    for user in users:
        if pending(user):
            send_code_later(user.pk)


SENT = gettext_lazy(
    "If an account waiting for activation has this phone, a new code has been sent to it."
)
BAD_CODE = gettext_lazy("The code is wrong or has expired. Ask for a new one.")


def activate(*, phone: str, code: str, password: str) -> User:
    """Set the password of the account the code was sent for; return the account.

    A wrong code counts a miss on every open code of that phone; after ``MAX_MISSES`` misses
    a code is void. The password must pass the portal's password rules."""
    phone = mobile(phone)
    code = (code or "").strip()
    now = timezone.now()
    with transaction.atomic():
        open_codes = list(
            AccountActivation.objects.select_for_update()
            .filter(phone=phone, spent_at__isnull=True, expires_at__gt=now)
            .select_related("user")
            .order_by("-pk")
        )
        match = next(
            (
                a for a in open_codes
                if re.fullmatch(r"\d{6}", code)
                and hmac.compare_digest(a.code_hash, _digest(a.user_id, code))
            ),
            None,
        )  # fmt: skip
        if match is None or not pending(match.user):
            for entry in open_codes:  # the misses are stored, then the code refused
                entry.misses += 1
                entry.spent_at = now if entry.misses >= MAX_MISSES else None
                entry.save(update_fields=["misses", "spent_at"])
            user = None
        else:
            user = match.user
            try:
                password_validation.validate_password(password, user)
            except DjangoValidationError as error:
                raise DomainError(" ".join(error.messages), field="password") from None
            user.set_password(password)
            user.save(update_fields=["password"])
            AccountActivation.objects.filter(user=user, spent_at__isnull=True).update(spent_at=now)
            events.record(
                actor=user, target=user, action=events.Action.ACCOUNT_ACTIVATE, region=user.region
            )
    if user is None:
        raise _Refused(BAD_CODE)
    return user


class _Refused(DomainError):
    code = "invalid_code"

    def __init__(self, message):
        super().__init__(str(message), field="code")

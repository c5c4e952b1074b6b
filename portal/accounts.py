"""Signing in and getting back in: the sign-in pages, the admin's sign-in, and the
self-service password reset (a one-time link by email and by SMS).

Every way in is limited per client address (``ratelimit``) and counted per account
(``signin``, django-axes). The reset answers the same words, in the same time, whether or
not an account matched: the link is sent by a Celery task after the response.
"""

from __future__ import annotations

import logging
import re

from django import forms
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.db.models import Q
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal import queue, ratelimit, signin
from portal.models import User

log = logging.getLogger(__name__)
TOO_MANY = gettext_lazy("Too many sign-in attempts. Please wait a few minutes.")


def _too_many(request, message):
    return render(request, "portal/too_many.html", {"message": message, "signin": True}, status=429)


class PlatformNameMixin:
    """Django's auth views put the host's name in ``site_name``; the pages name the platform
    (``portal.context_processors.site``)."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.pop("site_name", None)
        return context


class LoginView(PlatformNameMixin, auth_views.LoginView):
    """Sign-in with a rate limit per client address and a lockout per account."""

    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if not ratelimit.hit("login", ratelimit.client_ip(request)):
            form = self.get_form()
            form.is_valid()
            form.errors.clear()
            form.add_error(None, str(TOO_MANY))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        if not signin.is_locked_out(self.request):
            return super().form_invalid(form)
        form.errors.clear()
        form.add_error(None, signin.lockout_message(self.request))
        response = self.render_to_response(self.get_context_data(form=form), status=429)
        response.portal_lockout = True
        return response


def admin_login(request, *args, **kwargs):
    """The admin's sign-in page behind the same limits as the portal's."""
    from django.contrib import admin

    if request.method == "POST" and not ratelimit.hit("login", ratelimit.client_ip(request)):
        return _too_many(request, TOO_MANY)
    return admin.site.login(request, *args, **kwargs)


# --- password reset ------------------------------------------------------------------------


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


class PasswordResetRequestForm(forms.Form):
    account = forms.CharField(
        label=gettext_lazy("Username, mobile phone number or email"),
        max_length=150,
        strip=True,
    )

    def users(self) -> list[User]:
        """Return the active accounts the entry names (none, one, or a few sharing a phone)."""
        value = self.cleaned_data["account"]
        match = Q(username=value)
        if "@" in value:
            match |= Q(email__iexact=value)
        digits = _digits(value)
        if len(digits) >= 11 and digits == value.replace(" ", "").replace("-", ""):
            match |= Q(phone=digits) | Q(phone=value)
        users = User.objects.filter(match, is_active=True).order_by("pk")[:5]
        return [user for user in users if user.has_usable_password()]


def reset_link(user: User, base_url: str) -> str:
    """Return the one-time link that lets ``user`` choose a new password."""
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return base_url.rstrip("/") + path


def send_reset(user_id: int, base_url: str) -> None:
    """Send ``user_id``'s reset link by email and SMS, where the account has them."""
    from django.core.mail import send_mail

    from portal import sms

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    link = reset_link(user, base_url)
    hours = settings.PASSWORD_RESET_TIMEOUT // 3600
    text = _(
        "%(site)s: to choose a new password for account %(username)s, open %(link)s within "
        "%(hours)d hours. If you did not ask for this, ignore this message."
    ) % {
        "site": settings.PORTAL_SITE_NAME or _("Deputy work portal"),
        "username": user.username,
        "link": link,
        "hours": hours,
    }
    if user.email:
        send_mail(_("Reset your password"), text, None, [user.email], fail_silently=True)
    if user.phone:
        try:
            sms.send(user.phone, text)
        except Exception:  # a gateway error must not tell the asker anything
            log.exception("password reset SMS to user %s failed", user.pk)


def _queue_reset(user_ids: list[int], base_url: str) -> None:
    send_password_reset = queue.task("portal.send_password_reset")
    for user_id in user_ids:
        try:
            send_password_reset.apply_async(args=[user_id, base_url], retry=False)
        except Exception:  # the broker is down: send now rather than lose the request
            log.warning("could not queue the password reset of user %s; sending now", user_id)
            send_reset(user_id, base_url)


def password_reset(request):
    """Ask for a reset link. The answer never says whether an account matched."""
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST":
        if not ratelimit.hit("password_reset", ratelimit.client_ip(request)):
            return _too_many(request, _("Too many requests. Please try again later."))
        if form.is_valid():
            account = form.cleaned_data["account"].lower()
            if ratelimit.hit("password_reset_account", account):
                user_ids = [user.pk for user in form.users()]
                base_url = settings.PORTAL_BASE_URL or request.build_absolute_uri("/")
                if user_ids:
                    transaction.on_commit(lambda: _queue_reset(user_ids, base_url))
            return render(request, "registration/password_reset_sent.html")
    return render(request, "registration/password_reset.html", {"form": form})


class PasswordResetConfirmView(PlatformNameMixin, auth_views.PasswordResetConfirmView):
    """Choose a new password from the link; the account's lockout ends with it."""

    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        from portal import events

        with transaction.atomic():
            response = super().form_valid(form)
            signin.clear_failures(form.user)
            events.record(actor=form.user, target=form.user, action=events.Action.PASSWORD_RESET)
        return response


class PasswordResetCompleteView(PlatformNameMixin, auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"

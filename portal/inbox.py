"""The in-app inbox on the desk: the user's notifications, unread counts, marking read, and
the notification preferences (channels, daily digest). Everyone sees only their own rows."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from portal.models import NotificationPreference
from portal.notifications import inbox_rows, mark_read, preference_of, unread_count

PAGE_SIZE = 30


def unread(request) -> dict:
    """Context processor: ``inbox_unread`` for the header badge, counted (one query) only
    when a template uses it, and at most once per request."""
    cache: list[int] = []

    def count() -> int:
        if not cache:
            cache.append(unread_count(request.user) if hasattr(request, "user") else 0)
        return cache[0]

    return {"inbox_unread": count}


@login_required
def inbox(request):
    rows = inbox_rows(request.user)
    only_unread = request.GET.get("unread") == "1"
    if only_unread:
        rows = rows.filter(read_at__isnull=True)
    page = Paginator(
        rows.only("pk", "subject", "body", "url", "kind", "created_at", "read_at"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(request, "portal/inbox.html", {"page": page, "only_unread": only_unread})


@login_required
def inbox_open(request, pk: int):
    """Mark one notification read and follow its link (only the recipient's own)."""
    row = inbox_rows(request.user).filter(pk=pk).first()
    if row is None:
        raise Http404
    if row.read_at is None:
        mark_read(request.user, [row.pk])
    if row.url and url_has_allowed_host_and_scheme(row.url, allowed_hosts=None):
        return HttpResponseRedirect(row.url)
    return redirect("inbox")


@login_required
@require_POST
def inbox_read_all(request):
    changed = mark_read(request.user)
    messages.success(request, _("%(count)s notification(s) marked read.") % {"count": changed})
    return redirect("inbox")


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = ["by_email", "by_sms", "daily_digest"]
        labels = {
            "by_email": gettext_lazy("Email me"),
            "by_sms": gettext_lazy("Send me text messages"),
            "daily_digest": gettext_lazy("One email a day instead of one email each"),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("by_email") and not self.user.email:
            self.add_error(
                "by_email", _("Your account has no email address; ask the office to add one.")
            )
        if cleaned.get("by_sms") and not self.user.phone:
            self.add_error(
                "by_sms", _("Your account has no mobile number; ask the office to add one.")
            )
        if cleaned.get("daily_digest") and not cleaned.get("by_email"):
            self.add_error("daily_digest", _("The daily digest is an email: turn email on."))
        return cleaned


@login_required
@require_http_methods(["GET", "POST"])
def inbox_preferences(request):
    preference = preference_of(request.user)
    form = PreferenceForm(request.POST or None, instance=preference, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your notification settings were saved."))
        return redirect("inbox_preferences")
    return render(request, "portal/inbox_preferences.html", {"form": form})

"""The in-app inbox on the desk: the user's notifications, unread counts, marking read, and
the notification preferences (channels, daily digest). Everyone sees only their own rows."""

import django_filters
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from portal import nav, vocabulary
from portal.filters import StrictFilterSet, YesNoFilter
from portal.models import Notification, NotificationPreference
from portal.notifications import inbox_rows, mark_read, preference_of, unread_count
from portal.tables import BulkAction, Column, Table, Tool, register, table_view


def unread_of(user) -> int:
    """Return the user's unread count, counted once per request: the header badge, the
    desk's card and the side menu share it (``request.user`` lives as long as the request)."""
    count = getattr(user, "_inbox_unread", None)
    if count is None:
        count = unread_count(user)
        if getattr(user, "is_authenticated", False):
            user._inbox_unread = count
    return count


def unread(request) -> dict:
    """Context processor: ``inbox_unread`` for the header badge, counted (one query) only
    when a template uses it, and at most once per request."""

    def count() -> int:
        return unread_of(request.user) if hasattr(request, "user") else 0

    return {"inbox_unread": count}


class InboxFilter(StrictFilterSet):
    """The inbox's filters: unread only, and the kind of notification."""

    unread = YesNoFilter(
        method="only_unread", label=gettext_lazy("Unread only"),
        help_text=gettext_lazy("Only list the notifications not read yet"),
    )  # fmt: skip
    kind = django_filters.ChoiceFilter(
        choices=vocabulary.kind_choices, label=gettext_lazy("Kind"),
        empty_label=gettext_lazy("All"),
    )  # fmt: skip

    class Meta:
        model = Notification
        fields = ["unread", "kind"]

    def only_unread(self, queryset, name, value):
        return queryset.filter(read_at__isnull=True) if value else queryset


def _read(row) -> str:
    return pgettext("notification", "Read") if row.read_at else _("Unread")


def _mark_read(user, row, data) -> None:
    """Mark one of the user's own notifications read (the inbox lists no other)."""
    mark_read(user, [row.pk])
    nav.forget(user)


class InboxTable(Table):
    """The user's own notifications as a table; opening one marks it read."""

    key = "inbox"
    title = gettext_lazy("Notifications")
    url_name = "inbox"
    filterset_class = InboxFilter
    filter_names = ("unread", "kind")
    keyword_label = gettext_lazy("Title or text")
    row_name = gettext_lazy("notification")
    # The one tool above the table the framework offers: here the page that marks all read.
    columns = (
        Column("created_at", gettext_lazy("Time"), sort="created_at"),
        Column("kind", gettext_lazy("Kind"), lambda r: vocabulary.kind_label(r.kind), sort="kind"),
        Column("subject", gettext_lazy("Title"), kind="link", sort="subject"),
        Column("body", gettext_lazy("Text"), lambda r: Truncator(r.body).chars(80),
               export=lambda r: r.body),
        Column("read", pgettext_lazy("notification", "Read or unread"), _read, sort="read_at"),
    )  # fmt: skip
    bulk_actions = {
        "read": BulkAction(
            gettext_lazy("Mark read"), gettext_lazy("marked read"), _mark_read,
            lambda u, row: row.read_at is None,
        ),
    }  # fmt: skip

    def queryset(self, user):
        return inbox_rows(user).only("pk", "subject", "body", "url", "kind", "created_at",
                                     "read_at")  # fmt: skip

    def may_view(self, user) -> bool:
        return True

    def tools(self, user):
        return (
            Tool(gettext_lazy("Mark all read"), "inbox_read_all", post=True),
            Tool(gettext_lazy("Notification settings"), "inbox_preferences"),
        )

    def row_class(self, row) -> str:
        return "unread" if row.read_at is None else ""

    def keyword(self, queryset, q):
        return queryset.filter(Q(subject__icontains=q) | Q(body__icontains=q))

    def detail_url(self, row):
        return reverse("inbox_open", args=[row.pk])


table = register(InboxTable())
inbox = table_view(table)


@login_required
def inbox_open(request, pk: int):
    """Mark one notification read and follow its link (only the recipient's own)."""
    row = inbox_rows(request.user).filter(pk=pk).first()
    if row is None:
        raise Http404
    if row.read_at is None:
        mark_read(request.user, [row.pk])
        nav.forget(request.user)
    if row.url and url_has_allowed_host_and_scheme(row.url, allowed_hosts=None):
        return HttpResponseRedirect(row.url)
    return redirect("inbox")


@login_required
@require_POST
def inbox_read_all(request):
    changed = mark_read(request.user)
    nav.forget(request.user)
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

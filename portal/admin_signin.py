"""Failed sign-ins in the admin: office staff see the failures of the accounts in their
jurisdiction and release a locked account (``signin.release``, audited). Superusers see all,
including failures for usernames that match no account."""

from axes.models import AccessAttempt, AccessFailureLog
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, ngettext

from portal import access, signin
from portal.models import User


def _manageable_usernames(user) -> QuerySet | None:
    """Return the usernames ``user`` may release (None: every username, for superusers)."""
    if user.is_superuser:
        return None
    return access.visible(user, User.objects.all(), access.MANAGE).values("username")


class SignInAdmin(admin.ModelAdmin):
    """Read-only lists scoped to the accounts the viewer manages."""

    list_per_page = 50
    show_full_result_count = False

    def _may(self, request) -> bool:
        return access.can_use_admin(request.user) and access.is_office(request.user, access.MANAGE)

    def has_module_permission(self, request):
        return self._may(request)

    def has_view_permission(self, request, obj=None):
        return self._may(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        usernames = _manageable_usernames(request.user)
        return queryset if usernames is None else queryset.filter(username__in=usernames)


@admin.register(AccessAttempt)
class AccessAttemptAdmin(SignInAdmin):
    """Accounts now counting failed sign-ins; the release action lifts a lock at once."""

    list_display = ["username", "ip_address", "failures_since_start", "attempt_time", "lock"]
    search_fields = ["=username"]
    ordering = ["-attempt_time"]
    fields = ["username", "ip_address", "user_agent", "path_info", "failures_since_start"]
    actions = ["release_accounts"]

    def get_queryset(self, request):
        return signin.with_lock_figures(super().get_queryset(request))

    @admin.display(description=_("Locked until"))
    def lock(self, obj):
        until = signin.lock_end(obj)  # figures annotated by the list's one query
        return timezone.localtime(until).strftime("%Y-%m-%d %H:%M") if until else "-"

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description=_("Release the selected accounts"))
    def release_accounts(self, request, queryset):
        names = set(queryset.values_list("username", flat=True))
        users = User.objects.filter(username__in=names)
        usernames = _manageable_usernames(request.user)
        if usernames is not None:
            users = users.filter(username__in=usernames)
        released = 0
        for user in users:
            signin.release(actor=request.user, user=user)
            released += 1
        if request.user.is_superuser:  # failures for usernames of no account
            queryset.exclude(username__in=[u.username for u in users]).delete()
        self.message_user(
            request,
            ngettext(
                "%(count)d account released: it can sign in again at once.",
                "%(count)d accounts released: they can sign in again at once.",
                released,
            )
            % {"count": released},
            messages.SUCCESS,
        )


@admin.register(AccessFailureLog)
class AccessFailureLogAdmin(SignInAdmin):
    """Every failed sign-in of the accounts the viewer manages, newest first."""

    list_display = ["username", "ip_address", "attempt_time", "locked_out", "path_info"]
    list_filter = ["locked_out"]
    search_fields = ["=username"]
    ordering = ["-attempt_time"]
    fields = ["username", "ip_address", "user_agent", "path_info", "attempt_time", "locked_out"]

    def get_actions(self, request):
        return {}


# django-axes has no Chinese catalogue: its words are named here so that ``makemessages``
# keeps them in the portal's catalogue.
AXES_MESSAGES = (
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("Access Attempt"),
    gettext_noop("Access lock out"),
    gettext_noop("Attempt Time"),
    gettext_noop("Attempt Remaining"),
    gettext_noop("Clean up expired attempts"),
    gettext_noop("Expires At"),
    gettext_noop("Failed Logins"),
    gettext_noop("Form Data"),
    gettext_noop("GET Data"),
    gettext_noop("HTTP Accept"),
    gettext_noop("IP Address"),
    gettext_noop("Locked Out"),
    gettext_noop("Logout Time"),
    gettext_noop("Meta Data"),
    gettext_noop("Not set"),
    gettext_noop("Path"),
    gettext_noop("POST Data"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("User Agent"),
)

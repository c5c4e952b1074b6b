"""The core's links of the side menu: the notifications."""

from django.utils.translation import gettext_lazy as _

from portal import access
from portal.inbox import unread_of
from portal.nav import Link, add

add(Link("notifications", "inbox", _("Inbox"), "inbox", lambda u: True, unread_of, order=10))
add(Link("notifications", "inbox-settings", _("Notification settings"), "inbox_preferences",
         lambda u: True, order=20))  # fmt: skip
add(Link("statistics", "dashboard", _("Dashboard"), "dashboard", lambda u: access.is_office(u),
         order=1))  # fmt: skip

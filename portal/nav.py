"""The side menu of every signed-in page: modules (接待 / 群众诉求 / 督事 / 代表建议 / 票决 /
统计 / 通知), each with the links the user's role may use and the count of what waits for the
user there (待办).

Apps add their links in ``AppConfig.ready`` with ``add(Link(...))``; the core knows no app.
Counts are cached per user for a minute, so the menu costs nothing on most pages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from portal import access

MODULES = (
    ("reception", _("Receptions")),
    ("issues", _("Citizen issues")),
    ("supervision", _("Supervision of matters")),
    ("suggestions", _("Deputies' suggestions")),
    ("voting", _("Project ballots")),
    ("statistics", _("Statistics")),
    ("notifications", _("Notifications")),
)
COUNT_SECONDS = 60  # how long the menu's counts are kept (settings.NAV_COUNT_SECONDS)


@dataclass(frozen=True)
class Link:
    """One menu entry. ``visible(user)`` decides who sees it; ``waiting(user)`` counts what
    waits for the user behind it (a fixed number of queries)."""

    module: str
    key: str
    label: str
    url_name: str
    visible: Callable[[object], bool]
    waiting: Callable[[object], int] | None = None
    order: int = 50
    query: str = ""


_LINKS: list[Link] = []


def add(link: Link) -> None:
    if link.module not in dict(MODULES):
        raise ValueError(f"unknown menu module {link.module!r}")
    _LINKS[:] = [existing for existing in _LINKS if existing.key != link.key] + [link]


def _counts(user, links: list[Link]) -> dict[str, int]:
    key = f"nav-counts:{user.pk}"
    seconds = getattr(settings, "NAV_COUNT_SECONDS", COUNT_SECONDS)
    counts = cache.get(key) if seconds else None
    if counts is None:
        counts = {}
        for link in links:
            if link.waiting is not None:
                try:
                    counts[link.key] = int(link.waiting(user) or 0)
                except Exception:  # a count must never break a page
                    counts[link.key] = 0
        if seconds:
            cache.set(key, counts, seconds)
    return counts


def forget(user) -> None:
    """Drop the cached counts of ``user`` (after they acted on something that waited)."""
    cache.delete(f"nav-counts:{user.pk}")


def menu(request) -> list[dict]:
    """The modules and links ``request.user`` sees, the current one marked."""
    user = request.user
    links = [link for link in _LINKS if _safe_visible(link, user)]
    counts = _counts(user, links)
    path = request.path
    resolved = []
    for link in links:
        try:
            url = reverse(link.url_name)
        except NoReverseMatch:
            continue
        resolved.append((link, url))
    # The current link is the longest URL the page's path starts with.
    current = max((url for _link, url in resolved if path.startswith(url)), key=len, default=None)
    modules = []
    for key, label in MODULES:
        items = [
            {
                "key": link.key,
                "label": link.label,
                "url": url + (f"?{link.query}" if link.query else ""),
                "active": url == current,
                "count": counts.get(link.key, 0),
            }
            for link, url in sorted(
                ((lk, u) for lk, u in resolved if lk.module == key), key=lambda p: p[0].order
            )
        ]
        if items:
            modules.append({"key": key, "label": label, "items": items,
                            "waiting": sum(i["count"] for i in items)})  # fmt: skip
    return modules


def _safe_visible(link: Link, user) -> bool:
    try:
        return bool(link.visible(user))
    except Exception:
        return False


def who(user) -> dict:
    """The user's jurisdiction and role, as the menu's head shows them."""
    roles = access.roles_of(user)
    return {
        "roles": [(region.name, role.label) for region, role in roles],
        "department": getattr(user, "department", None),
        "kind": user.get_kind_display() if hasattr(user, "get_kind_display") else "",
    }

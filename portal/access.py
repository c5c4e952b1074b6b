"""Authorization: the only place that answers "may this user see or do this".

Three sources of rights, checked in this order:

1. **Region grants**: guardian object permissions on ``Region`` rows (``view_scope``,
   ``manage_scope``, ``approve_scope``), held through a role. A grant holds for the region's
   whole subtree, so a user has a handful of rows, never one per record.
2. **Participation**: what a user takes part in (a handler's own unit, a deputy's own
   groups), declared per model by a ``ScopeRule``.
3. **Per-object grants**: guardian object permissions on one object (direct foreign-key
   tables), for exceptions.

``visible()`` filters a queryset with one SQL condition whatever the page length;
``get_object_or_404()`` and ``require()`` answer single objects. An object outside the user's
scope is answered 404, an action the user may not take on a visible object 403.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from guardian.shortcuts import assign_perm, remove_perm
from guardian.utils import get_group_obj_perms_model, get_user_obj_perms_model

from portal.models import (
    Department,
    Event,
    Region,
    RegionGroupObjectPermission,
    RegionUserObjectPermission,
    User,
)

VIEW = "view"
MANAGE = "manage"
APPROVE = "approve"
ACTIONS = (VIEW, MANAGE, APPROVE)
SCOPE_CODENAMES = {VIEW: "view_scope", MANAGE: "manage_scope", APPROVE: "approve_scope"}


class Role(models.TextChoices):
    """Roles are sets of region permissions."""

    VIEWER = "viewer", gettext_lazy("Viewer")
    STAFF = "staff", gettext_lazy("Office staff")
    LEADER = "leader", gettext_lazy("Office leader")


ROLE_ACTIONS: dict[str, tuple[str, ...]] = {
    Role.VIEWER: (VIEW,),
    Role.STAFF: (VIEW, MANAGE),
    Role.LEADER: (VIEW, MANAGE, APPROVE),
}


@dataclass(frozen=True)
class ScopeRule:
    """How rows of one model are scoped.

    ``region_field`` names the foreign key to the owning ``Region`` (``None`` for ``Region``
    itself). ``participant`` returns the rows a user takes part in for an action, or
    ``None``. ``object_grants`` adds guardian per-object grants from the model's direct
    foreign-key permission tables.
    """

    region_field: str | None = "region"
    participant: Callable[[User, str], Q | None] | None = None
    object_grants: bool = False


_rules: dict[type[models.Model], ScopeRule] = {}


def register(model: type[models.Model], rule: ScopeRule) -> None:
    """Declare how ``model`` is scoped; every app registers its tenant-owned models."""
    _rules[model] = rule


def is_scoped(model: type[models.Model]) -> bool:
    """Return True when rows of ``model`` are filtered by a registered rule."""
    return model in _rules


def rule_for(model: type[models.Model]) -> ScopeRule:
    try:
        return _rules[model]
    except KeyError:
        raise LookupError(f"{model.__name__} has no access.ScopeRule: register one") from None


# --- region grants -------------------------------------------------------------------


def _collapse(paths: set[str]) -> tuple[str, ...]:
    """Drop paths that lie inside another path of the set."""
    ordered = sorted(paths, key=len)
    kept: list[str] = []
    for path in ordered:
        if not any(path.startswith(prefix) for prefix in kept):
            kept.append(path)
    return tuple(sorted(kept))


def _all_region_paths(user: User) -> dict[str, tuple[str, ...]]:
    """Return the user's granted subtree roots per action, from one query, cached on user."""
    cached = getattr(user, "_access_region_paths", None)
    if cached is not None:
        return cached
    codenames = list(SCOPE_CODENAMES.values())
    direct = RegionUserObjectPermission.objects.filter(
        user_id=user.pk, permission__codename__in=codenames
    ).values_list("permission__codename", "content_object__path")
    via_group = RegionGroupObjectPermission.objects.filter(
        group__user=user.pk, permission__codename__in=codenames
    ).values_list("permission__codename", "content_object__path")
    found: dict[str, set[str]] = {action: set() for action in ACTIONS}
    by_codename = {codename: action for action, codename in SCOPE_CODENAMES.items()}
    for codename, path in direct.union(via_group, all=True):
        found[by_codename[codename]].add(path)
    result = {action: _collapse(paths) for action, paths in found.items()}
    user._access_region_paths = result
    return result


def holders(action: str, paths) -> QuerySet[User]:
    """Return the active users who hold ``action`` on any region whose path is in ``paths``,
    granted to them directly or through a group (for "who is told": not the subtree rule,
    so pass the ancestor paths of a region to find the offices over it)."""
    codename = SCOPE_CODENAMES[action]
    paths = list(paths)
    direct = RegionUserObjectPermission.objects.filter(
        permission__codename=codename, content_object__path__in=paths
    ).values("user_id")
    groups = RegionGroupObjectPermission.objects.filter(
        permission__codename=codename, content_object__path__in=paths
    ).values("group_id")
    via_group = User.groups.through.objects.filter(group_id__in=groups).values("user_id")
    return User.objects.filter(Q(pk__in=direct) | Q(pk__in=via_group), is_active=True)


def region_paths(user, action: str = VIEW) -> tuple[str, ...]:
    """Return the paths of the subtrees in which ``user`` may take ``action``."""
    if not _is_active(user):
        return ()
    return _all_region_paths(user)[action]


def forget(user) -> None:
    """Drop what this user object cached about its grants (after a grant changes)."""
    user.__dict__.pop("_access_region_paths", None)


def _is_active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def subtree_q(paths: tuple[str, ...], field: str | None) -> Q:
    """Return a condition selecting rows owned by any region under ``paths``."""
    if field is None:
        return functools.reduce(operator.or_, (Q(path__startswith=p) for p in paths))
    regions = Region.objects.filter(
        functools.reduce(operator.or_, (Q(path__startswith=p) for p in paths))
    ).values("pk")
    return Q(**{f"{field}__in": regions})


# --- per-object grants ---------------------------------------------------------------


def _object_codename(model: type[models.Model], action: str) -> str:
    verb = {VIEW: "view", MANAGE: "change", APPROVE: "approve"}[action]
    return f"{verb}_{model._meta.model_name}"


def _granted_ids(user: User, model: type[models.Model], action: str) -> QuerySet:
    codename = _object_codename(model, action)
    user_model = get_user_obj_perms_model(model)
    group_model = get_group_obj_perms_model(model)
    direct = user_model.objects.filter(user_id=user.pk, permission__codename=codename).values(
        "content_object_id"
    )
    via_group = group_model.objects.filter(
        group__user=user.pk, permission__codename=codename
    ).values("content_object_id")
    return direct.union(via_group)


def grant_object(user: User, action: str, obj: models.Model) -> None:
    """Give ``user`` the right to take ``action`` on this one object."""
    assign_perm(_object_codename(type(obj), action), user, obj)


def revoke_object(user: User, action: str, obj: models.Model) -> None:
    remove_perm(_object_codename(type(obj), action), user, obj)


# --- the questions -------------------------------------------------------------------


def visible(user, queryset: QuerySet, action: str = VIEW) -> QuerySet:
    """Return the rows of ``queryset`` on which ``user`` may take ``action``."""
    if not _is_active(user):
        return queryset.none()
    if user.is_superuser:
        return queryset
    rule = rule_for(queryset.model)
    conditions: list[Q] = []
    paths = region_paths(user, action)
    if paths:
        conditions.append(subtree_q(paths, rule.region_field))
    if rule.participant is not None:
        taking_part = rule.participant(user, action)
        if taking_part is not None:
            conditions.append(taking_part)
    if rule.object_grants:
        conditions.append(Q(pk__in=_granted_ids(user, queryset.model, action)))
    if not conditions:
        return queryset.none()
    return queryset.filter(functools.reduce(operator.or_, conditions))


def _region_path_of(obj: models.Model, rule: ScopeRule) -> str | None:
    if rule.region_field is None:
        return obj.path
    region = obj
    for name in rule.region_field.split("__"):
        region = getattr(region, name, None)
    return region.path if region is not None else None


def can(user, action: str, obj: models.Model) -> bool:
    """Return True when ``user`` may take ``action`` on ``obj``."""
    if not _is_active(user):
        return False
    if user.is_superuser:
        return True
    rule = rule_for(type(obj))
    path = _region_path_of(obj, rule)
    if path and any(path.startswith(root) for root in region_paths(user, action)):
        return True
    if rule.participant is None and not rule.object_grants:
        return False
    manager = type(obj)._default_manager
    return visible(user, manager.filter(pk=obj.pk), action).exists()


def can_by_region(user, action: str, obj: models.Model) -> bool:
    """Return True when a region grant (not participation) lets ``user`` take ``action``.

    Office acts such as locking a deputy's reception need the office's own right."""
    if not _is_active(user):
        return False
    if user.is_superuser:
        return True
    path = _region_path_of(obj, rule_for(type(obj)))
    return bool(path) and any(path.startswith(root) for root in region_paths(user, action))


def may_see_personal_data(user, obj: models.Model, owner_user_id: int | None = None) -> bool:
    """Return True when ``user`` needs a citizen's name and phone on ``obj``: the office that
    manages its region, or the person who recorded it (``owner_user_id``). Everybody else who
    may see the object sees them masked."""
    if not _is_active(user):
        return False
    if owner_user_id is not None and owner_user_id == user.pk:
        return True
    return can_by_region(user, MANAGE, obj)


def mask_phone(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 8 else ("****" if phone else "")


def mask_name(name: str) -> str:
    return f"{name[:1]}**" if name else ""


def may_list(user, model: type[models.Model], action: str = VIEW) -> bool:
    """Return True when ``user`` may possibly see some rows of ``model`` (for menus)."""
    if not _is_active(user):
        return False
    if user.is_superuser or region_paths(user, action):
        return True
    rule = rule_for(model)
    if rule.participant is not None and rule.participant(user, action) is not None:
        return True
    if rule.object_grants:
        return _granted_ids(user, model, action).exists()
    return False


def require(user, action: str, obj: models.Model) -> None:
    """Raise ``Http404`` when ``obj`` is outside the scope, ``PermissionDenied`` when the
    user sees it but may not take ``action``."""
    if not can(user, VIEW, obj):
        raise Http404(_("No such object."))
    if action != VIEW and not can(user, action, obj):
        raise PermissionDenied(_("You do not have permission to do this."))


def get_object_or_404(user, queryset: QuerySet, action: str = VIEW, **lookup) -> models.Model:
    """Return the object matching ``lookup`` that ``user`` sees, or raise ``Http404``."""
    try:
        obj = visible(user, queryset, VIEW).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such object.")) from None
    if action != VIEW:
        require(user, action, obj)
    return obj


def is_office(user, action: str = VIEW) -> bool:
    """Return True when ``user`` is congress office staff somewhere: a superuser, or a region
    grant for ``action``. Office pages and office actions ask this, not ``is_staff``."""
    if not _is_active(user):
        return False
    return user.is_superuser or bool(region_paths(user, action))


def region_to_manage(user, region_id, field: str = "region") -> Region:
    """Return the region ``region_id`` when ``user`` is office staff of it (or above);
    otherwise a field error, the same whether it does not exist or lies outside."""
    from portal.errors import DomainError

    region = Region.objects.filter(pk=region_id).first() if region_id else None
    if region is None or not can_by_region(user, MANAGE, region):
        raise DomainError(_("Choose a region of your jurisdiction."), field=field)
    return region


def require_office(user, action: str = MANAGE) -> None:
    """Refuse (403) anyone who is not congress office staff with ``action`` somewhere."""
    if not is_office(user, action):
        raise PermissionDenied(_("Only congress office staff may do this."))


def can_use_admin(user) -> bool:
    """Return True when ``user`` may open the staff admin at all."""
    return _is_active(user) and user.is_staff


def may_edit_calendar(user) -> bool:
    """Return True when ``user`` may enter and correct holidays and make-up workdays.

    The calendar is one table for every region (the State Council's notice holds for the
    whole country), so a county or township office does not change it for everybody: the
    office of a whole city does (a manage grant on a city: its staff and leaders), and
    superusers. Every office may read it."""
    if not _is_active(user):
        return False
    if user.is_superuser:
        return True
    return any(_path_level(path) == Region.Level.CITY for path in region_paths(user, MANAGE))


def _path_level(path: str) -> int:
    """Return the level of the region at ``path`` ("/33/" is a city, "/33/3302/" below it)."""
    return path.strip("/").count("/") + 1


# --- roles ---------------------------------------------------------------------------


def grant_role(user: User, region: Region, role: str) -> None:
    """Give ``user`` the permissions of ``role`` over ``region`` and its subtree."""
    for action in ROLE_ACTIONS[role]:
        assign_perm(f"portal.{SCOPE_CODENAMES[action]}", user, region)
    forget(user)


def revoke_role(user: User, region: Region) -> None:
    """Remove every region permission ``user`` holds directly on ``region``."""
    RegionUserObjectPermission.objects.filter(
        user=user, content_object=region, permission__codename__in=SCOPE_CODENAMES.values()
    ).delete()
    forget(user)


def roles_of(user: User) -> list[tuple[Region, str]]:
    """Return the (region, role) pairs held directly by ``user``, strongest role per region."""
    rows = RegionUserObjectPermission.objects.filter(
        user=user, permission__codename__in=SCOPE_CODENAMES.values()
    ).select_related("content_object", "permission")
    held: dict[int, tuple[Region, set[str]]] = {}
    for row in rows:
        region, actions = held.setdefault(row.content_object_id, (row.content_object, set()))
        actions.update(a for a, c in SCOPE_CODENAMES.items() if c == row.permission.codename)
    result = []
    for region, actions in held.values():
        role = next(
            (r for r in (Role.LEADER, Role.STAFF, Role.VIEWER) if set(ROLE_ACTIONS[r]) <= actions),
            None,
        )
        if role is not None:
            result.append((region, role))
    return sorted(result, key=lambda pair: pair[0].path)


def scope_permission(action: str) -> Permission:
    return Permission.objects.get(
        content_type__app_label="portal", codename=SCOPE_CODENAMES[action]
    )


# --- rules of the portal's own models ------------------------------------------------


def _home_region(user: User, action: str) -> Q | None:
    return Q(pk=user.region_id) if action == VIEW and user.region_id else None


def _own_department(user: User, action: str) -> Q | None:
    return Q(pk=user.department_id) if action == VIEW and user.department_id else None


def _self(user: User, action: str) -> Q | None:
    return Q(pk=user.pk) if action == VIEW else None


register(Region, ScopeRule(region_field=None, participant=_home_region))
register(Department, ScopeRule(participant=_own_department, object_grants=True))
register(User, ScopeRule(participant=_self))
register(Event, ScopeRule())

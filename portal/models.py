"""The shared core: regions (the tenants), departments, users, audit events.

Every tenant-owned row elsewhere in the portal has a ``region`` foreign key. Regions carry a
materialized ``path`` so that "everything under X" is one indexed prefix filter.
"""

from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from portal import vocabulary

CODE_LENGTH = 12


class Region(models.Model):
    """An administrative region: city > district/county > township/street > village."""

    class Level(models.IntegerChoices):
        CITY = 1, _("City")
        COUNTY = 2, _("District/county")
        TOWNSHIP = 3, _("Township/street")
        VILLAGE = 4, _("Village/community")

    code = models.CharField(
        _("division code"),
        max_length=CODE_LENGTH,
        unique=True,
        help_text=_("The 12-digit statistical division code."),
    )
    name = models.CharField(_("name"), max_length=64)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent region"),
        on_delete=models.PROTECT,
        related_name="children",
        null=True,
        blank=True,
    )
    # "/<code>/<code>/.../" from the root down to this region; a prefix filter on it selects
    # a whole subtree through one index (varchar_pattern_ops on PostgreSQL).
    path = models.CharField(_("path"), max_length=255, unique=True, editable=False)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["path"]
        default_permissions = ("view",)
        permissions = [
            ("view_scope", _("View everything in the region and below")),
            ("manage_scope", _("Handle business in the region and below")),
            ("approve_scope", _("Approve decisions in the region and below")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(level=1, parent__isnull=True) | Q(level__gt=1, parent__isnull=False),
                name="region_root_is_city",
            ),
            models.CheckConstraint(
                condition=Q(code__regex=r"^[0-9]{12}$"), name="region_code_12_digits"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def build_path(code: str, parent: "Region | None") -> str:
        """Return the materialized path of a region with this code under ``parent``."""
        return f"{parent.path if parent else '/'}{code}/"

    @staticmethod
    def ancestor_paths_of(path: str) -> list[str]:
        """Return the paths of the region at ``path`` and of every region above it, root
        first: "everything above X" is then one ``path__in`` filter."""
        parts = path.strip("/").split("/")
        return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]

    @property
    def ancestor_paths(self) -> list[str]:
        return Region.ancestor_paths_of(self.path)

    def is_within(self, other: "Region") -> bool:
        """Return True when this region is ``other`` or lies below it."""
        return self.path.startswith(other.path)


class Department(models.Model):
    """A handling unit (承办单位) of a region: 一府一委两院 and township governments."""

    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("Government department")
        TOWNSHIP_GOVERNMENT = "township_government", _("Township government")
        SUPERVISORY_COMMISSION = "supervisory_commission", _("Supervisory commission")
        COURT = "court", _("People's court")
        PROCURATORATE = "procuratorate", _("People's procuratorate")
        OTHER = "other", _("Other unit")

    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="departments"
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("handling unit")
        verbose_name_plural = _("handling units")
        ordering = ["region__path", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="department_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def units_for(region: Region):
        """Return the active handling units of ``region`` and of every region above it (a
        county matter goes up to a county department), nearest first."""
        return (
            Department.objects.filter(region__path__in=region.ancestor_paths, is_active=True)
            .select_related("region")
            .order_by("-region__level", "name")
        )


class User(AbstractUser):
    """An account: congress office staff, a deputy or a handling unit's handler."""

    class Kind(models.TextChoices):
        STAFF = "staff", _("Congress office staff")
        DEPUTY = "deputy", _("Deputy")
        HANDLER = "handler", _("Handling unit handler")

    full_name = models.CharField(_("full name"), max_length=64, blank=True)
    phone = models.CharField(_("mobile phone"), max_length=32, blank=True)
    kind = models.CharField(_("user kind"), max_length=16, choices=Kind.choices, default=Kind.STAFF)
    region = models.ForeignKey(
        Region,
        verbose_name=_("home region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("handling unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handlers",
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="handler") | Q(department__isnull=False),
                name="user_handler_has_department",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


# Region grants are object permissions on Region rows, kept in direct foreign-key tables
# (not guardian's generic table) so that scoping is a join on integers.
class RegionUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Region, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("region grant (user)")
        verbose_name_plural = _("region grants (users)")

    def __str__(self) -> str:
        # guardian's own names the permission by its code (manage_scope)
        return f"{self.content_object} · {self.user} · {gettext(self.permission.name)}"


def handlers_of(department_ids):
    """Return the active handlers (accounts) of the given handling units, in a fixed order:
    whom a unit's notifications and reminders go to."""
    return User.objects.filter(department_id__in=list(department_ids), is_active=True).order_by(
        "pk"
    )


class RegionGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Region, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("region grant (group)")
        verbose_name_plural = _("region grants (groups)")


class DepartmentUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Department, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("handling unit grant (user)")
        verbose_name_plural = _("handling unit grants (users)")


class DepartmentGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Department, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("handling unit grant (group)")
        verbose_name_plural = _("handling unit grants (groups)")


class Event(models.Model):
    """An append-only audit record of one state change, written by ``portal.events.record``.

    The database refuses UPDATE and DELETE on this table (a trigger on PostgreSQL); no
    interface offers to change or delete an event.
    """

    created_at = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(
        User,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for the system (scheduled tasks, imports)."),
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The region the object belongs to; empty only for portal-wide objects."),
    )
    target_type = models.ForeignKey(
        ContentType, verbose_name=_("object type"), on_delete=models.PROTECT, related_name="+"
    )
    target_id = models.PositiveBigIntegerField(_("object id"))
    target_repr = models.CharField(_("object"), max_length=200)
    action = models.CharField(_("action"), max_length=64)
    from_state = models.CharField(_("from state"), max_length=32, blank=True)
    to_state = models.CharField(_("to state"), max_length=32, blank=True)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-id"]
        default_permissions = ("view",)
        indexes = [
            models.Index(fields=["target_type", "target_id", "id"], name="event_target_idx"),
            models.Index(fields=["region", "id"], name="event_region_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.target_repr} · {vocabulary.action_label(self.action)}"


class CalendarYear(models.Model):
    """A year whose statutory holidays and make-up workdays are known."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(_("source"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """A day that breaks the weekday rule: a holiday on a weekday or a make-up workday."""

    date = models.DateField(_("date"), unique=True)
    is_working = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("holiday or make-up workday")
        verbose_name_plural = _("holidays and make-up workdays")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.name}"


# Notifications and reminders, and what a user keeps of a staff list, live in their own
# modules; their models are part of this app.
from portal.activation_models import AccountActivation  # noqa: E402, F401
from portal.figuremodels import FigureRun, FigureValue  # noqa: E402, F401
from portal.lexicon_models import ProblemPhrase  # noqa: E402, F401
from portal.notification_models import (  # noqa: E402, F401
    Notification,
    NotificationPreference,
    Reminder,
    ReminderRule,
)
from portal.tablemodels import ExportJob, SavedView, TablePreference  # noqa: E402, F401

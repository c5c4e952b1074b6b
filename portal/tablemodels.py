"""What a staff member keeps of a list (``portal.tables``): the columns they chose, the views
they saved, and their long exports running in the background."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TablePreference(models.Model):
    """The columns one user shows on one staff list, in order."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    table = models.CharField(_("list"), max_length=40)
    columns = models.JSONField(_("columns"), default=list)
    page_size = models.PositiveSmallIntegerField(_("rows per page"), null=True, blank=True)

    class Meta:
        verbose_name = _("list preference")
        verbose_name_plural = _("list preferences")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["user", "table"], name="tablepreference_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.table}"


class SavedView(models.Model):
    """A filter of a staff list saved under a name by one user (我的视图)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    table = models.CharField(_("list"), max_length=40)
    name = models.CharField(_("name"), max_length=40)
    query = models.CharField(_("filter"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        default_permissions = ()
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "table", "name"], name="savedview_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class ExportJob(models.Model):
    """A long export (台账) written by a Celery worker while its owner watches the progress."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    table = models.CharField(_("list"), max_length=40)
    query = models.CharField(_("filter"), max_length=2000, blank=True)
    columns = models.JSONField(_("columns"), default=list)
    filename = models.CharField(_("file name"), max_length=200)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField(_("rows"), default=0)
    done = models.PositiveIntegerField(_("rows written"), default=0)
    path = models.CharField(max_length=300, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        default_permissions = ()
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.filename

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        return min(99, int(100 * self.done / self.total)) if self.total else 0

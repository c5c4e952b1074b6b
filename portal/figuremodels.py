"""The precomputed figures of the dashboards (``portal.figures``): one row per measure,
region, month and breakdown, rewritten whole by each run, and a record of the runs."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FigureValue(models.Model):
    """The value of one measure for one region (and everything under it) and one month, in
    total (``dimension`` empty) or for one bucket of a breakdown (a handling unit, a
    category, a station, a weekday, a stage)."""

    measure = models.CharField(_("measure"), max_length=64)
    region = models.ForeignKey(
        "portal.Region", verbose_name=_("region"), on_delete=models.CASCADE, related_name="+"
    )
    month = models.DateField(_("month"))
    dimension = models.CharField(_("breakdown"), max_length=16, blank=True, default="")
    bucket = models.CharField(_("bucket"), max_length=64, blank=True, default="")
    value = models.BigIntegerField(_("value"))
    computed_at = models.DateTimeField(_("computed"))

    class Meta:
        verbose_name = _("figure value")
        verbose_name_plural = _("figure values")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "region", "month", "dimension", "bucket"],
                name="figurevalue_unique",
            ),
        ]
        indexes = [
            models.Index(
                fields=["region", "dimension", "measure", "month"], name="figurevalue_read_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.region_id} {self.month} {self.dimension}:{self.bucket}"


class FigureRun(models.Model):
    """When one source's figures of one month were last computed, how many rows it wrote and
    how long it took. A run that stopped part way is resumed month by month."""

    source = models.CharField(_("source"), max_length=32)
    month = models.DateField(_("month"))
    computed_at = models.DateTimeField(_("computed"))
    rows = models.PositiveIntegerField(_("rows"), default=0)
    seconds = models.FloatField(_("seconds"), default=0)

    class Meta:
        verbose_name = _("figure run")
        verbose_name_plural = _("figure runs")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["source", "month"], name="figurerun_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.month}"

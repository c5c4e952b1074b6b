"""Implementation and evaluation of adopted projects: milestones, the responsible
department's progress reports with photos, deputies' supervision visits and the year-end
evaluation (测评打分)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import Region
from voting.models.selection import Candidate


class Milestone(models.Model):
    """A step of an adopted project, with its progress (0–100 %)."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(Candidate, verbose_name=_("project"), on_delete=models.CASCADE,
                                related_name="milestones")  # fmt: skip
    title = models.CharField(_("title"), max_length=100)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=1, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MaxValueValidator(100)]
    )

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["project", "due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="voting_milestone_progress_range"
            ),
            models.CheckConstraint(condition=Q(weight__gte=1), name="voting_milestone_weight"),
        ]

    def __str__(self) -> str:
        return self.title


class ProgressReport(models.Model):
    """A report of the responsible department on an adopted project, with photos."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(Candidate, verbose_name=_("project"), on_delete=models.CASCADE,
                                related_name="reports")  # fmt: skip
    milestone = models.ForeignKey(
        Milestone, verbose_name=_("milestone"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="reports",
    )  # fmt: skip
    progress = models.PositiveSmallIntegerField(
        _("milestone progress reported (%)"), null=True, blank=True,
        validators=[MaxValueValidator(100)],
    )  # fmt: skip
    text = models.TextField(_("report"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"),
                               on_delete=models.PROTECT, related_name="+")  # fmt: skip
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        ordering = ["project", "-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.project} · {self.created_at:%Y-%m-%d}"


class ReportPhoto(models.Model):
    """A photo of a progress report, re-encoded on upload (no location data kept)."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to="voting/%Y/%m/")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("report photo")
        verbose_name_plural = _("report photos")

    def __str__(self) -> str:
        return self.image.name


class SupervisionVisit(models.Model):
    """Deputies' visit to an adopted project (监督视察)."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(Candidate, verbose_name=_("project"), on_delete=models.CASCADE,
                                related_name="visits")  # fmt: skip
    date = models.DateField(_("date"))
    deputies = models.ManyToManyField(
        "stations.Representative", verbose_name=_("deputies"), related_name="+"
    )
    findings = models.TextField(_("findings"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                    on_delete=models.PROTECT, related_name="+")  # fmt: skip

    class Meta:
        verbose_name = _("supervision visit")
        verbose_name_plural = _("supervision visits")
        ordering = ["project", "-date", "-id"]

    def __str__(self) -> str:
        return f"{self.project} · {self.date}"


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY = "basically", _("Basically satisfied")
    UNSATISFIED = "unsatisfied", _("Unsatisfied")


class Evaluation(models.Model):
    """A deputy's year-end evaluation of an adopted project (测评打分): a rating or a score."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(Candidate, verbose_name=_("project"), on_delete=models.CASCADE,
                                related_name="evaluations")  # fmt: skip
    representative = models.ForeignKey(
        "stations.Representative", verbose_name=_("deputy"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    rating = models.CharField(_("rating"), max_length=16, choices=Rating.choices, blank=True)
    score = models.PositiveSmallIntegerField(
        _("score"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "representative"], name="voting_evaluation_once"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__lte=100), name="voting_score_range"
            ),
            models.CheckConstraint(
                condition=~Q(rating="") | Q(score__isnull=False), name="voting_rating_or_score"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.representative}"

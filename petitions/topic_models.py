"""Stored concentrated issues: each issue's problem and places, and the groups they form.

``IssueTopic`` is one row per issue (written when the issue arrives, ``topic_store.match``):
what the grouping read of it and the group it is in. ``TopicGroup`` is a group; staff confirm,
split, merge and move issues out (``topic_store``), and those decisions stay: a confirmed
group's members are *pinned* and later grouping never moves them, an issue moved out never
returns to that group. Phrases staff add to the lexicon of civic problems
are ``portal.lexicon_models.ProblemPhrase``.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import Region


class TopicGroup(models.Model):
    county = models.ForeignKey(
        Region, verbose_name=_("county"), on_delete=models.PROTECT, related_name="+"
    )
    problem = models.CharField(_("problem"), max_length=64, blank=True)
    label = models.CharField(_("label"), max_length=120)
    title = models.CharField(_("title"), max_length=100, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("confirmed by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("concentrated issue")
        verbose_name_plural = _("concentrated issues")

    def __str__(self) -> str:
        return self.label

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None


class IssueTopic(models.Model):
    petition = models.OneToOneField(
        "petitions.Petition", on_delete=models.CASCADE, primary_key=True, related_name="topic_link"
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    county = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField()
    problem = models.CharField(max_length=64, blank=True)
    family = models.CharField(max_length=64, blank=True)
    places = models.JSONField(default=list)
    group = models.ForeignKey(
        TopicGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    pinned = models.BooleanField(default=False)  # placed by staff: grouping leaves it
    kept_out_of = models.ForeignKey(
        TopicGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lexicon_version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("grouping of an issue")
        verbose_name_plural = _("groupings of issues")
        indexes = [
            models.Index(fields=["county", "family", "submitted_at"], name="issuetopic_match"),
            models.Index(fields=["group", "submitted_at"], name="issuetopic_group"),
            models.Index(fields=["county", "submitted_at"], name="issuetopic_window"),
            # the page: a county's grouped issues of a period, without the issues table
            models.Index(
                fields=["county", "submitted_at"],
                name="issuetopic_grouped",
                include=["group", "region"],
                condition=models.Q(group__isnull=False),
            ),  # fmt: skip
        ]

    def __str__(self) -> str:
        return f"{self.petition_id}: {self.problem or '-'}"

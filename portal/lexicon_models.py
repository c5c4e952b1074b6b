"""Phrases staff add to the lexicon of civic problems (``portal.lexicon``) in the admin, or
that merging two concentrated issues suggests: approved phrases count at once for the
grouping of concentrated issues and for the keyword search."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ProblemPhrase(models.Model):
    """A way people name a problem, added to the lexicon by staff."""

    concept = models.CharField(
        _("concept"), max_length=64,
        help_text=_("A concept of the lexicon (路灯, 欠薪…), or a new one."),
    )  # fmt: skip
    parent = models.CharField(
        _("broader concept"), max_length=64, blank=True,
        help_text=_("For a new concept only: the concept it belongs under, if any."),
    )  # fmt: skip
    phrase = models.CharField(_("phrase"), max_length=32)
    approved = models.BooleanField(
        _("approved"), default=True,
        help_text=_("Only approved phrases are used. Phrases suggested by merging groups wait for approval."),
    )  # fmt: skip
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("added by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(_("added at"), default=timezone.now)
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("problem phrase")
        verbose_name_plural = _("lexicon of civic problems")
        constraints = [
            models.UniqueConstraint(fields=["concept", "phrase"], name="problem_phrase_once"),
        ]

    def __str__(self) -> str:
        return f"{self.concept}: {self.phrase}"

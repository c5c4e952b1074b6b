"""A new account's activation: a one-time code sent by SMS, with which its owner sets a
password (``portal.activation``)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountActivation(models.Model):
    """One code sent to an account's phone. Only a keyed hash of the code is stored; a newer
    code voids the older ones; a code is spent by its use, its expiry or too many misses."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.CASCADE,
        related_name="activations",
    )  # fmt: skip
    phone = models.CharField(_("mobile phone"), max_length=32, db_index=True)
    code_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    misses = models.PositiveSmallIntegerField(_("wrong attempts"), default=0)
    spent_at = models.DateTimeField(_("spent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("account activation code")
        verbose_name_plural = _("account activation codes")
        indexes = [models.Index(fields=["phone", "spent_at"], name="activation_open_idx")]

    def __str__(self) -> str:
        return f"{self.user} · {self.created_at:%Y-%m-%d %H:%M}"

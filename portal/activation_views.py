"""The page on which a deputy or a handler activates the account the office opened: the
mobile phone, the code from the SMS, and a new password twice; and a new code on request.
Limited per client address and per phone like the API (``portal.activation``)."""

from __future__ import annotations

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal import activation, ratelimit
from portal.errors import DomainError


class ActivateForm(forms.Form):
    phone = forms.CharField(label=gettext_lazy("Mobile phone"), max_length=32)
    code = forms.CharField(label=gettext_lazy("Code from the SMS"), max_length=12, required=False)
    password1 = forms.CharField(
        label=gettext_lazy("New password"), max_length=128, required=False, strip=False,
        widget=forms.PasswordInput(render_value=False),
    )  # fmt: skip
    password2 = forms.CharField(
        label=gettext_lazy("New password again"), max_length=128, required=False, strip=False,
        widget=forms.PasswordInput(render_value=False),
    )  # fmt: skip

    def clean_phone(self):
        try:
            return activation.mobile(self.cleaned_data["phone"])
        except DomainError as error:
            raise forms.ValidationError(error.message) from None

    def clean_activation(self):
        """The code and the passwords, needed to activate (not to ask for a new code)."""
        data = self.cleaned_data
        if not data.get("code"):
            self.add_error("code", _("Enter the code from the SMS."))
        if not data.get("password1"):
            self.add_error("password1", _("Enter a new password."))
        elif data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return not self.errors


def activate(request):
    form = ActivateForm(request.POST or None)
    context = {"form": form}
    if request.method == "POST":
        ip = ratelimit.client_ip(request)
        if not ratelimit.hit("activate", ip):
            context["problem"] = _("Too many attempts. Please try again later.")
            return render(request, "registration/activate.html", context, status=429)
        if form.is_valid():
            phone = form.cleaned_data["phone"]
            if "resend" in request.POST:  # limited per phone a day, silently
                activation.resend(phone)
                context["sent"] = activation.SENT
                return render(request, "registration/activate.html", context)
            if not ratelimit.hit("activate_phone", phone):
                context["problem"] = _("Too many attempts for this phone. Please try again later.")
                return render(request, "registration/activate.html", context, status=429)
            if form.clean_activation():
                try:
                    user = activation.activate(
                        phone=phone, code=form.cleaned_data["code"],
                        password=form.cleaned_data["password1"],
                    )  # fmt: skip
                except DomainError as error:
                    target = {"password": "password1"}.get(error.field, error.field)
                    form.add_error(target if target in form.fields else None, error.message)
                else:
                    return render(request, "registration/activate_done.html", {"account": user})
        return render(request, "registration/activate.html", context, status=400)
    return render(request, "registration/activate.html", context)

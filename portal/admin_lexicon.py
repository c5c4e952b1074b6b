"""The lexicon of civic problems in the admin: phrases staff add, and those merges suggest.

The shipped lexicon (``portal/data/problem_lexicon.txt``) is reviewed like code; here staff
add the words people of their county use (咕噜灯 for a flickering light). An approved phrase
counts within a minute for the concentrated issues (the next periodic re-check reads the
issues again) and for the keyword search.
"""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal import lexicon
from portal.lexicon_models import ProblemPhrase


class ProblemPhraseForm(forms.ModelForm):
    class Meta:
        model = ProblemPhrase
        fields = ["concept", "parent", "phrase", "approved", "note"]

    def clean_phrase(self):
        phrase = self.cleaned_data["phrase"].strip()
        if len(phrase) < 2:
            raise forms.ValidationError(
                _("A phrase has at least two characters: one character matches too much.")
            )
        if any(ch.isspace() or ch in ":<#" for ch in phrase):
            raise forms.ValidationError(_("A phrase has no spaces and none of the signs : < #."))
        return phrase

    def clean_concept(self):
        concept = self.cleaned_data["concept"].strip()
        if any(ch.isspace() or ch in ":<#" for ch in concept):
            raise forms.ValidationError(
                _("A concept's name has no spaces and none of the signs : < #.")
            )
        return concept

    def clean(self):
        cleaned = super().clean()
        parent = (cleaned.get("parent") or "").strip()
        known = lexicon.shipped()
        concept = cleaned.get("concept")
        if parent and concept in known:
            self.add_error("parent", _("The concept is already in the lexicon: leave this empty."))
        elif parent and parent not in known:
            self.add_error("parent", _("No such concept in the lexicon."))
        cleaned["parent"] = parent
        return cleaned


@admin.register(ProblemPhrase)
class ProblemPhraseAdmin(admin.ModelAdmin):
    form = ProblemPhraseForm
    list_display = ["concept", "phrase", "approved", "note", "created_by", "created_at"]
    list_filter = ["approved"]
    search_fields = ["concept", "phrase"]
    actions = ["approve"]
    readonly_fields = ["created_by", "created_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        lexicon.forget()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        lexicon.forget()

    @admin.action(description=_("Approve the selected phrases"))
    def approve(self, request, queryset):
        count = 0
        for phrase in queryset.filter(approved=False):
            phrase.approved = True
            phrase.save(update_fields=["approved", "changed_at"])
            count += 1
        lexicon.forget()
        self.message_user(
            request,
            ngettext("%(n)d phrase approved.", "%(n)d phrases approved.", count) % {"n": count},
            messages.SUCCESS,
        )

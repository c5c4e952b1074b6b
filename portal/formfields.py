"""Form fields of the citizens' forms.

A browser cuts a text at its ``maxlength`` attribute without a word: a pasted description of
6,000 characters arrives as 5,000. ``TypedTextField`` therefore renders no ``maxlength``;
the limit is checked on the server, where a refusal is a message beside the text still
there, and a page's script (``petitions/counter.js``) shows the count while typing.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

TOO_LONG = _(
    "This text has %(show_value)d characters, more than the %(limit_value)d allowed. "
    "Shorten it: what you typed is kept here."
)


class TypedTextField(forms.CharField):
    """A text a person types, limited on the server only. With ``counter=True`` the widget
    carries what the live counter needs: the limit and its words."""

    default_error_messages = {"max_length": TOO_LONG}

    def __init__(self, *, counter: bool = False, **kwargs):
        self.counter = counter
        super().__init__(**kwargs)

    def to_python(self, value):
        # A browser sends a textarea's line breaks as CRLF but counts them as one character:
        # count, and keep, them as the person saw them.
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n")

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        if self.counter and self.max_length is not None:
            attrs["data-max-chars"] = str(self.max_length)
            attrs["data-counter-text"] = _("Typed {count} / {limit} characters")
            attrs["data-counter-over"] = _(
                "Typed {count} / {limit} characters: {over} too many, shorten the text"
            )
        return attrs

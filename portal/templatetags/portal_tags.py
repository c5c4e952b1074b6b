from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()


@register.simple_tag
def url_if_exists(name: str, *args) -> str:
    """Return the URL named ``name``, or an empty string while that page is not built."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@register.filter
def action_label(code: str) -> str:
    """Return the label of an audit event action (``portal.vocabulary``)."""
    from portal import vocabulary

    return vocabulary.action_label(code)


@register.filter
def kind_label(code: str) -> str:
    """Return the label of a notification kind (``portal.vocabulary``)."""
    from portal import vocabulary

    return vocabulary.kind_label(code)


@register.filter
def filter_errors(filterset):
    """Return (label, messages) of a filter set's errors, labelled for people."""
    from portal.filters import labelled_errors

    return labelled_errors(filterset).items()


@register.filter
def cell(value) -> str:
    """A table cell as a person reads it: Chinese dates, 是/否, “—” for nothing."""
    import datetime

    from django.utils.translation import gettext as _

    from portal.tables.core import cn_date

    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.date):
        return cn_date(value)
    return str(value)


@register.simple_tag
def querystring_without(query: str, *names: str) -> str:
    """Return the URL query ``query`` without the parameters ``names``."""
    from django.http import QueryDict

    params = QueryDict(query, mutable=True)
    for name in names:
        params.pop(name, None)
    return params.urlencode()

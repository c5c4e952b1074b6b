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

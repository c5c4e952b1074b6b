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

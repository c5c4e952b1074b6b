from django.conf import settings
from django.utils.translation import gettext as _


def site(request):
    return {"site_name": settings.PORTAL_SITE_NAME or _("Deputy work portal")}


def staff(request):
    """The side menu and the user's jurisdiction, computed only when a page shows them."""
    from django.utils.functional import SimpleLazyObject

    from portal import nav

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "staff_menu": SimpleLazyObject(lambda: nav.menu(request)),
        "staff_who": SimpleLazyObject(lambda: nav.who(user)),
    }

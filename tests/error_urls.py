"""The portal's URLs plus views that fail, for the error pages' tests (unit and browser)."""

from django.core.exceptions import PermissionDenied
from django.urls import include, path
from django.utils.translation import gettext as _


def boom(request):
    raise RuntimeError("a bug, for the 500 page")


def forbidden(request):
    raise PermissionDenied(_("Only congress office staff see this page."))


urlpatterns = [
    path("test-errors/boom/", boom),
    path("test-errors/forbidden/", forbidden),
    path("", include("portal.urls")),
]

handler400 = "portal.errorpages.bad_request"
handler403 = "portal.errorpages.permission_denied"
handler404 = "portal.errorpages.page_not_found"
handler500 = "portal.errorpages.server_error"

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from petitions import api as petitions_api
from portal import (
    accounts,
    accounts_api,
    activation_views,
    api,
    dashboard_views,
    errorpages,
    inbox,
    search_page,
    statistics_api,
    users_api,
    views,
)
from stations import api as stations_api
from supervision import api as supervision_api
from supervision.suggestions import api as suggestions_api
from voting import api as voting_api

router = DefaultRouter()
router.register("regions", api.RegionViewSet, basename="region")
router.register("departments", api.DepartmentViewSet, basename="department")
router.register("events", api.EventViewSet, basename="event")
router.register("statistics", statistics_api.StatisticViewSet, basename="statistic")
router.register("users", users_api.UserViewSet, basename="user")
router.register("representatives", stations_api.RepresentativeViewSet, basename="representative")
router.register("stations", stations_api.StationViewSet, basename="station")
router.register("shifts", stations_api.ShiftViewSet, basename="shift")
router.register("receptions", stations_api.ReceptionViewSet, basename="reception")
router.register("matters", stations_api.MatterViewSet, basename="matter")
router.register("households", stations_api.HouseholdViewSet, basename="household")
router.register("contact-visits", stations_api.ContactVisitViewSet, basename="contact-visit")
router.register("activities", stations_api.ActivityViewSet, basename="activity")
router.register("petitions", petitions_api.PetitionViewSet, basename="petition")
for app_api in (supervision_api, suggestions_api, voting_api):
    app_api.register(router)

api_patterns = [
    path("auth/token/", api.TokenView.as_view(), name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("me/", users_api.MeView.as_view(), name="api-me"),
    path("accounts/activate/", accounts_api.ActivateView.as_view(), name="api-activate"),
    path(
        "accounts/activation-code/",
        accounts_api.ActivationCodeView.as_view(),
        name="api-activation-code",
    ),
    path("", include(router.urls)),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("desk/", views.desk, name="desk"),
    path("desk/inbox/", inbox.inbox, name="inbox"),
    path("desk/inbox/<int:pk>/", inbox.inbox_open, name="inbox_open"),
    path("desk/inbox/read-all/", inbox.inbox_read_all, name="inbox_read_all"),
    path("desk/inbox/settings/", inbox.inbox_preferences, name="inbox_preferences"),
    path("desk/search/", search_page.search_page, name="desk_search"),
    path("desk/dashboard/", dashboard_views.page, name="dashboard"),
    path("desk/dashboard/export/", dashboard_views.export, name="dashboard_export"),
    path("desk/dashboard/recompute/", dashboard_views.recompute, name="dashboard_recompute"),
    path("desk/", include("portal.desk_urls")),
    path("desk/", include("stations.desk_urls")),
    path("desk/", include("petitions.desk_urls")),
    path("desk/", include("supervision.desk_urls")),
    path("desk/", include("supervision.suggestions.desk_urls")),
    path("desk/", include("voting.desk_urls")),
    path("stations/", include("stations.urls")),
    path("petitions/", include("petitions.urls")),
    path("supervision/", include("supervision.urls")),
    path("voting/", include("voting.urls")),
    path("accounts/login/", accounts.LoginView.as_view(), name="login"),
    path("accounts/password/reset/", accounts.password_reset, name="password_reset"),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        accounts.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/done/",
        accounts.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("accounts/activate/", activation_views.activate, name="account_activate"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("favicon.ico", errorpages.favicon),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("admin/login/", accounts.admin_login),
    path("admin/password_reset/", accounts.password_reset, name="admin_password_reset"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_patterns)),
    path("open311/v2/", include("open311.urls")),
]

# Error pages in Chinese, in the product's look (portal/errorpages.py).
handler400 = "portal.errorpages.bad_request"
handler403 = "portal.errorpages.permission_denied"
handler404 = "portal.errorpages.page_not_found"
handler500 = "portal.errorpages.server_error"

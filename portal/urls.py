from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from portal import api, views

router = DefaultRouter()
router.register("regions", api.RegionViewSet, basename="region")
router.register("departments", api.DepartmentViewSet, basename="department")
router.register("events", api.EventViewSet, basename="event")

api_patterns = [
    path("auth/token/", api.TokenView.as_view(), name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include(router.urls)),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("desk/", views.desk, name="desk"),
    path("desk/", include("stations.desk_urls")),
    path("stations/", include("stations.urls")),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("admin/login/", views.admin_login),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_patterns)),
]

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path

from hamsu.api import errors as api_errors
from hamsu.api.urls import api
from hamsu.core import views as core_views
from hamsu.core import views_two_factor

urlpatterns = [
    path("", include("hamsu.web.urls")),
    path("login/", views_two_factor.PasswordThenCodeLoginView.as_view(), name="login"),
    path("login/code/", views_two_factor.login_code, name="login_code"),
    path("account/two-factor/", views_two_factor.two_factor_settings, name="two_factor"),
    path("account/two-factor/recovery-codes/", views_two_factor.recovery_codes_new, name="two_factor_codes"),
    path("account/two-factor/off/", views_two_factor.two_factor_off, name="two_factor_off"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("glossary/", core_views.glossary_page, name="glossary"),
    path("settings/tokens/", include("hamsu.api.token_urls")),
    path("settings/", include("hamsu.core.urls")),
    path("crm/", include("hamsu.crm.urls")),
    path("people/", include("hamsu.directory.urls")),
    path("funnel/", include("hamsu.funnel.urls")),
    path("campaigns/", include("hamsu.campaigns.urls")),
    path("scorecard/", include("hamsu.scorecard.urls")),
    path("alignment/", include("hamsu.alignment.urls")),
    path("together/", include("hamsu.collaboration.urls")),
    path("data/", include("hamsu.dataio.urls")),
    path("api/v1/", api.urls),
    re_path(r"^api/(?P<path>[\s\S]*)$", api_errors.unknown_path),
    path("admin/", admin.site.urls),
]

# The 404 and 403 pages are the templates 404.html and 403.html in the layout (Django's
# own views render them with the request); the 500 page must not depend on the request.
handler500 = "hamsu.web.views.server_error"

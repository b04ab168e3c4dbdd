from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from articles.sitemaps import SITEMAPS
from comments import views as comments
from operations import views as operations
from pages.sitemaps import PageSitemap

handler500 = "operations.outage.server_error"

urlpatterns = [
    path("healthz", operations.healthz, name="healthz"),
    path("i18n/setlang/", set_language, name="set_language"),
    # The captcha's image at the library's own address and name (so that its widget and its
    # refresh answer point here), in a smaller PNG; the library's other views as they are.
    re_path(r"^captcha/image/(?P<key>\w+)/$", comments.captcha_image, name="captcha-image"),
    path("captcha/", include("captcha.urls")),
    # Before the admin's own URLs, whose last pattern takes every address under its prefix.
    path(f"{settings.ADMIN_URL}desk/", include("desk.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
    # Every page readers can reach: the articles' (with the sections and the front page), and
    # the site's own pages.
    path("sitemap.xml", sitemap, {"sitemaps": {**SITEMAPS, "pages": PageSitemap}}, name="sitemap"),
    path("", include("articles.seo_urls")),
]

# Reader pages: French at the root, English under /en/.
urlpatterns += i18n_patterns(
    path(_("comments/"), include("comments.urls")),
    path(_("support/"), include("donations.urls")),
    path("", include("pages.urls")),
    path("", include("articles.urls")),
    prefix_default_language=False,
)

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from operations import views as operations

handler500 = "operations.outage.server_error"

urlpatterns = [
    path("healthz", operations.healthz, name="healthz"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("captcha/", include("captcha.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
    path("", include("articles.seo_urls")),
]

if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(
            r"^{}(?P<path>.*)$".format(settings.MEDIA_URL.lstrip("/")),
            operations.serve_media,
            name="media",
        ),
    ]

# Reader pages: French at the root, English under /en/.
urlpatterns += i18n_patterns(
    path(_("comments/"), include("comments.urls")),
    path(_("support/"), include("donations.urls")),
    path("", include("articles.urls")),
    prefix_default_language=False,
)

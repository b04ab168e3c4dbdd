"""The project's admin site: Django's, with the article editor's words in its translations, and
pages titled in whole sentences (desk.titles)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.views.i18n import JavaScriptCatalog

from desk.titles import TitledAdmin


class NewsroomAdminSite(admin.AdminSite):
    site_header = _("Newsroom administration")
    site_title = _("Newsroom")
    index_title = _("Newsroom")

    # django-prose-editor labels its dialogs (link, figure, list type…) through the page's
    # gettext(), which the admin fills from its own catalogue only: journalists writing in
    # French got them in English. The newsroom's own editor extensions (static/articles/editor/)
    # need no package here: Django always adds the project's catalogues (LOCALE_PATHS,
    # locale/*/LC_MESSAGES/djangojs.po), last, so that their words win.
    javascript_catalog_packages = ["django.contrib.admin", "django_prose_editor"]

    def register(self, model_or_iterable, admin_class=None, **options):
        # Every ModelAdmin, third-party ones included, titles its pages through desk.titles:
        # Django's "Add %s" cannot be agreed with the model's name in French.
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, TitledAdmin):
            admin_class = type(
                admin_class.__name__,
                (TitledAdmin, admin_class),
                {"__module__": admin_class.__module__, "__doc__": admin_class.__doc__},
            )
        super().register(model_or_iterable, admin_class, **options)

    def i18n_javascript(self, request, extra_context=None):
        return JavaScriptCatalog.as_view(packages=self.javascript_catalog_packages)(request)

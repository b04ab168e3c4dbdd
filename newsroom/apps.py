from django.contrib.admin import apps as admin_apps


class NewsroomAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with the project's site as `admin.site`."""

    default_site = "newsroom.admin_site.NewsroomAdminSite"

from django.contrib import admin
from django.urls import path

from . import views

app_name = "desk"

# Under the admin's address, for staff only (the admin site's own check and CSRF protection).
urlpatterns = [
    path("autosave/", admin.site.admin_view(views.autosave), name="autosave"),
    path(
        "autosave/<int:pk>/discard/",
        admin.site.admin_view(views.discard),
        name="discard",
    ),
]

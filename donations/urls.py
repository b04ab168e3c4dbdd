from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "donations"

urlpatterns = [
    path("", views.SupportView.as_view(), name="support"),
    path(_("<int:pk>/give/"), views.click, name="click"),
]

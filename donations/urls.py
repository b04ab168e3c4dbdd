from django.urls import path

from . import views

app_name = "donations"

urlpatterns = [
    path("", views.SupportView.as_view(), name="support"),
]

"""Deployment checks (`check --deploy`) for what only a test or a benchmark may turn on."""

from django.apps import apps
from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def check_no_test_switch(app_configs, **kwargs):
    errors = []
    if getattr(settings, "CAPTCHA_TEST_MODE", False):
        errors.append(
            Error(
                'CAPTCHA_TEST_MODE is on: every comment\'s captcha accepts "PASSED".',
                hint="Only newsroom.settings.bench sets it; run production with "
                "newsroom.settings.base.",
                id="operations.E001",
            )
        )
    if apps.is_installed("bench"):
        errors.append(
            Error(
                "The benchmark's app is installed, with its floor endpoint.",
                hint="Only newsroom.settings.bench installs it; run production with "
                "newsroom.settings.base.",
                id="operations.E002",
            )
        )
    return errors


@register(Tags.security, deploy=True)
def check_hsts_preload_covers_subdomains(app_configs, **kwargs):
    if settings.SECURE_HSTS_PRELOAD and not settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
        return [
            Error(
                "SECURE_HSTS_PRELOAD is on without SECURE_HSTS_INCLUDE_SUBDOMAINS: browsers' "
                "preload list refuses a site whose HSTS does not cover its subdomains.",
                hint="Set SECURE_HSTS_INCLUDE_SUBDOMAINS=true, or leave preloading off.",
                id="operations.E003",
            )
        ]
    return []

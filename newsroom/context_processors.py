from django.conf import settings


def site(request):
    """The newsroom's identity, shown in the shell of every page."""
    return {
        "site_name": settings.NEWSROOM_NAME,
        "site_tagline": settings.NEWSROOM_TAGLINE,
        "contact_email": settings.NEWSROOM_CONTACT_EMAIL,
    }

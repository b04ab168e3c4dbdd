"""French formats: Django's, with the narrow no-break space that French typography (and CLDR)
puts between thousands ("1 234 vues"), where Django uses a full-width no-break space."""

from django.conf.locale.fr.formats import *  # noqa: F403

THOUSAND_SEPARATOR = "\u202f"

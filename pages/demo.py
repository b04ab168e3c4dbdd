"""Demo content for the site's pages: what L'Écho du Val says of itself, and what French law
requires a publisher to say (the "mentions légales"), both in the footer."""

from .models import Page

PAGES = [
    {
        "slug": "a-propos",
        "title": "À propos",
        "order": 1,
        "body": (
            "<p>L'Écho du Val est un journal local indépendant : trois journalistes couvrent le "
            "conseil municipal, la rivière, les marchés et les associations de la vallée.</p>"
            "<h2>Nous écrire</h2><p>Une information, une correction : écrivez à la rédaction, "
            "nous lisons tout.</p>"
        ),
    },
    {
        "slug": "mentions-legales",
        "title": "Mentions légales",
        "order": 2,
        "body": (
            "<h2>Éditeur</h2><p>L'Écho du Val, association loi de 1901, 12 place de la Mairie, "
            "00000 Val-sur-Rivière.</p><h2>Directrice de la publication</h2>"
            "<p>Claire Mercier.</p><h2>Hébergement</h2><p>Hébergeur Exemple, 1 rue du Serveur, "
            "00000 Ville.</p>"
        ),
    },
]


def build(*, accounts, stdout):
    """The two pages, looked up by slug: a second run changes nothing."""
    for fields in PAGES:
        page, created = Page.objects.get_or_create(
            slug=fields["slug"],
            defaults={
                **fields,
                "is_published": True,
                "show_in_footer": True,
                "updated_by": accounts.get("editor"),
            },
        )
        if created:
            stdout.write(f"Page: {page.title}")

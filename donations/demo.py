"""Demo content for the donations app: the end-of-article appeal of L'Écho du Val."""

from decimal import Decimal

from .models import DonationPrompt

PROMPT_NAME = "Appel permanent de fin d'article"

MESSAGE = (
    "Soutenez L'Écho du Val à partir de seulement {minimum} : cela prend une minute, et c'est "
    "ce qui nous permet de rester libres. Merci.\n"
    "Chaque don, même petit, paie des heures d'enquête au conseil municipal, au bord de la "
    "rivière et sur les marchés de la vallée, sans publicité ni actionnaire."
)


def build(*, accounts, stdout):
    """One active prompt for every section; looked up by name, so a second run changes nothing."""
    prompt, created = DonationPrompt.objects.get_or_create(
        name=PROMPT_NAME,
        defaults={
            "heading": "Soutien",
            "message": MESSAGE,
            "minimum_amount": Decimal("5"),
            "currency": "EUR",
            "suggested_amounts": "5, 10, 20",
            "button_label": "Je soutiens L'Écho du Val",
            "destination_url": "https://dons.example.org/echo-du-val",
            "amount_parameter": "montant",
            "is_active": True,
            "weight": 1,
            "created_by": accounts.get("editor"),
        },
    )
    if created:
        stdout.write(f"Donation prompt: {prompt.name}")

"""Money as readers of each language expect to read it, formatted by Babel from CLDR data."""

from decimal import Decimal

from babel import Locale, UnknownLocaleError
from babel.numbers import format_currency
from django.utils.translation import get_language, to_locale

# The country whose money each currency is: a French reader sees Canadian dollars as "5 $"
# (fr_CA) and US dollars as "5 $US" (fr), an English reader sees "$5" for US dollars.
CURRENCY_TERRITORIES = {"USD": "US", "CAD": "CA", "CHF": "CH", "GBP": "GB"}


def _locale_for(language, currency):
    base = Locale.parse(to_locale(language or "fr"))
    territory = CURRENCY_TERRITORIES.get(currency)
    if territory:
        try:
            return Locale(base.language, territory)
        except UnknownLocaleError:
            pass
    return Locale(base.language)


def format_amount(amount, currency, *, language=None):
    """'5 €' in French, '€5' in English; cents only when the amount has some ('7,50 €')."""
    amount = Decimal(amount)
    locale = _locale_for(language or get_language(), currency)
    pattern = locale.currency_formats["standard"].pattern
    if amount == amount.to_integral_value():
        # Whole amounts read better without ",00": drop the pattern's fraction digits.
        pattern = pattern.replace(".00", "")
        amount = amount.to_integral_value()
    return format_currency(amount, currency, format=pattern, locale=locale, currency_digits=False)


def amount_parameter_value(amount):
    """The amount as a payment page expects it in a query string: '10', '7.50'."""
    amount = Decimal(amount)
    if amount == amount.to_integral_value():
        return str(amount.to_integral_value())
    return f"{amount:.2f}"

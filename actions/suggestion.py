"""A likely country from what the channel knows about the person, offered for them to confirm, never assumed.

A browser's time zone or a phone number's country says where a person probably is, not where they are (people
travel, and Europe/Berlin covers Büsingen): the bot only offers it as a one-tap answer to "which country?".
CLDR (through Babel) maps time zones to countries; the Twilio channel sends the phone number's country.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from babel import Locale
from babel.core import get_global

_ZONE_COUNTRY: Mapping[str, str] = get_global("zone_territories")
_ZONE_ALIASES: Mapping[str, str] = get_global("zone_aliases")  # "Europe/Kiev" -> "Europe/Kyiv"
_COUNTRIES = frozenset(code for code in Locale("en").territories if len(code) == 2 and code.isalpha() and code != "ZZ")


def suggested_country(metadata: Mapping[str, Any]) -> str | None:
    """The ISO 3166 code the channel's metadata points to (`phone_country`, then `timezone`), or None."""
    phone_country = metadata.get("phone_country")
    if isinstance(phone_country, str) and phone_country.upper() in _COUNTRIES:
        return phone_country.upper()
    zone = metadata.get("timezone")
    if not isinstance(zone, str):
        return None
    country = _ZONE_COUNTRY.get(_ZONE_ALIASES.get(zone, zone))
    return country if country in _COUNTRIES else None

"""Country resolution: names in every language (CLDR), short forms and adjectives, misspellings, cities."""

import pytest

from actions.countries import PlaceKind, country_name, guess_region


@pytest.mark.parametrize(
    ("text", "country", "kind"),
    [
        ("Germany", "DE", PlaceKind.COUNTRY),
        ("the Netherlands", "NL", PlaceKind.ALIAS),
        ("Deutschland", "DE", PlaceKind.COUNTRY),
        ("Tyskland", "DE", PlaceKind.COUNTRY),
        ("Allemagne", "DE", PlaceKind.COUNTRY),
        ("Niemcy", "DE", PlaceKind.COUNTRY),
        ("Německo", "DE", PlaceKind.COUNTRY),
        ("Österreich", "AT", PlaceKind.COUNTRY),
        ("osterreich", "AT", PlaceKind.COUNTRY),
        ("UK", "GB", PlaceKind.ALIAS),
        ("USA", "US", PlaceKind.ALIAS),
        ("the States", "US", PlaceKind.ALIAS),
        ("Holland", "NL", PlaceKind.ALIAS),
        ("German", "DE", PlaceKind.ALIAS),
        ("Swiss", "CH", PlaceKind.ALIAS),
        ("germny", "DE", PlaceKind.MISSPELLING),
        ("Swizerland", "CH", PlaceKind.MISSPELLING),
        ("Itlay", "IT", PlaceKind.MISSPELLING),
        ("Belguim", "BE", PlaceKind.MISSPELLING),
        ("Lyon", "FR", PlaceKind.CITY),
        ("lyon", "FR", PlaceKind.CITY),
        ("München", "DE", PlaceKind.CITY),
        ("Munich", "DE", PlaceKind.CITY),
        ("Wien", "AT", PlaceKind.CITY),
        ("Praha", "CZ", PlaceKind.CITY),
        ("Warszawa", "PL", PlaceKind.CITY),
        ("Kraków", "PL", PlaceKind.CITY),
        ("krakow", "PL", PlaceKind.CITY),
        ("Lisboa", "PT", PlaceKind.CITY),
        ("København", "DK", PlaceKind.CITY),
        ("Gothenburg", "SE", PlaceKind.CITY),
        ("Göteborg", "SE", PlaceKind.CITY),
        ("Bergen", "NO", PlaceKind.CITY),  # also in the Netherlands and Belgium: the largest wins
        ("Saint-Étienne", "FR", PlaceKind.CITY),
        ("saint etienne", "FR", PlaceKind.CITY),
        ("Texas", "US", PlaceKind.REGION),
        ("Toronto", "CA", PlaceKind.CITY),
        ("Helsinki", "FI", PlaceKind.CITY),
        ("Tokyo", "JP", PlaceKind.CITY),
    ],
)
def test_resolve(countries, text, country, kind):
    place = countries.resolve(text)
    assert place is not None, text
    assert (place.country, place.kind) == (country, kind)


@pytest.mark.parametrize(
    ("text", "country"),
    [
        # Provinces, regions and cantons of listed countries (ISO 3166-2 and its translations, from pycountry),
        # before towns of the same name elsewhere and before the words inside them ("British" is no UK here).
        ("British Columbia", "CA"),
        ("Colombie-Britannique", "CA"),
        ("Ontario", "CA"),  # not the Californian town
        ("Madeira", "PT"),  # not the Brazilian one
        ("Corse", "FR"),
        ("Korsyka", "FR"),
        ("Ticino", "CH"),
        ("Tessin", "CH"),
        ("Bayern", "DE"),
        ("Bavaria", "DE"),
        ("Tirol", "AT"),
        ("Noord-Ierland", "GB"),
        ("Irlandia Północna", "GB"),
        ("Sicilia", "IT"),
        ("Catalunya", "ES"),
        ("Cataluña", "ES"),
        # CLDR's own territories inside Spain
        ("Canarias", "ES"),
        ("Canary Islands", "ES"),
        # Northern Ireland where ISO 3166-2 has no translation (data/vocabulary.yaml); not Ireland's "Irlande"
        ("Irlande du Nord", "GB"),
        ("Irlanda del Nord", "GB"),
        ("Severní Irsko", "GB"),
        ("Nord-Irland", "GB"),
        ("w Niderlandach", "NL"),
        # A large city of a listed country keeps its name: Münster is not Ireland's Munster
        ("Münster", "DE"),
        # A country's own name stays the country's, though ISO 3166-2 lists it under another
        ("Aruba", "AW"),
        ("Curaçao", "CW"),
        ("Luxembourg", "LU"),
    ],
)
def test_regions_of_listed_countries(countries, text, country):
    place = countries.resolve(text)
    assert place is not None and place.country == country, (text, place)


def test_a_region_is_found_like_a_us_state(countries):
    assert countries.find("I live in British Columbia").country == "CA"
    assert countries.find("bor i Tirol").country == "AT"
    assert countries.find("bor i tirol") is None  # lower case only where a place is expected
    assert countries.resolve("tirol").country == "AT"


@pytest.mark.parametrize(
    ("message", "country"),
    [
        ("Welche Marken von Ladestationen unterstützt ihr?", None),  # brands, not Italy's Marche
        ("la mise en marche de ma borne ne fonctionne pas", None),
        ("ladekabelen ligger på marken og laderen virker ikke", None),  # the ground
        ("Jeg er sjåfør og bor i hovedstaden, Oslo", "NO"),  # the capital, not Denmark's Hovedstaden
        ("Mieszkam w Nowej Zelandii", None),  # no declined Zelandia (Sjælland): Denmark it is not
        ("Mieszkam w Irlandii Północnej", "GB"),
    ],
)
def test_region_names_that_are_everyday_words_are_no_places_in_a_message(countries, message, country):
    place = countries.find(message)
    assert (place.country if place else None) == country, (message, place)


@pytest.mark.parametrize("text", ["víkendu", "hallå", "halla"])
def test_regions_are_not_matched_by_stem(countries, text):
    place = countries.resolve(text, strict=True)
    assert place is None or place.kind is not PlaceKind.REGION, place


@pytest.mark.parametrize(("text", "country"), [("Bonaire", None), ("Guyane", None), ("Guadeloupe", "GP")])
def test_parts_with_their_own_numbering_plan_are_not_the_listed_country(countries, text, country):
    place = countries.resolve(text)
    assert place is None or place.country not in ("NL", "FR"), place
    if country:
        assert place.country == country


@pytest.mark.parametrize("text", ["", "   ", "ok", "13", "hello", "I am a driver", "help us", "🙂🙂", "<b>x</b>"])
def test_nothing_that_is_not_a_place(countries, text):
    assert countries.resolve(text) is None


@pytest.mark.parametrize(
    ("message", "country"),
    [
        ("my charging session won't start, I'm in Lyon", "FR"),
        ("I own stations in Sweden, who do I call?", "SE"),
        ("I'm a driver in Germany and my session won't start", "DE"),
        ("we have chargers in the UK", "GB"),
        ("which number for the USA", "US"),
        ("Best regards, from Munich", "DE"),  # "Best" is a Dutch town, but not at the start of a sentence
        ("I live in New York", "US"),  # "New York" is one name, matched as a phrase before "York"
        ("New York", "US"),  # also opening the message: its second capital says it is a name
        ("New York, my card is blocked", "US"),
    ],
)
def test_find_in_a_message(countries, message, country):
    place = countries.find(message)
    assert place is not None and place.country == country


@pytest.mark.parametrize(
    "message", ["help us please", "Nice to meet you", "my session won't start", "I'm fleet manager", "ok"]
)
def test_find_ignores_words_that_only_look_like_places(countries, message):
    assert countries.find(message) is None


def test_lowercase_cities_are_found_only_when_the_bot_asked_where_or_after_a_preposition(countries):
    assert countries.find("bergen is nice") is None
    assert countries.find("bergen is nice", cities_anywhere=True).country == "NO"
    assert countries.find("im in bergen").country == "NO"
    assert countries.find("jeg bor i kolding").country == "DK"
    assert countries.find("la borne à rennes ne marche pas").country == "FR"


@pytest.mark.parametrize(
    "message",
    [
        "have a nice day",  # Italian "a" is not taken for a preposition: it is the English article
        "I can talk to someone",  # English "I" is no Nordic "i" (Caen is "Can" in some languages)
        "chatter jeg med en maskine",  # "en" is a Nordic article
        "ma Home Flex clignote en rouge",  # and French "en" comes before other words (Rouge, Canada)
        "w jakim jezyku jest infolinia",  # "jakim" (which) is no declined Yakima
        "jeg bor i et lille hus",  # too small to be meant: a town of a few thousand
    ],
)
def test_words_after_prepositions_that_are_no_places(countries, message):
    assert countries.find(message) is None


def test_declined_names_count_after_polish_and_czech_prepositions(countries):
    assert countries.find("mam Home Flex w Gdyni").country == "PL"
    assert countries.find("bydlim v portugalsku").country == "PT"
    assert countries.find("kunnen we verder gaan") is None  # "we" is Dutch and English too (not Verden)


@pytest.mark.parametrize(
    ("message", "country"),
    [
        ("mieszkam na slowacji", "SK"),
        ("bydlim na Slovensku", "SK"),
        ("jestem na ukrainie", "UA"),
        ("Jak zavolat chargepoint z kanady", "CA"),  # any country's name, listed or not
        ("na cisle do Nemecka", "DE"),
        ("Mieszkam w danii", "DK"),  # a stem of four letters: "dani" of "Dania"
        ("W Danii", "DK"),  # the preposition in capitals
    ],
)
def test_declined_country_names_count_after_more_prepositions(countries, message, country):
    assert countries.find(message).country == country


@pytest.mark.parametrize(
    "message",
    [
        "czy moge porozmawiac na operatora",  # a word, not a declined name
        "jsem z liberce",  # Liberec's form, not Liberia's: a listed country's town shares the stem
        "jeg ringer na",  # nothing after it
        "spreken ze engels op die lijn",  # "ze" is Dutch for "they"
        "ktera linka ma podporu v polstine",  # in Polish: a declined language, not Poland ("Polsko")
    ],
)
def test_after_those_prepositions_only_country_names_count(countries, message):
    assert countries.find(message) is None


def test_exact_names_and_listed_towns(countries):
    assert countries.exact("Monaco di Baviera").country == "DE"
    assert countries.exact("république tchèque").country == "CZ"
    assert countries.exact("Germny") is None  # no guessing
    assert countries.listed_town("hradec kralove").country == "CZ"
    assert countries.listed_town("tokyo") is None  # not a listed country's
    assert countries.listed_town("Germany") is None  # not a town


def test_country_names_are_localised():
    assert country_name("DE", "en") == "Germany"
    assert country_name("DE", "nb") == "Tyskland"
    assert country_name("DE", "fr") == "Allemagne"


def test_region_guess_for_countries_not_in_the_directory():
    assert guess_region("FI") == "europe"
    # GeoNames's continent where CLDR's zones are not all in Europe/ (Atlantic/Reykjavik, Asia/Nicosia) or missing
    assert [guess_region(code) for code in ("IS", "CY", "FO", "XK")] == ["europe"] * 4
    assert guess_region("TR") == "europe"  # Europe/Istanbul
    assert guess_region("JP") is None
    assert guess_region("MA") is None
    assert guess_region(None) is None


def test_a_word_much_shorter_than_a_name_is_no_misspelling_of_it(countries) -> None:
    assert countries.resolve("svensk") is None  # 80 % like "slovensko" (Slovakia), but three letters short
    assert countries.resolve("Slovenskp").country == "SK"  # a real misspelling, one letter off


@pytest.mark.parametrize(
    ("message", "marked"),
    [
        ("jeg bor i kolding", {"kolding": "served_city"}),  # lower case: the tagger decides from context
        ("mam Home Flexa w Gdyni", {"Gdyni": "inflected"}),  # Gdynia, declined
        ("bydlim v portugalsku", {"portugalsku": "inflected"}),
        ("I'm in New York", {"New": "served_city", "York": "served_city"}),  # one name of two words
        ("we are in Buenos Aires", {"Buenos": "city", "Aires": "city"}),  # a country the page does not list
        ("Ich bin in Deutschland", {"Deutschland": "country"}),
        ("calling from the UK", {"UK": "country"}),
    ],
)
def test_name_kinds_mark_every_word_of_a_place_name(countries, message, marked) -> None:
    tokens = message.replace("'", " ").split()
    kinds = dict(zip(tokens, countries.name_kinds(tokens), strict=True))
    for token, kind in marked.items():
        assert kind in kinds[token], (token, kinds[token])
    for token in set(tokens) - set(marked):
        assert not kinds[token] & {"country", "inflected"}, (token, kinds[token])


def test_name_kinds_of_no_tokens_is_empty(countries) -> None:
    assert countries.name_kinds([]) == []

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


def test_lowercase_cities_are_found_after_in_or_when_the_bot_asked_where(countries):
    assert countries.find("bergen sentrum") is None
    assert countries.find("bergen sentrum", cities_anywhere=True).country == "NO"
    assert countries.find("im in bergen").country == "NO"


@pytest.mark.parametrize(
    ("message", "country"),
    [
        ("busdepot i kolding mangler ladere", "DK"),
        ("I'm in köln", "DE"),
        ("nuestros cargadores están en córdoba", "ES"),
        ("operador en amberes, a quién puedo llamar?", "BE"),
        ("somos revendedores em viseu", "PT"),
        ("wir betreiben ladesaeulen in muenchen", "DE"),
        ("Jestem instalatorem w Gdańsku", "PL"),  # declined: "Gdańsk"
        ("spravce flotily v Jihlave", "CZ"),  # declined, without its accent: "Jihlava"
        ("jsem v Zenevě, jake cislo?", "CH"),
        ("kierowca tutaj, podwojna oplata w paryzu", "FR"),  # declined and in lower case, after a Polish "w"
        ("jake je cislo ve spanelsku", "ES"),
        ("nummer für mailand bitte", "IT"),
        ("sono a lecce e il cavo non si sblocca", "IT"),  # the Italian "a"
        ("addebito doppio a parigi", "FR"),
    ],
)
def test_a_city_after_a_word_like_in_is_found_however_it_is_written(countries, message, country):
    place = countries.find(message)
    assert place is not None, message
    assert place.country == country


@pytest.mark.parametrize(
    "message",
    [
        "I manage the chargers at our office",  # "I" is not the Nordic "i"; Manage is a town in Belgium
        "have a nice day",  # Nice, France, after the English article
        "I have a fleet of vans",  # Fleet, England
        "the charger disconnects from time to time",  # Time, Norway
        "we have a mobile charger",  # Mobile, Alabama
        "estan abiertos en este momento?",  # Este, Italy
        "ma Home Flex clignote en rouge",
        "mina kunder kan inte ladda vid mina stationer",
        "hvem vant kampen i går",  # too short: "i det", "i går" are not places
        "z kim rozmawiam?",
        "kann mich nicht in der app einloggen",
    ],
)
def test_everyday_words_after_in_are_not_places(countries, message):
    assert countries.find(message) is None


def test_two_capitalised_words_at_the_start_are_a_name(countries):
    assert countries.find("New York").country == "US"  # not York, England
    assert countries.find("New York, my session fails").country == "US"
    assert countries.find("Nice to meet you") is None


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("svensk", "SE"),  # was Slovakia ("slovensko") as a misspelling
        ("jeg er dansker", "DK"),
        ("Jeg er norsk", "NO"),
        ("jag är svensk", "SE"),
        ("soy espanol", "ES"),
        ("empresa española busca puntos de carga", "ES"),
        ("je suis francais", "FR"),
        ("sono italiano", "IT"),
        ("Ich bin Deutscher", "DE"),
        ("jsem Čech", "CZ"),
        ("jestem Polakiem", "PL"),
    ],
)
def test_what_people_call_themselves_names_their_country(countries, text, country):
    place = countries.find(text)
    assert place is not None, text
    assert place.country == country


def test_an_adjective_is_no_misspelt_country(countries):
    assert countries.resolve("olandese") is None  # Italian for Dutch (the language), not "Nederlandse"


def test_every_country_with_a_city_of_that_name(countries):
    assert countries.has_city("Athens", "GR") and countries.has_city("Athens", "US")
    assert not countries.has_city("Maastricht", "BE")


def test_a_misspelling_is_about_as_long_as_the_name(countries):
    from actions.countries import CountryResolver, _CountryName

    resolver = CountryResolver({"slovensko": _CountryName("SK"), "germany": _CountryName("DE")}, {}, {})
    assert resolver.resolve("svensk") is None  # 80 % "slovensko", but three letters short
    assert resolver.resolve("germny").country == "DE"


def test_country_names_are_localised():
    assert country_name("DE", "en") == "Germany"
    assert country_name("DE", "nb") == "Tyskland"
    assert country_name("DE", "fr") == "Allemagne"


def test_region_guess_for_countries_not_in_the_directory():
    assert guess_region("FI") == "europe"
    assert guess_region("JP") is None
    assert guess_region(None) is None

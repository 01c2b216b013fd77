"""Role resolution from the vocabulary."""

import pytest

from actions.directory import Audience


@pytest.mark.parametrize(
    ("text", "audience"),
    [
        ("I'm a driver", Audience.DRIVER),
        ("EV driver here", Audience.DRIVER),
        ("my Home Flex won't charge", Audience.DRIVER),
        ("problem with my ChargePoint account", Audience.DRIVER),
        ("I own stations in Sweden", Audience.BUSINESS),
        ("installer", Audience.BUSINESS),
        ("I'm installing a charger for a client", Audience.BUSINESS),
        ("we're a site host", Audience.BUSINESS),
        ("fleet manager", Audience.BUSINESS),
        ("I'd like to talk to sales", Audience.BUSINESS),
        ("partner", Audience.BUSINESS),
        ("be.ENERGISED customer", Audience.BE_ENERGISED),
        ("be energised", Audience.BE_ENERGISED),
        ("ViriCiti dashboard is empty", Audience.VIRICITI),
        ("ChargePoint Telematics", Audience.VIRICITI),
        ("former ViriCiti customer, my station is down", Audience.VIRICITI),  # a group wins over business
        ("business", Audience.BUSINESS),  # the role buttons' payload values
        ("be_energised", Audience.BE_ENERGISED),
        ("soy administrador de fincas y quiero cargadores para la comunidad", Audience.BUSINESS),
        ("administradora de comunidades, queremos cargadores", Audience.BUSINESS),
        ("Ich bin Hausverwalter und suche Ladesäulen", Audience.BUSINESS),
        ("chci mluvit s nekym z obchodniho oddeleni", Audience.BUSINESS),  # declined: "obchodní oddělení"
        ("ge mig nån från säljavdelningen", Audience.BUSINESS),
        ("anfitrión en Copenhague, una toma está muerta", Audience.BUSINESS),  # a site host
        ("sou anfitriao em Faro", Audience.BUSINESS),
        ("gospodarz w Kopenhadze, jedno gniazdo nie dziala", Audience.BUSINESS),
        ("Siamo rivenditori in lussemburgo", Audience.BUSINESS),
        ("I want to buy chargers", Audience.BUSINESS),
        ("Ich besitze eine Ladestation", Audience.BUSINESS),
    ],
)
def test_find(roles, text, audience):
    assert roles.find(text) is audience


@pytest.mark.parametrize(
    "text",
    [
        "hello",
        "",
        "Germany",
        "who do I call?",
        "my station is offline, drivers can't charge",
        "hvad er bitcoin værd nu",  # Danish "worth", not the Swedish "värd" (host)
        "where can I buy a charger cable",  # buying chargers is sales; one charger's cable is not
        "can't buy anything, the charger is broken",
    ],
)
def test_no_role_or_an_ambiguous_one(roles, text):
    assert roles.find(text) is None

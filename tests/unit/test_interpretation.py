"""What a message says about country and role, combining NLU output with the resolvers."""

from actions.directory import Audience
from actions.interpretation import required_slots, understand


def test_entities_first():
    found = understand("in Bergen", entities=[{"entity": "location", "value": "Bergen"}])
    assert found.country == "NO"


def test_text_when_the_nlu_found_no_entity():
    found = understand("I own stations in Sweden, who do I call?", intent="request_contact")
    assert (found.country, found.role) == ("SE", Audience.BUSINESS)


def test_the_role_of_a_problem_is_a_guess():
    found = understand("it won't start", intent="driver_issue")
    assert (found.role, found.role_is_guess) == (Audience.DRIVER, True)
    found = understand("I'm an installer", intent="driver_issue")
    assert (found.role, found.role_is_guess) == (Audience.BUSINESS, False)


def test_a_misspelt_answer_to_the_country_question():
    assert understand("germny", asked_slot="country").country == "DE"
    assert understand("germny").country is None


def test_one_word_that_informs_may_be_a_place_unasked():
    assert understand("Norwya", intent="inform").country == "NO"  # misspelt
    assert understand("Tokyo", intent="inform").country == "JP"  # a city alone, written as a name
    assert understand("tokyo", intent="inform").country is None  # only when asked: "split" is a word too
    assert understand("Norwya", intent="driver_issue").country is None  # only a message that informs
    assert understand("Fahrer", intent="inform").country is None  # a role, not "Färöer" misspelt
    assert understand("hradec kralove", intent="inform").country == "CZ"  # a listed town of several words
    assert understand("bad request", intent="inform").country is None  # several words name a place exactly or not


def test_a_message_the_nlu_could_not_place_may_be_a_misspelt_country():
    assert understand("suise", intent="nlu_fallback").country == "CH"
    assert understand("danamrk", intent="nlu_fallback").country == "DK"
    assert understand("hilfe", intent="nlu_fallback").country is None  # 80 % "chile": not close enough here
    assert understand("spatne", intent="nlu_fallback").country is None  # Czech "badly", 83 % "spanje"


def test_a_place_cut_short_by_the_nlu_is_read_whole():
    entity = {"entity": "location", "value": "Monaco", "start": 7, "end": 13}
    assert understand("sono a Monaco di Baviera", [entity], "inform").country == "DE"
    assert understand("sono a Monaco", [entity], "inform").country == "MC"
    entity = {"entity": "location", "value": "république", "start": 0, "end": 10}
    assert understand("république tchèque", [entity], "inform").country == "CZ"


def test_small_talk_is_not_an_answer():
    assert understand("okay", intent="affirm", asked_slot="country").country is None


def test_required_slots(directory):
    assert required_slots(None, None, directory) == ["role", "country"]
    assert required_slots("be_energised", None, directory) == ["role"]
    assert required_slots("viriciti", "DE", directory) == ["role"]
    assert required_slots(None, "JP", directory) == ["country"]
    assert required_slots("driver", "DE", directory) == ["role", "country"]


def test_a_language_name_is_a_place_unless_the_message_is_about_languages():
    german = [{"entity": "language", "value": "German", "start": 4, "end": 10}]
    assert understand("I'm German and my card fails", german, intent="driver_issue").country == "DE"
    assert (
        understand("in German please", [{**german[0], "start": 3, "end": 9}], intent="switch_language").country is None
    )


def test_a_language_named_in_a_request_is_the_language_of_the_line_wanted():
    from actions.interpretation import requested_line_language, requested_reply_language

    french = [{"entity": "language", "value": "French"}]
    assert requested_line_language("which number is for French?", french, "ask_line_language") == "fr"
    assert requested_line_language("which number is for French?", french, "request_contact") == "fr"
    assert requested_line_language("welche Nummer ist für Französisch?", [], "ask_line_language") == "fr"
    assert requested_line_language("in French please", french, "switch_language") is None
    assert requested_reply_language("in French please", french, "switch_language") == "fr"
    assert requested_reply_language("which number is for French?", french, "ask_line_language") is None


def test_of_several_places_tagged_the_one_in_a_served_country_wins():
    entities = [{"entity": "location", "value": "Naše"}, {"entity": "location", "value": "Plzni"}]
    assert understand("Naše nabíjecí stanice v Plzni je od včerejška offline", entities).country == "CZ"


def test_a_language_tagged_as_a_place_still_names_the_line_wanted():
    from actions.interpretation import requested_line_language

    olandese = [{"entity": "location", "value": "olandese"}]
    assert requested_line_language("e qual è il numero per l'olandese?", olandese, "request_contact") == "nl"
    francuskiego = [{"entity": "location", "value": "francuskiego"}]
    assert requested_line_language("który numer jest dla języka francuskiego?", francuskiego, "request_contact") == "fr"
    belgium = [{"entity": "location", "value": "Belgio"}]
    assert requested_line_language("Guido un'auto elettrica in Belgio", belgium, "inform") is None


def test_of_several_places_tagged_one_named_exactly_wins_over_a_guessed_one():
    entities = [{"entity": "location", "value": "Opladning"}, {"entity": "location", "value": "Esbjerg"}]
    assert understand("Opladning i Esbjerg viser 0 kWh", entities).country == "DK"  # not Opladen, declined


def _location(text: str, value: str) -> dict:
    start = text.index(value)
    return {"entity": "location", "value": value, "start": start, "end": start + len(value)}


def test_a_first_word_tagged_as_a_town_abroad_is_no_place():
    # GeoNames has a Çan in Turkey: "Can" starting a question is capitalised because it starts it.
    text = "Can you help me"
    assert understand(text, [_location(text, "Can")], "request_contact").country is None
    text = "Can I talk to a human? I'm an installer in Germany"
    entities = [_location(text, "Can"), _location(text, "Germany")]
    assert understand(text, entities, "human_handoff").country == "DE"


def test_a_town_starting_the_message_still_counts_where_it_is_the_whole_message_or_has_lines():
    assert understand("Tokyo", [_location("Tokyo", "Tokyo")], "inform").country == "JP"
    text = "Bergen, who do I call?"
    assert understand(text, [_location(text, "Bergen")], "request_contact").country == "NO"

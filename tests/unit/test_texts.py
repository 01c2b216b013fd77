"""The bot's texts live in the domain, one variation per language, English the fallback."""

import re
from pathlib import Path

import pytest
import yaml

from actions.language_names import LANGUAGES
from actions.texts import Texts

ROOT = Path(__file__).resolve().parents[2]
RESPONSES = {}
for path in sorted((ROOT / "bot" / "domain").glob("*.yml")):
    RESPONSES.update(yaml.safe_load(path.read_text(encoding="utf-8")).get("responses", {}))


def test_every_response_has_an_unconditioned_default():
    for name, variations in RESPONSES.items():
        assert any(not variation.get("condition") for variation in variations), name


def language_of(variation: dict) -> str:
    conditions = variation.get("condition") or []
    return next((c["value"] for c in conditions if c.get("name") == "language"), "en")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_response_is_written_in_every_language(language):
    """Like python-holidays' test that every language is complete: no text of the bot is missing a language."""
    missing = [name for name, variations in RESPONSES.items() if language not in map(language_of, variations)]
    assert not missing


def test_translations_keep_the_placeholders_and_the_buttons():
    for name, variations in RESPONSES.items():
        english = next(v for v in variations if not v.get("condition"))
        for variation in variations:
            assert set(re.findall(r"{(\w+)}", variation["text"])) == set(re.findall(r"{(\w+)}", english["text"])), (
                name,
                language_of(variation),
            )
            payloads = [button["payload"] for button in variation.get("buttons", [])]
            assert payloads == [button["payload"] for button in english.get("buttons", [])], name


def test_variations_are_chosen_by_the_language_slot_and_fall_back_to_english():
    responses = {
        "utter_x": [
            {"text": "Hello {name}"},
            {"text": "Hallo {name}", "condition": [{"type": "slot", "name": "language", "value": "de"}]},
        ]
    }
    assert Texts(responses, "de")("utter_x", name="Ola") == "Hallo Ola"
    assert Texts(responses, "sv")("utter_x", name="Ola") == "Hello Ola"


def test_an_unknown_placeholder_stays_visible_instead_of_failing():
    assert Texts({"utter_x": [{"text": "{a} and {b}"}]})("utter_x", a=1) == "1 and {b}"


def test_a_missing_response_is_an_error():
    with pytest.raises(KeyError):
        Texts({})("utter_nothing")


def test_every_fragment_the_renderer_asks_for_exists():
    """Every `utter_fragment_*` name the code composes is in the domain (the list below is what render.py uses)."""
    source = (ROOT / "actions" / "render.py").read_text() + (ROOT / "actions" / "actions.py").read_text()
    static = set(re.findall(r'"(utter_fragment_[a-z_]+)"', source))
    dynamic = {
        *(f"utter_fragment_title_{audience}" for audience in ("driver", "business")),
        "utter_fragment_title_be_energised_europe",
        "utter_fragment_title_viriciti_europe",
        "utter_fragment_title_viriciti_north_america",
        *(f"utter_fragment_case_{kind}" for kind in ("driver", "business")),
        *(f"utter_fragment_note_{note}" for note in ("fee", "domestic_only", "home_flex", "sales")),
        "utter_fragment_no_line_business",
        "utter_fragment_no_line_in_language_one",
    }
    missing = (static | dynamic) - RESPONSES.keys()
    assert not missing

"""The custom actions, run as the action server runs them: a real `Tracker` built from the state Rasa sends, a
real `CollectingDispatcher`, and the bot's real domain."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa.shared.core.domain import Domain
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.actions import (
    ActionAnswerContact,
    ActionAskCountry,
    ActionFallback,
    ActionGreet,
    ActionOutOfScope,
    ActionResolveSlots,
    ValidateSupportForm,
)
from actions.directory import DEFAULT_PATH, Audience, parse_directory
from actions.render import render_answer

ROOT = Path(__file__).resolve().parents[2]
WEDNESDAY_NOON_UTC = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)
SATURDAY_NOON_UTC = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)


@cache
def domain() -> dict[str, Any]:
    return Domain.load(str(ROOT / "bot" / "domain")).as_dict()


@cache
def untouched_domain() -> dict[str, Any]:
    """A second copy: the action server hands one decoded domain to every call (action_call_decoding), so no
    action may change it."""
    return Domain.load(str(ROOT / "bot" / "domain")).as_dict()


def tracker(
    text: str = "",
    intent: str = "inform",
    entities: list[dict] | None = None,
    active_loop: str | None = None,
    set_this_turn: dict[str, Any] | None = None,
    confidence: float = 0.9,
    metadata: dict[str, Any] | None = None,
    **slots: Any,
) -> Tracker:
    """The tracker as Rasa sends it; `set_this_turn` are slots the slot mapping set after the message."""
    all_slots = dict.fromkeys(domain()["slots"])
    all_slots.update({"language": "en", "unclear_answers": 0, "requested_slot": None})
    all_slots.update(slots)
    all_slots.update(set_this_turn or {})
    latest_message = {"text": text, "intent": {"name": intent, "confidence": confidence}, "entities": entities or []}
    if metadata is not None:
        latest_message["metadata"] = metadata
    events = [{"event": "user", "text": text, "parse_data": latest_message}]
    events += [{"event": "slot", "name": name, "value": value} for name, value in (set_this_turn or {}).items()]
    return Tracker(
        sender_id="test",
        slots=all_slots,
        latest_message=latest_message,
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


def run(
    action, tracker_: Tracker, given_domain: dict[str, Any] | None = None
) -> tuple[list[dict], CollectingDispatcher]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker_, domain() if given_domain is None else given_domain))
    assert domain() == untouched_domain(), f"{action.name()} changed the domain it was given"
    return events, dispatcher


def slot_events(events: list[dict]) -> dict[str, Any]:
    return {event["name"]: event["value"] for event in events if event["event"] == "slot"}


# -- action_resolve_slots -------------------------------------------------------------------------------------


def test_country_and_role_from_one_message():
    events, _ = run(
        ActionResolveSlots(),
        tracker(
            "I'm a driver in Germany and my session won't start",
            intent="driver_issue",
            entities=[{"entity": "role", "value": "driver"}, {"entity": "location", "value": "Germany"}],
        ),
    )
    assert slot_events(events) == {"country": "DE", "role": "driver"}


def test_a_city_entity_gives_its_country():
    events, _ = run(ActionResolveSlots(), tracker("I'm in lyon", entities=[{"entity": "location", "value": "lyon"}]))
    assert slot_events(events) == {"country": "FR"}


def test_a_correction_replaces_the_country():
    events, _ = run(ActionResolveSlots(), tracker("actually I'm in Sweden", country="DE", role="driver"))
    assert slot_events(events) == {"country": "SE"}


def test_a_role_guessed_from_the_problem_does_not_overwrite_a_stated_one():
    events, _ = run(ActionResolveSlots(), tracker("it will not work", intent="driver_issue", role="business"))
    assert slot_events(events) == {}
    events, _ = run(ActionResolveSlots(), tracker("it will not work", intent="driver_issue"))
    assert slot_events(events) == {"role": "driver"}


def test_a_bare_city_answers_the_country_question_only_when_asked():
    assert slot_events(run(ActionResolveSlots(), tracker("bergen", requested_slot="country"))[0]) == {"country": "NO"}
    assert slot_events(run(ActionResolveSlots(), tracker("bergen"))[0]) == {}


def test_ok_is_not_a_place_even_when_a_country_is_asked_for():
    events, _ = run(ActionResolveSlots(), tracker("okay", intent="affirm", requested_slot="country"))
    assert slot_events(events) == {}


def test_a_button_payload_sets_the_role():
    events, _ = run(
        ActionResolveSlots(),
        tracker('/inform{"role":"be_energised"}', entities=[{"entity": "role", "value": "be_energised"}]),
    )
    assert slot_events(events) == {"role": "be_energised"}


def test_unchanged_values_set_nothing():
    events, _ = run(ActionResolveSlots(), tracker("Germany", country="DE"))
    assert events == []


# -- validate_support_form -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("slots", "stops_early"),
    [
        ({"role": "be_energised"}, True),  # one line, wherever the person is
        ({"role": "viriciti"}, True),  # the country only chooses between two lines: both are shown
        ({"country": "FI"}, True),  # no line in Finland, whatever the role
        ({"country": "DE"}, False),  # Rasa's form goes on and asks for the role
        ({"role": "driver"}, False),
    ],
)
def test_special_groups_and_unlisted_countries_need_nothing_more(slots, stops_early):
    events, _ = run(ValidateSupportForm(), tracker("x", active_loop="support_form", **slots))
    assert ("requested_slot" in slot_events(events) and slot_events(events)["requested_slot"] is None) is stops_early


def test_an_unusable_answer_is_said_to_be_unusable_and_asked_again():
    events, dispatcher = run(
        ValidateSupportForm(), tracker("Atlantis", active_loop="support_form", role="driver", requested_slot="country")
    )
    assert [message["response"] for message in dispatcher.messages] == ["utter_unclear_country"]
    assert slot_events(events)["unclear_answers"] == 1
    assert slot_events(events).get("requested_slot", "unset") is not None  # asked again, not stopped


def test_after_two_unusable_answers_the_form_stops_asking():
    events, dispatcher = run(
        ValidateSupportForm(),
        tracker("Atlantis", active_loop="support_form", role="driver", requested_slot="country", unclear_answers=1),
    )
    assert [message["response"] for message in dispatcher.messages] == ["utter_unclear_giving_up"]
    assert slot_events(events)["requested_slot"] is None
    assert slot_events(events)["unclear_answers"] == 0


def test_answering_another_question_than_the_one_asked_is_not_unclear():
    """Asked who they are, the person says "Japan": no line there, so no role is needed and the form is done."""
    events, dispatcher = run(
        ValidateSupportForm(),
        tracker("Japan", active_loop="support_form", requested_slot="role", set_this_turn={"country": "JP"}),
    )
    assert dispatcher.messages == []
    assert slot_events(events)["requested_slot"] is None


def test_a_role_is_not_guessed_from_an_unsure_intent():
    junk = tracker("<script>alert(1)</script>", intent="business_issue", confidence=0.5)
    assert slot_events(run(ActionResolveSlots(), junk)[0]) == {}


def test_small_talk_is_left_to_the_rules():
    events, dispatcher = run(
        ValidateSupportForm(), tracker("thanks", intent="thank", active_loop="support_form", requested_slot="country")
    )
    assert dispatcher.messages == []
    assert "unclear_answers" not in slot_events(events)


# -- action_answer_contact -------------------------------------------------------------------------------------


def answer(clock: datetime = WEDNESDAY_NOON_UTC, **slots: Any) -> list[str]:
    _, dispatcher = run(ActionAnswerContact(clock=lambda: clock), tracker("", **slots))
    return [message["text"] for message in dispatcher.messages]


def test_the_german_driver_answer_has_number_link_hours_status_and_case_link():
    (text,) = answer(country="DE", role="driver")
    assert "[+49 69 95307383](tel:+496995307383)" in text
    assert "(domestic calls – Germany: 069 95307383)" in text
    assert "Mon–Fri 08:00–20:00 CET in German, English otherwise" in text
    assert "Open now, in German." in text
    assert "Open a driver support case online, at any time: https://" in text
    assert "\n\n" not in text  # one message, one bubble


def test_a_closed_business_line_says_when_it_opens():
    (text,) = answer(SATURDAY_NOON_UTC, country="SE", role="business")
    assert "+46 20 075 00 44" in text
    assert "Closed now; opens Monday at 08:00 CET." in text
    assert "business support case" in text


def test_belgium_labels_its_two_numbers_by_language():
    (text,) = answer(country="BE", role="driver")
    assert "French: 📞 [+33 1 49 93 90 11]" in text
    assert "Dutch: 📞 [+31 20 654 5372]" in text


def test_a_line_of_several_without_a_language_is_shown_unlabelled():
    """An edit of the directory that leaves one of Belgium's lines without a language still renders."""
    text = DEFAULT_PATH.read_text(encoding="utf-8")
    edited = text.replace('    number: "+33 1 49939011"\n    languages: [fr]\n', '    number: "+33 1 49939011"\n', 1)
    assert edited != text
    directory = parse_directory(edited, source_name="directory.yaml")
    _, answer_text = render_answer(directory, "BE", Audience.DRIVER, domain()["responses"], "en", WEDNESDAY_NOON_UTC)
    assert "\n📞 [+33 1 49 93 90 11]" in answer_text and "Dutch: 📞 [+31 20 654 5372]" in answer_text


def test_an_unlisted_country_gets_no_number_and_both_case_links_when_the_role_is_unknown():
    text, business = answer(country="FI", role=None)
    assert "no dedicated support phone line for this country (Finland)" in text
    assert "tel:" not in text + business
    assert "Open a driver support case online" in text
    assert business.startswith("Open a business support case online") and "https://" in business


def test_an_unlisted_country_with_a_role_gets_that_roles_case_link_only():
    (text,) = answer(country="FI", role="business")
    assert "no dedicated support phone line for this country (Finland)" in text and "business support case" in text


def test_a_line_asked_for_in_a_language_it_lacks_says_so_in_the_singular():
    _, dispatcher = run(
        ActionAnswerContact(clock=lambda: WEDNESDAY_NOON_UTC),
        tracker(
            "which number is for French?",
            intent="ask_line_language",
            entities=[{"entity": "language", "value": "French", "start": 20, "end": 26}],
            country="NO",
            role="driver",
        ),
    )
    (text,) = [message["text"] for message in dispatcher.messages]
    assert text.startswith("This line is not staffed in French; here it is anyway.")


def test_australian_business_gets_no_number():
    (text,) = answer(country="AU", role="business")
    assert "no phone line for station owners" in text and "tel:" not in text


def test_australian_driver_gets_the_domestic_number_with_its_note():
    (text,) = answer(country="AU", role="driver")
    assert "1300 300 885" in text and "only be dialled from within Australia" in text


def test_be_energised_without_a_country_mentions_the_fee():
    (text,) = answer(role="be_energised")
    assert "+43 6452 2120090" in text and "fee applies" in text and "24/7" in text


def test_viriciti_without_a_country_gives_both_regions_lines():
    (text,) = answer(role="viriciti")
    assert "+31 20 210 3678" in text and "+1 662-667-6325" in text
    assert "(Europe)" in text and "North America" in text


def test_no_role_in_a_listed_country_gives_both_audiences():
    texts = answer(country="NO")
    assert len(texts) == 2
    assert "+47 800 13 947" in texts[0] and "+47 800 25 250" in texts[1]


def test_nothing_known_still_gets_a_polite_answer_with_a_case_link():
    text, business = answer()
    assert "Without your country" in text and "https://" in text
    assert "business support case" in business


def test_a_nonsense_language_slot_answers_in_english():
    (text,) = answer(country="DE", role="driver", language="zz-nonsense")
    assert "Mon–Fri 08:00–20:00 CET in German" in text


# -- the channel's country suggestion (browser time zone, phone number) ------------------------------------------


def test_a_time_zone_suggests_a_country_without_setting_it():
    events, _ = run(
        ActionResolveSlots(),
        tracker("my session won't start", intent="driver_issue", metadata={"timezone": "Europe/Berlin"}),
    )
    slots = slot_events(events)
    assert slots.get("suggested_country") == "DE"
    assert "country" not in slots


def test_a_stated_country_needs_no_suggestion():
    events, _ = run(
        ActionResolveSlots(),
        tracker(
            "I'm in Norway",
            entities=[{"entity": "location", "value": "Norway"}],
            metadata={"timezone": "Europe/Berlin", "phone_country": "SE"},
        ),
    )
    slots = slot_events(events)
    assert slots["country"] == "NO"
    assert "suggested_country" not in slots


def test_yes_to_the_suggestion_while_asking_for_the_country_confirms_it():
    events, _ = run(
        ActionResolveSlots(),
        tracker("yes", intent="affirm", active_loop="support_form", requested_slot="country", suggested_country="DE"),
    )
    assert slot_events(events)["country"] == "DE"


def test_yes_to_another_question_does_not_confirm_the_suggestion():
    events, _ = run(
        ActionResolveSlots(),
        tracker("yes", intent="affirm", active_loop="support_form", requested_slot="role", suggested_country="DE"),
    )
    assert "country" not in slot_events(events)


def test_asking_for_the_country_offers_the_suggestion_in_the_persons_language():
    _, dispatcher = run(ActionAskCountry(), tracker(language="nb", suggested_country="DE"))
    [message] = dispatcher.messages
    assert message["response"] == "utter_ask_country_suggested"
    assert message["suggested_country_name"] == "Tyskland"


def test_asking_for_the_country_without_a_suggestion_is_the_plain_question():
    _, dispatcher = run(ActionAskCountry(), tracker())
    assert [message["response"] for message in dispatcher.messages] == ["utter_ask_country"]


# -- the domain goes only to the actions that read it (enable_selective_domain) ---------------------------------


def actions_sent_no_domain() -> set[str]:
    """The custom actions Rasa calls without the domain: neither `send_domain: true` nor a form's validation."""
    names = set()
    for entry in yaml.safe_load((ROOT / "bot" / "domain" / "core.yml").read_text())["actions"]:
        name, settings = next(iter(entry.items())) if isinstance(entry, dict) else (entry, {})
        if not settings.get("send_domain") and not name.startswith("validate_"):
            names.add(name)
    return names


WITHOUT_DOMAIN = {
    ActionResolveSlots(): tracker("jeg er sjåfør i Tyskland", intent="driver_issue", metadata={"language": "nb"}),
    ActionAskCountry(): tracker(suggested_country="DE", language="de"),
    ActionGreet(): tracker("hi, I'm in Norway", intent="greet", set_this_turn={"country": "NO"}),
    ActionFallback(): tracker("asdf", intent="nlu_fallback"),
    ActionOutOfScope(): tracker("what's the weather", intent="out_of_scope"),
}


def test_every_action_sent_no_domain_is_checked_here():
    assert {action.name() for action in WITHOUT_DOMAIN} == actions_sent_no_domain()


@pytest.mark.parametrize("action", list(WITHOUT_DOMAIN), ids=lambda action: action.name())
def test_actions_sent_no_domain_do_the_same_without_it(action):
    with_domain, dispatcher = run(action, WITHOUT_DOMAIN[action])
    without_domain, dispatcher_without = run(action, WITHOUT_DOMAIN[action], given_domain={})
    assert with_domain == without_domain
    assert dispatcher.messages == dispatcher_without.messages
    assert dispatcher.messages or with_domain  # each did something

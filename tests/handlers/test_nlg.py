"""Rasa's NLG requests are answered from the app's texts, in the conversation's language."""

from __future__ import annotations

from handlers.nlg import nlg_response, render


def test_faq_in_both_languages() -> None:
    body = {"response": "utter_faq", "tracker": {"slots": {"lang": "id", "faq_topic": "sapa129"}}}
    assert "08111-129-129" in nlg_response(body)["text"]
    en = render("utter_faq", {"lang": "en", "faq_topic": "puspaga"})
    assert "family" in en


def test_directory_of_a_region_lists_its_services_and_never_invents_numbers() -> None:
    text = render("utter_directory", {"lang": "id", "region": "32.76"})
    assert "Depok" in text and "SAPA 129" in text
    text = render("utter_directory", {"lang": "id", "region": "32.05"})
    assert "UPTD PPA Kabupaten Garut" in text and "SAPA 129" in text


def test_unknown_region_asks_where_and_gives_national_line() -> None:
    text = render("utter_directory", {"lang": "id", "region": None})
    assert "kecamatan" in text and "129" in text


def test_unknown_response_gets_a_neutral_text() -> None:
    assert render("utter_something_new", {}) == "Baik, terima kasih."
    assert render("utter_faq", {"faq_topic": "no_such_topic"}).startswith("Maaf")

"""Language from script and function words."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carelane.triage.language import UNDETERMINED, detect_language


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("@united my bag is lost and nobody is helping me at the desk", "en"),
        ("@SpotifyCares hola, no puedo escuchar mi música desde ayer, ¿qué pasa?", "es"),
        ("@JetBlue obrigado pela ajuda, o voo foi muito bom", "pt"),
        ("@AirFrance merci pour le vol, très bien et le personnel est gentil", "fr"),
        ("@lufthansa danke, der Flug war sehr gut und pünktlich", "de"),
        ("@Alitalia grazie per il volo, molto bene", "it"),
        ("ありがとうございます、助かりました", "ja"),
        ("谢谢你们的帮助", "zh"),
        ("спасибо большое за помощь", "ru"),
        ("شكرا جزيلا على المساعدة", "ar"),
        ("감사합니다 정말 좋아요", "ko"),
    ],
)
def test_languages_are_told_apart(text: str, code: str) -> None:
    assert detect_language(text).code == code


@pytest.mark.parametrize("text", ["", "😡😡😡", "http://t.co/abc @united #fail", "1234 5678"])
def test_no_words_is_undetermined(text: str) -> None:
    guess = detect_language(text)
    assert (guess.code, guess.confidence) == (UNDETERMINED, 0.0)


def test_a_few_foreign_letters_do_not_change_an_english_post() -> None:
    assert detect_language("@united the café at gate B is closed, what a day").code == "en"


@given(st.text())
def test_any_text_gets_a_guess(text: str) -> None:
    guess = detect_language(text)
    assert guess.code
    assert 0.0 <= guess.confidence <= 1.0

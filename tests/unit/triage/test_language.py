"""Language from script and function words."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carelane.triage.language import UNDETERMINED, detect_language, detect_languages

# Words and marks a batch must read as each text alone does: function words of several
# languages, letters whose lower case is two characters (İ) or depends on the word (Σ),
# letters beyond the Basic Multilingual Plane, digits that are letters to `isalnum` (²),
# entities, links, mentions, hashtags and the batch's own separator.
_PIECES = [
    ["the", "and", "my", "flight"],
    ["de", "la", "que", "el", "gracias"],
    ["und", "der", "nicht"],
    ["İstanbul", "ve", "bir", "ΣΟΦΟΣ", "ΟΔΟΣ"],
    ["\U0001d42d\U0001d421\U0001d41e", "\U0001d51e\U0001d52b\U0001d521", "😡", "x²", "½"],
    ["&amp;", "&the;", "http://t.co/the", "www.the.com", "@the", "#the", "\x1e", "\x1ethe"],
    ["спасибо", "谢谢", "ありがとう", "the"],
]


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


def test_a_batch_gets_the_guesses_of_its_texts_one_by_one(real_texts: list[str]) -> None:
    for start in range(0, len(real_texts), 2_000):
        chunk = real_texts[start : start + 2_000]
        assert detect_languages(chunk) == [detect_language(text) for text in chunk]


_WORDS = st.sampled_from([word for piece in _PIECES for word in piece])


@given(st.lists(st.text() | st.lists(_WORDS, max_size=12).map(" ".join), max_size=8))
def test_any_batch_gets_the_guesses_of_its_texts_one_by_one(texts: list[str]) -> None:
    assert detect_languages(texts) == [detect_language(text) for text in texts]

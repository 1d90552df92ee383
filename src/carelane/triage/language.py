"""Which language a post is written in, from its script and its most common words.

Networks often say (Twitter's `lang`); when they do not, this guesses from what the text
itself shows, offline and in microseconds: the writing system first (Arabic, Cyrillic,
Greek, Hebrew, Thai, Devanagari, Hangul, Japanese kana, Han), then, for Latin script,
which language's function words it uses most. Too little evidence gives "und"
(undetermined), as in BCP 47.
"""

import re
from dataclasses import dataclass

UNDETERMINED = "und"

# Links, mentions, hashtags and entities hold no words of the language. (Digits are no
# letters either, so they need no removing before words are read.)
_NOISE = re.compile(r"https?://\S+|www\.\S+|[@#]\w+|&\w+;", re.UNICODE)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_ASCII_WORD = re.compile(r"[a-z]+")

# (first code point, last code point, language) for scripts that name one language well
# enough; Han without kana is Chinese, with kana Japanese.
_SCRIPTS: tuple[tuple[int, int, str], ...] = (
    (0x0370, 0x03FF, "el"),
    (0x0400, 0x04FF, "ru"),
    (0x0590, 0x05FF, "he"),
    (0x0600, 0x06FF, "ar"),
    (0x0900, 0x097F, "hi"),
    (0x0E00, 0x0E7F, "th"),
    (0x1100, 0x11FF, "ko"),
    (0x3040, 0x30FF, "ja"),
    (0x3400, 0x4DBF, "zh"),
    (0x4E00, 0x9FFF, "zh"),
    (0xAC00, 0xD7AF, "ko"),
)

# The most frequent function words of each Latin-script language, none shared between
# two lists unless it is frequent in both (then it counts for both).


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "en": _words(
        "the and to of a in is for on my you it this that with was have not are be at your "
        "me i we so but just can do they what from been will why no our how an"
    ),
    "es": _words(
        "el la los las de que y en un una por con para es no se lo mi su al del pero más "
        "muy como ya hay tengo estoy gracias hola cuando porque también"
    ),
    "pt": _words(
        "o os as de que e em um uma por com para não se do da dos das meu minha mas mais "
        "muito como já tem estou obrigado obrigada olá quando porque também"
    ),
    "fr": _words(
        "le la les de des et en un une pour avec est pas ne que qui je vous nous mon ma "
        "mais plus très comme sur au du merci bonjour quand parce aussi"
    ),
    "de": _words(
        "der die das und ist nicht ich sie wir ein eine mit für auf zu den dem mein meine "
        "aber noch sehr wie schon danke hallo wenn weil auch"
    ),
    "it": _words(
        "il lo la gli le di che e un una per con non è sono mio mia ma più molto come già "
        "grazie ciao quando perché anche del della"
    ),
    "nl": _words(
        "de het een en van ik je niet is dat met voor op zijn mijn maar nog heel hoe al "
        "bedankt hallo wanneer omdat ook"
    ),
    "sv": _words(
        "och att det som en är jag inte på med för av till har min men mycket hur redan "
        "tack hej när eftersom också"
    ),
    "id": _words(
        "dan yang di ke dari ini itu tidak saya aku kamu untuk dengan ada sudah belum "
        "terima kasih tolong kapan karena juga"
    ),
    "tr": _words(
        "ve bir bu da de için ile ben sen değil çok ama daha nasıl zaten teşekkürler "  # noqa: RUF001
        "merhaba ne zaman çünkü"
    ),
}


# Each function word's languages, in `_FUNCTION_WORDS` order: one lookup per word of a post.
_LANGUAGES_OF: dict[str, tuple[str, ...]] = {}
for _code, _vocabulary in _FUNCTION_WORDS.items():
    for _word in _vocabulary:
        _LANGUAGES_OF[_word] = (*_LANGUAGES_OF.get(_word, ()), _code)
# Any letter of the scripts above: a text without one is in Latin script (or none).
_SCRIPT_CHAR = re.compile(
    "[" + "".join(f"\\u{first:04x}-\\u{last:04x}" for first, last, _ in _SCRIPTS) + "]"
)


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    """A language code (ISO 639-1, or "und") and how sure the guess is, 0 to 1."""

    code: str
    confidence: float


_NOTHING_SAID = LanguageGuess(UNDETERMINED, 0.0)


def detect_language(text: str) -> LanguageGuess:
    """The language `text` is most likely written in. Never raises."""
    clean = _NOISE.sub(" ", text)
    by_script = _script_language(clean)
    if by_script is not None:
        return by_script
    if clean.isascii():  # lower case first: the same words, read in one pass
        words = _ASCII_WORD.findall(clean.lower())
    else:
        words = [w.lower() for w in _WORD.findall(clean)]
    if not words:
        return _NOTHING_SAID
    found = _LANGUAGES_OF.keys() & words  # the function words, each once
    if not found:
        return _NOTHING_SAID
    scores = dict.fromkeys(_FUNCTION_WORDS, 0)
    for word in found:
        times = words.count(word)
        for code in _LANGUAGES_OF[word]:
            scores[code] += times
    best = max(scores, key=scores.__getitem__)
    hits = scores[best]
    runner_up = max(score for code, score in scores.items() if code != best)
    # Sure when the function words are many and mostly one language's.
    share = hits / (hits + runner_up)
    coverage = min(1.0, hits / max(3.0, len(words) * 0.25))
    return LanguageGuess(best, round(share * coverage, 3))


def _script_language(text: str) -> LanguageGuess | None:
    if text.isascii() or not _SCRIPT_CHAR.search(text):
        return None  # no letter of another script: counted below, none would be found
    counts: dict[str, int] = {}
    letters = 0
    for char in text:
        if not char.isalpha():
            continue
        letters += 1
        code = ord(char)
        if code < 0x0370:
            continue
        for first, last, language in _SCRIPTS:
            if first <= code <= last:
                counts[language] = counts.get(language, 0) + 1
                break
    if not counts:
        return None
    if "ja" in counts and "zh" in counts:  # kanji among kana
        counts["ja"] += counts.pop("zh")
    language = max(counts, key=lambda c: counts[c])
    share = counts[language] / letters
    if share < 0.5:
        return None  # mostly Latin script with a few foreign letters
    return LanguageGuess(language, round(share, 3))

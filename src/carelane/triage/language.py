"""Which language a post is written in, from its script and its most common words.

Networks often say (Twitter's `lang`); when they do not, this guesses from what the text
itself shows, offline and in microseconds: the writing system first (Arabic, Cyrillic,
Greek, Hebrew, Thai, Devanagari, Hangul, Japanese kana, Han), then, for Latin script,
which language's function words it uses most. Too little evidence gives "und"
(undetermined), as in BCP 47.

`detect_language` reads one text; `detect_languages` gives the same guesses for a batch,
counting the function words of all its texts at once as arrays.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from carelane.triage.span_hashes import SpanHashes, codes_of, text_hash

UNDETERMINED = "und"

# Links, mentions, hashtags and entities hold no words of the language. (Digits are no
# letters either, so they need no removing before words are read.)
# Spelled `https?://\S+|www\.\S+|[@#]\w+|&\w+;` so that the pattern starts with the
# characters it can start with, which lets the scan skip every other character.
_NOISE = re.compile(r"[hw@#&](?:(?<=h)ttps?://\S+|(?<=w)ww\.\S+|(?<=[@#])\w+|(?<=&)\w+;)")
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


def detect_languages(texts: Sequence[str]) -> list[LanguageGuess]:
    """`detect_language` of each text, the function words of the batch counted at once.

    A text whose letters lower-case unlike one character each, or that holds a letter of
    the scripts above or beyond the Basic Multilingual Plane, is read on its own."""
    if not texts:
        return []
    joined = _NOISE.sub(" ", _SEPARATOR.join(text.replace("\x1e", " ") for text in texts))
    codes = codes_of(f" {joined} ").astype(np.int64)
    doc_of = np.cumsum(codes == 0x1E)
    wide = codes > 0xFFFF
    own = np.zeros(len(texts), dtype=bool)  # read on its own
    if wide.any():
        letters = [code for code in np.unique(codes[wide]).tolist() if _is_letter(chr(code))]
        own[doc_of[wide][np.isin(codes[wide], letters)]] = True
    bmp = np.minimum(codes, 0xFFFF)
    letter = _LETTER[bmp] & ~wide
    scripted = _SCRIPTED[bmp] & ~wide
    own[doc_of[scripted | (letter & (_LOWER[bmp] < 0))]] = True
    lowered = np.where(letter, _LOWER[bmp], 0).astype(np.uint64)
    starts = np.flatnonzero(letter[1:] & ~letter[:-1]) + 1  # spaces around every text
    ends = np.flatnonzero(letter[:-1] & ~letter[1:]) + 1
    word_doc = doc_of[starts]
    words = np.bincount(word_doc, minlength=len(texts))
    hashes = SpanHashes(lowered).of(starts, ends)
    at = np.searchsorted(_FUNCTION_HASHES, hashes)
    hit = at < len(_FUNCTION_HASHES)
    hit[hit] = _FUNCTION_HASHES[at[hit]] == hashes[hit]
    word, language = np.nonzero(_FUNCTION_LANGUAGES[at[hit]])
    scores = np.bincount(
        word_doc[hit][word] * len(_CODES) + language, minlength=len(texts) * len(_CODES)
    ).reshape(len(texts), len(_CODES))
    best = np.argmax(scores, axis=1)  # the first of equals, as `max` over the dict picks
    rows = np.arange(len(texts))
    hits = scores[rows, best].astype(np.float64)
    scores[rows, best] = -1
    runner_up = scores.max(axis=1)
    # As `detect_language` works it out, in the same float64 operations.
    coverage = np.minimum(1.0, hits / np.maximum(3.0, words * 0.25))
    confidence = hits / np.maximum(hits + runner_up, 1.0) * coverage
    guesses = []
    for text, alone, top, most, sure in zip(
        texts, own.tolist(), best.tolist(), hits.tolist(), confidence.tolist(), strict=True
    ):
        if alone:
            guesses.append(detect_language(text))
        elif not most:
            guesses.append(_NOTHING_SAID)
        else:
            guesses.append(_guess(_CODES[top], round(sure, 3)))
    return guesses


def _is_letter(char: str) -> bool:
    """A character words are made of: `[^\\W\\d_]`, a word character but a digit or `_`."""
    return char.isalnum() and not char.isdecimal()


def _lower_code(char: str) -> int:
    """The code of the character's lower case, -1 when that is not one character."""
    lower = char.lower()
    return ord(lower) if len(lower) == 1 else -1


_SEPARATOR = " \x1e "  # between texts while a batch is read as one string
_LETTER = np.array([_is_letter(chr(code)) for code in range(0x10000)], dtype=bool)
_LOWER = np.array([_lower_code(chr(code)) for code in range(0x10000)], dtype=np.int64)
_SCRIPTED = np.zeros(0x10000, dtype=bool)  # a character of the scripts above
for _first, _last, _ in _SCRIPTS:
    _SCRIPTED[_first : _last + 1] = True
_CODES = tuple(_FUNCTION_WORDS)
_FUNCTION_LIST = sorted(_LANGUAGES_OF, key=text_hash)
_FUNCTION_HASHES = np.array([text_hash(word) for word in _FUNCTION_LIST], dtype=np.uint64)
_FUNCTION_LANGUAGES = np.array(
    [[code in _LANGUAGES_OF[word] for code in _CODES] for word in _FUNCTION_LIST], dtype=bool
)
_GUESSES: dict[tuple[str, float], LanguageGuess] = {}


def _guess(code: str, confidence: float) -> LanguageGuess:
    """The guess, made once (there are a few thousand)."""
    guess = _GUESSES.get((code, confidence))
    if guess is None:
        guess = _GUESSES[code, confidence] = LanguageGuess(code, confidence)
    return guess

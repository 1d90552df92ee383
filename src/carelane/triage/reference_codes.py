"""Account and booking identifiers in a post: what `personal_data` calls account and booking.

Pure functions over a text whose URLs and @mentions the caller blanked. An identifier is
found in one of three ways:

- after a cue: "conf #FGKXV5", "record locator: KARAAX", "e-ticket 0162389030167",
  "bag claim #3526665682", "username: bknight2126", "SkyMiles # 2822484944", "-RR 1079871763";
  or before one: "8FKQW is the conf #", "_manny24 is my username", "my DerClown_ account";
- without a cue, by shape alone: an airline record locator (six capitals mixing letters
  and digits, or six letters no English word is made of), a 13-digit e-ticket number, a
  bag tag printed as "0016 964012", a baggage file reference ("SAN68059M");
- beside an email a customer sends: "kodasquirrel __email__", a username on its own line.

Flight numbers (UA1234, AWE474), tail numbers (N598JB), aircraft types (ERJ145), device
builds and models, airport pairs, acronyms, shouted words and case or complaint
references are kept out.

Most posts have no cue word at all: a cheap substring test decides whether the cue
expression runs, so that a post costs microseconds.
"""

import re
from collections import Counter
from collections.abc import Iterator
from typing import Literal

from carelane.triage.pronounceable import is_pronounceable


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


CodeKind = Literal["account", "booking"]
Found = tuple[CodeKind, int, int]

_BAG_TAG = r"[0-9]{4} ?[0-9]{6}|[A-Z]{2}[0-9]{6,10}|[A-Z]{3}(?:[A-Z]{2})?[0-9]{5}[A-Z]?"
_ORDER = r"[0-9]{3}-[0-9]{7}-[0-9]{7}"
# Quotes and dashes as typed on phones: \u2013 en dash, \u2018 \u2019 \u201c \u201d curly quotes.
_QUOTES = "\"'\u2018\u2019\u201c\u201d"
_FILLER = rf"(?P<filler>(?:[\s:#=.,()\-\u2013{_QUOTES}]|number|num|no\.|code|is|should\s+be|as)*)"

# Written in lower case: it runs on the lower-cased text (same length, same offsets).
_CUE_WORDS = (
    r"(?P<bag>bag(?:gage)?\s?(?:tag|claim|id|file|ref(?:erence)?(?:\s?id)?)"
    r"|tag\s?numbers?|claim|file\s?(?:number|no\.?|#|ref(?:erence)?))"
    r"|(?P<booking>confirmation|conf\.?|confirm(?=\s*[#:])|record\s?loc(?:ator)?\.?"
    r"|file\s?(?:loc(?:ator)?\.?|code)|locator|record\s?(?:number|no\.?|#)|pnr"
    r"|booking(?:\s?ref(?:erence)?\.?)?|reservations?|reserv\.?|res\.?(?=\s?#)"
    r"|res(?=\s?(?:number|no))|itinerary|trip|e-?ticket|ticket|order|invoice(?:\s?id)?"
    r"|localizador|(?:rechnungs|bestell|buchungs)nummer|n[uú]mero\s+de\s+(?:reserva|pedido)"
    r"|num[eé]ro\s+de\s+(?:commande|r[eé]servation))"
    r"|(?P<loyalty>member(?:ship)?\s?(?:id|number|no\.?|#)|customer\s?(?:id|number|no\.?|#)"
    r"|account\s?(?:number|no\.?|num|#)|acct\.?\s?(?:number|no\.?|#)|loyalty|rewards?\s?(?:#|no)"
    r"|frequent\s?fl[yi]er|ff\s?#|true\s?blue|mileage\s?plus|a?advantage|sky\s?miles"
    r"|rapid\s?rewards|dividend(?:\s?miles)?|div\.?\s?no\.?|elevate|i\.?d\.?\s?(?:number|no\.?|#))"
    r"|(?P<username>(?:my)?user\s?name|user\s?id|log\s?in(?=\s*(?::|is\b|id\b|name\b))"
    r"|gamer\s?tag|game\s?tag|online\s?id|kundennummer|psn(?:\s?id)?|account\s?name"
    r"|profile\s?name|(?:my|his|her)\s+id)"
    r"|(?P<weak>(?:(?:my|her|his|the)\s+)?account(?=\s*(?::|is\b))|(?:my|her|his)\s+account)"
)
_CUES = re.compile(rf"(?<![a-z#])(?:{_CUE_WORDS})(?![a-z]){_FILLER}")
_CUES_ANY_CASE = re.compile(_CUES.pattern, re.IGNORECASE)
# Every cue above has one of these words (letters only, lower case); a post with none of
# them has no cue, and the cue expression does not run.
CUE_FIRST_WORDS = _words(
    """bag baggage tag claim file confirmation conf confirm record locator pnr booking
    reservation reservations reserv res itinerary trip ticket eticket e order invoice
    localizador rechnungsnummer bestellnummer buchungsnummer mero numero member
    membership customer account acct loyalty reward rewards frequent ff true trueblue mileage
    mileageplus advantage aadvantage sky skymiles rapid dividend div elevate id i d user
    username userid myusername login log gamer gamertag game gametag online kundennummer psn
    profile"""
)
_REVERSE_WORDS = _words(
    "conf confirmation record pnr booking reservation user username gamer gamertag login id"
)
_WORDS = re.compile(r"[a-z]+")  # ASCII words; "número" leaves "mero", which is listed
_CUE_KINDS = ("bag", "booking", "loyalty", "username", "weak")
_RAPID_REWARDS = re.compile(rf"(?:SW)?RR(?![A-Za-z]){_FILLER}")

_VALUE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]{1,39}[A-Za-z0-9_]|[A-Za-z0-9]{2}")
_BAG_VALUE = re.compile(rf"(?:{_BAG_TAG})(?![A-Za-z0-9])")
_NUMBER_VALUE = re.compile(rf"(?:{_ORDER}|[0-9]{{6,15}})(?![A-Za-z0-9])")
_NEXT_CODE = re.compile(r"\s+([A-Za-z0-9]{5,8})(?![\w@/])")
_LIST_NEXT = re.compile(r"\s*(?:,|&|/|and)\s*|\s+")
_CLAUSE_END = re.compile(r"\s*(?:$|[.,;:!?)\n]|and\b|thanks?\b)", re.IGNORECASE)
_SEPARATOR = re.compile(rf"[:#=({_QUOTES}]|\b(?:is|as|be|number|num|no|code)\b", re.IGNORECASE)
_SENTENCE_BREAK = re.compile(r",|[.!?](?:\s|$)")
_NO_DOT = re.compile(r"\bno\.", re.IGNORECASE)
_WORD_ENDING = re.compile(r"(?:ing|ed|ly)\Z")

_REVERSE = re.compile(
    r"\s(?:is|was|=|-|as|that'?s)\s+(?:my|the|our)\s+(?:(?P<booking>conf(?:irmation)?"
    r"|record\s?locator|pnr|booking|reservation)|(?P<account>user\s?name|gamer\s?tag|login|id))\b"
)
_VALUE_BEFORE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]{2,39}\Z")
_OWNED = re.compile(r"\bmy\s+(?P<owned>[a-z0-9_.]*[0-9_][a-z0-9_.]*)\s+account\b")

# A leading character class lets the scanner skip ahead; the look-behind after it keeps
# the match from starting inside a longer token.
_PNR_LIKE = re.compile(r"[A-Z0-9](?<![\w@/.\-][A-Z0-9])[A-Z0-9]{5}(?![\w@]|/\w|[.\-:][A-Za-z0-9])")
_E_TICKET = re.compile(r"[0-9](?<![\w.\-][0-9])[0-9]{2}[ \-]?[0-9]{10}(?![\w\-]|\.[0-9])")
_PRINTED_BAG_TAG = re.compile(r"[0-9](?<![\w.\-][0-9])[0-9]{3} [0-9]{6}(?![\w\-]|\.[0-9])")
_BAG_FILE = re.compile(r"[A-Z](?<![\w@/.\-][A-Z])[A-Z]{2}(?:[A-Z]{2})?[0-9]{5}[A-Z]?(?![\w/@])")
_FIVE_DIGITS = re.compile(r"[0-9]{5}")  # every shape below has five digits in a row
_LISTED = re.compile(r"\s*(?:,|&|and)\s*")
_SHOUTED = re.compile(r"\b[A-Z]{4,}\b")
_CASE_BEFORE = re.compile(
    r"(?:case|ref(?:erence)?|request|incident|complaint|ticket|claim|sr)\.?\s*"
    r"(?:id|number|no\.?|#)?\s*[:#]?\s*\Z",
    re.IGNORECASE,
)
_FLIGHT = re.compile(r"(?:[A-Z]{2}|[A-Z][0-9]|[0-9][A-Z])[0-9]{1,4}|N[0-9][0-9A-Z]{1,4}")
_BUILD = re.compile(r"[0-9]{2}[A-Z][0-9]{2,4}")
_DEVICE_BEFORE = re.compile(
    r"(?:model|build|version|ver|firmware|ios|android|acer|asus|dell|lenovo|huawei|samsung"
    r"|galaxy|xperia|redmi|moto|[0-9]+(?:\.[0-9]+)+)\W{0,3}\Z",
    re.IGNORECASE,
)
# ICAO airline designators and aircraft types that put three letters before a number.
_THREE_LETTER_PREFIXES = _words(
    "AAL UAL DAL SWA JBU VRD AWE ASA NKS FFT SKW RPA ENY ASQ EDV JIA PDT CPZ GJS QXE HAL BAW "
    "DLH AFR KLM ACA WJA AAY SCX FDX UPS VIR EIN UAE QTR ETD THY SIA CPA ANA JAL QFA ERJ CRJ"
)
# Major airports: six capitals made of two of them are a route, not a booking.
_AIRPORTS = _words(
    "ATL LAX ORD DFW DEN JFK SFO SEA LAS MCO EWR CLT PHX IAH MIA BOS MSP FLL DTW PHL LGA BWI "
    "SLC SAN IAD DCA MDW TPA PDX HNL STL BNA AUS OAK MSY RDU SJC SMF SNA MCI SAT RSW CLE IND "
    "PIT CMH CVG BDL JAX ABQ OMA BUF PBI ONT BUR RIC SDF ORF LHR LGW CDG FRA AMS MAD FCO MUC "
    "ZRH DUB YYZ YVR YUL MEX CUN HKG NRT HND ICN SIN DXB SYD GIG GRU BOG LIM SJU STT"
)
# Words a cue may be followed by that are not the value.
_NOT_VALUES = _words(
    """a an the is are was were be been to in on at for of with from by and or not no yes my
    your our his her their its it this that these those here there now still just also too
    already set linked connected free premium family student deleted hacked changed gone
    number code email mail password name same different new old correct wrong please thanks
    thank hi hello hey sure ok okay yeah yep nope below above attached us usa uk we you they
    me him them today tomorrow yesterday tonight flight flights ticket tickets booking
    reservation reservations confirmation again online via through using currently being
    getting has have had will would can could should did do does done up down out back
    blocked suspended disabled locked compromised showing playing working when where what
    which who whom whose why how because but if so since though although than then as into
    onto about after before over under between without within anymore anyway account
    accounts acc acct details info information settings page profile well off"""
)


def find_codes(text: str) -> Iterator[tuple[CodeKind, int, int, bool]]:
    """(kind, start, end, cued) of every account and booking identifier candidate."""
    lower = text.lower()
    words = frozenset(_WORDS.findall(lower))
    for kind, start, end in _cued(text, lower, words):
        yield kind, start, end, True
    for kind, start, end in _reversed(text, lower, words):
        yield kind, start, end, True
    for kind, start, end in _uncued(text):
        yield kind, start, end, False


def follows_case_reference(text: str, start: int) -> bool:
    """Whether the value at `start` is announced as a case, ticket or request reference."""
    return _CASE_BEFORE.search(text, max(0, start - 24), start) is not None


def beside_emails(text: str, emails: list[tuple[int, int]]) -> Iterator[Found]:
    """Usernames customers send with their email: first in the post, or on the next line."""
    for start, end in emails:
        before = _NEIGHBOUR_BEFORE.search(text, max(0, start - 80), start)
        if before and _opens_line(text, before.start()) and _plausible_username(before["value"]):
            yield "account", before.start("value"), before.end("value")
        after = _NEIGHBOUR_AFTER.match(text, end, end + 120)
        if after and _plausible_username(after["value"]):
            yield "account", after.start("value"), after.end("value")


def _cued(text: str, lower: str, words: frozenset[str]) -> Iterator[Found]:
    shouted = _Shouted(text)
    if words.isdisjoint(CUE_FIRST_WORDS):
        cues = []
    elif len(lower) != len(text):
        cues = list(_CUES_ANY_CASE.finditer(text))
    else:
        cues = list(_CUES.finditer(lower))
    if "RR" in text:
        cues += [m for m in _RAPID_REWARDS.finditer(text) if _starts_word(text, m.start())]
    for cue in cues:
        if _SENTENCE_BREAK.search(_NO_DOT.sub("", cue["filler"])):
            continue  # the cue's sentence ended before any value
        separated = bool(_SEPARATOR.search(cue["filler"]))
        if cue.re is _RAPID_REWARDS:
            kind = "loyalty"
        else:
            kind = next(group for group in _CUE_KINDS if cue[group] is not None)
        yield from _cue_values(
            text, kind, cue.start(), cue.end(), separated=separated, shouted=shouted
        )


def _starts_word(text: str, start: int) -> bool:
    return start == 0 or not (text[start - 1].isalpha() or text[start - 1] == "#")


def _cue_values(
    text: str, kind: str, cue_start: int, at: int, *, separated: bool, shouted: "_Shouted"
) -> Iterator[Found]:
    """What follows a cue of `kind` ending at `at`, if it has the shape of that kind."""
    numbers = _BAG_VALUE if kind == "bag" else _NUMBER_VALUE if kind == "booking" else None
    number = numbers.match(text, at) if numbers else None
    if numbers and number:
        yield from _with_list(text, "booking", number.start(), number.end(), numbers)
        if kind == "booking":
            yield from _next_code(text, number.end())
        return
    if kind == "bag":
        return
    value = _VALUE.match(text, at)
    if not value:
        return
    word = value.group().rstrip(".-")
    start, end = value.start(), value.start() + len(word)
    if text[end : end + 1] in ("'", "\u2019"):
        return  # a contraction: doesn't, couldn't
    if kind == "booking":
        capitals = shouted.besides(word) < 2
        if _booking_value(word, capitals=capitals, separated=separated):
            yield "booking", start, end
            yield from _next_code(text, end)
    elif kind == "loyalty":
        if _loyalty_value(word) and not follows_case_reference(text, cue_start):
            yield "account", start, end
    elif kind == "username":
        ends = _CLAUSE_END.match(text, end) is not None
        if _username_value(word, announced=separated, clause_end=ends):
            yield "account", start, _with_second_name(text, word, end)
    elif _username_value(word, announced=False, clause_end=bool(_CLAUSE_END.match(text, end))):
        yield "account", start, end


def _next_code(text: str, end: int) -> Iterator[Found]:
    """A second code straight after the first: "RES # 0167560070877 Fsqthg"."""
    following = _NEXT_CODE.match(text, end)
    if following and _booking_value(following.group(1), capitals=False):
        yield "booking", following.start(1), following.end(1)


def _with_list(
    text: str, kind: CodeKind, start: int, end: int, value: re.Pattern[str]
) -> Iterator[Found]:
    """The value and those listed after it in the same shape: "0016 964012, 0016 964077"."""
    yield kind, start, end
    while True:
        gap = _LIST_NEXT.match(text, end)
        following = value.match(text, gap.end()) if gap else None
        if not following:
            return
        start, end = following.span()
        yield kind, start, end


def _with_second_name(text: str, word: str, end: int) -> int:
    """A display name given as username ("Mia Chaput") runs over its second word."""
    if word.istitle() and word.isalpha():
        second = re.match(r" [A-Z][a-z]+\b", text[end : end + 30])
        if second and second.group().strip().lower() not in _NOT_VALUES:
            return end + second.end()
    return end


def _reversed(text: str, lower: str, words: frozenset[str]) -> Iterator[Found]:
    if len(lower) != len(text):
        return
    if "account" in words:
        for match in _OWNED.finditer(lower):
            yield "account", match.start("owned"), match.end("owned")
    if words.isdisjoint(_REVERSE_WORDS):
        return
    for match in _REVERSE.finditer(lower):
        before = _VALUE_BEFORE.search(text, max(0, match.start() - 40), match.start())
        if not before or not _starts_token(text, before.start()):
            continue
        value = before.group().rstrip(".-")
        start, end = before.start(), before.start() + len(value)
        if value.lower() in _NOT_VALUES:
            continue
        if match["booking"] and _booking_value(value):
            yield "booking", start, end
        elif match["account"] and not value.isalpha():
            yield "account", start, end


def _starts_token(text: str, start: int) -> bool:
    return start == 0 or not (text[start - 1].isalnum() or text[start - 1] in "_@#.")


def _uncued(text: str) -> Iterator[Found]:
    shouted = _Shouted(text)
    locators = [
        match.span()
        for match in _PNR_LIKE.finditer(text)
        if _looks_like_locator(match.group(), text, match.start(), shouted)
    ]
    # Six capitals listed with a record locator are one too: "KEVOLT and SOZLDJ".
    known = set(locators)
    for start, end in list(locators):
        window = _PNR_LIKE.finditer(text, max(0, start - 12), min(len(text), end + 12))
        for neighbour in window:
            span = neighbour.span()
            between = text[min(end, span[1]) : max(start, span[0])]
            listed = _LISTED.fullmatch(between) is not None
            if listed and span not in known and not neighbour.group().isdigit():
                locators.append(span)
                known.add(span)
    for start, end in locators:
        yield "booking", start, end
    if _FIVE_DIGITS.search(text):
        for pattern in (_E_TICKET, _PRINTED_BAG_TAG, _BAG_FILE):
            for match in pattern.finditer(text):
                yield "booking", match.start(), match.end()


def _looks_like_locator(token: str, text: str, start: int, shouted: "_Shouted") -> bool:
    """Whether six capitals (no cue before them) are a record locator.

    Six letters pass only if no English word could be made of them, they are not a
    hashtag, the post does not shout in capitals, and they have the one or two vowels of
    a random code rather than the three of a name (NVIDIA).
    """
    if token.isdigit():
        return False
    if token.isalpha():
        hashtag = start > 0 and text[start - 1] == "#"
        return not hashtag and _letters_look_like_locator(token, shouted)
    if _FLIGHT.fullmatch(token) or _BUILD.fullmatch(token):
        return False
    if token[:3].isalpha() and token[3:].isdigit() and token[:3] in _THREE_LETTER_PREFIXES:
        return False
    return not _DEVICE_BEFORE.search(text, max(0, start - 24), start)


def _letters_look_like_locator(token: str, shouted: "_Shouted") -> bool:
    if is_pronounceable(token) or sum(c in "AEIOUY" for c in token) >= 3:
        return False
    if shouted.besides(token) >= 2:
        return False
    return not (token[:3] in _AIRPORTS and token[3:] in _AIRPORTS)


class _Shouted:
    """The words of four capitals or more, that could be English, a text shouts."""

    __slots__ = ("_text", "_words")

    def __init__(self, text: str) -> None:
        self._text = text
        self._words: Counter[str] | None = None

    def besides(self, word: str) -> int:
        """How many such words the text shouts, not counting `word`."""
        if self._words is None:
            self._words = Counter(w for w in _SHOUTED.findall(self._text) if is_pronounceable(w))
        return self._words.total() - self._words[word]


def _booking_value(value: str, *, capitals: bool = True, separated: bool = True) -> bool:
    """Whether a value after a booking cue is a code, and not a word or a flight number.

    Capitals pass when `capitals` (right after the cue, in a post that does not shout);
    otherwise, and for lower-case letters, only letters no English word is made of do,
    and lower-case ones only after an explicit separator ("conf #ggqzqd").
    """
    if value.lower() in _NOT_VALUES or not 5 <= len(value) <= 10 or not value.isalnum():
        return False
    if value.isdigit():
        return len(value) >= 6
    if any(c.isdigit() for c in value):
        return not _FLIGHT.fullmatch(value.upper())
    if value.isupper() and capitals:
        return True
    return (separated or value.isupper()) and not is_pronounceable(value.upper())


def _loyalty_value(value: str) -> bool:
    return 5 <= len(value) <= 16 and value.isalnum() and any(c.isdigit() for c in value)


def _username_value(value: str, *, announced: bool, clause_end: bool) -> bool:
    """Whether a value after a username or account cue is an identifier, not a word.

    Identifiers with digits, dots or underscores pass; a plain word passes when the cue
    announced it ("username: kodasquirrel", "user name is ...") or it ends the clause,
    and it does not read like English (-ing, -ed, -ly).
    """
    if len(value) < 3 or value.lower() in _NOT_VALUES:
        return False
    if any(len(part) < 2 for part in value.split(".")):
        return False  # U.S., e.g.
    if value.isdigit():
        return len(value) >= 5
    if not value.replace("-", "").isalpha():
        return True
    if _WORD_ENDING.search(value.lower()):
        return False
    return announced or clause_end


_NEIGHBOUR_BEFORE = re.compile(
    r"(?<![\w.])(?P<value>[A-Za-z0-9_][A-Za-z0-9_.]{3,38}[A-Za-z0-9_])"
    r"\s*(?:[-\u2013;,:]\s*)?(?:e-?mail\s*[;:,]?\s*)?\Z",
    re.IGNORECASE,
)
_NEIGHBOUR_AFTER = re.compile(
    r"[ \t]*\n\s*(?P<value>[A-Za-z0-9_][A-Za-z0-9_.]{3,38}[A-Za-z0-9_])[ \t]*(?:\n|$)"
)


def _opens_line(text: str, start: int) -> bool:
    """Whether only blanks (and blanked @mentions) stand before `start` on its line."""
    window = max(0, start - 300)
    line = text.rfind("\n", window, start) + 1  # 0 when there is none in the window
    if line == 0 and window > 0:
        return False
    return line == start or text[line:start].isspace()


def _plausible_username(value: str) -> bool:
    """A lone word next to an email is a username if it does not read as an English word."""
    if value.lower() in _NOT_VALUES or not (value[0].isalnum() or value[0] == "_"):
        return False
    return not value.isalpha() or (value[1:].islower() and len(value) >= 6)

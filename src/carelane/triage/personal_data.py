"""Personal data a customer exposes in a post, and whether to take the conversation offline.

Customers post their email, phone number, card number, loyalty number, booking reference
or home address in public to get help faster. `find_personal_data` finds each exposed value
with its character span, gives a redacted form that is safe to show, and recommends a
private channel when the post is public.

Kinds and what counts:
- email: an address, except a brand's role address (info@, customer.relations@, ...);
- phone: a North American number (10 digits, with or without +1) or an international
  one (+44 ..., 0044 ..., or a national number with its leading 0); toll-free and
  freephone lines are the brand's, not the customer's;
- card: 13 to 19 digits, spaced or dashed, that pass the Luhn check and start like a
  card brand's numbers;
- account: loyalty, member and customer numbers and usernames (see `reference_codes`);
- booking: record locators, e-ticket, order, invoice and bag-tag numbers, baggage files;
- address: a US street address with its unit, city, state and ZIP when given, or a UK
  postcode.

A mask left by an anonymised data set (`__email__`, `__phone__`, `__credit_card__` ...)
counts as an exposure of its kind: the post as written exposed the value.

Not personal data, and never reported: flight and tail numbers, @mentions, hashtags,
URLs, prices, dates, times, counts, versions, IP addresses, case and complaint numbers.

Pure: no I/O, no clock. Any string is accepted; nothing raises.
"""

import bisect
import re
from dataclasses import dataclass
from enum import StrEnum

from carelane.triage.postal_addresses import find_addresses, redact_address
from carelane.triage.reference_codes import (
    CUE_FIRST_WORDS,
    beside_emails,
    find_codes,
    follows_case_reference,
)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


class PersonalDataKind(StrEnum):
    """What kind of personal data a span exposes."""

    EMAIL = "email"
    PHONE = "phone"
    CARD = "card"
    ACCOUNT = "account"
    BOOKING = "booking"
    ADDRESS = "address"


@dataclass(frozen=True, slots=True)
class PersonalDataSpan:
    """One exposed value: `text[start:end]`, and a short form of it safe to display."""

    kind: PersonalDataKind
    start: int
    end: int
    redacted: str


@dataclass(frozen=True, slots=True)
class PersonalDataFinding:
    """Every exposed value of a post, in text order, and what to do about them."""

    spans: tuple[PersonalDataSpan, ...]
    take_offline: bool
    reason: str

    @property
    def kinds(self) -> frozenset[PersonalDataKind]:
        return frozenset(span.kind for span in self.spans)


# When two candidates overlap, the more specific kind wins.
_PRIORITY = {"mask": 9, "email": 8, "card": 7, "address": 6, "cued": 5, "phone": 4, "code": 3}

_MASK = re.compile(
    r"__(?P<name>e[-_]?mail|email_address|phone|phone_number|mobile|credit_card|card"
    r"|card_number|account|account_number|address|street_address|booking|order_number)__",
    re.IGNORECASE,
)
# A mask's name, by the first of these words it contains.
_MASK_KINDS = (
    ("mail", PersonalDataKind.EMAIL),
    ("phone", PersonalDataKind.PHONE),
    ("mobile", PersonalDataKind.PHONE),
    ("card", PersonalDataKind.CARD),
    ("account", PersonalDataKind.ACCOUNT),
    ("address", PersonalDataKind.ADDRESS),
    ("", PersonalDataKind.BOOKING),
)

# An email is found from its "@domain.tld", then read back to the start of its mailbox.
_EMAIL_DOMAIN = re.compile(
    r"@[A-Za-z0-9](?:[A-Za-z0-9\-]{0,62}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]{0,62}[A-Za-z0-9])?)*\.[A-Za-z]{2,24}(?![A-Za-z0-9\-])"
)
_MAILBOX = re.compile(r"(?<![\w.%+\-])[A-Za-z0-9][A-Za-z0-9._%+\-]{0,63}\Z")
_ROLE_MAILBOXES = _words(
    """info support help helpdesk care customercare customer.care customerservice
    customer.service customerrelations customer.relations service services eservice
    feedback contact contactus enquiries inquiries hello team sales billing accounts
    reservations bookings press media privacy abuse security webmaster postmaster admin
    marketing careers jobs legal complaints noreply no-reply donotreply do-not-reply"""
)

# URLs, @mentions and bracketed domains are blanked before anything else is looked for;
# each kind only when its marker is in the text.
_NOT_TEXT = (
    ("//", re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:\s?//\S+")),
    ("www.", re.compile(r"www\.\S+", re.IGNORECASE)),
    ("spotify:", re.compile(r"spotify:[a-z]+:\S+")),
    ("[.]", re.compile(r"\S+\[\.\]\S+")),
    ("@", re.compile(r"@\w+")),
)

# A leading character class lets the scanner skip ahead; the look-behind after it keeps
# a match from starting inside a longer number or word.
_CARD = re.compile(r"[0-9](?<![0-9+.\-][0-9])(?:[ \-]?[0-9]){12,18}(?![0-9]|[.\-][0-9])")
_CARD_CUE = re.compile(r"card|visa|master|amex|cc\b|credit|debit|discover", re.IGNORECASE)

_PHONE = re.compile(
    r"[+(0-9](?<![\w+/\-(][+(0-9])(?<![0-9]\.[+(0-9])[0-9 ().\-]{5,20}[0-9]"
    r"(?![\w/]|\.[0-9]|-[0-9])"
)
_NANP_LAYOUT = re.compile(
    r"(?:\+?1[ .\-]?)?(?:\([0-9]{3}\) ?|[0-9]{3}[ .\-]?)[0-9]{3}[ .\-]?[0-9]{4}"
)
_NATIONAL_LAYOUT = re.compile(r"0[1-9][0-9]{1,4}(?:[ \-]?[0-9]{2,4}){1,4}")
_TOLL_FREE = ("800", "888", "877", "866", "855", "844", "833")

_PHRASES = {
    PersonalDataKind.CARD: ("a card number", "card numbers"),
    PersonalDataKind.ADDRESS: ("a postal address", "postal addresses"),
    PersonalDataKind.PHONE: ("a phone number", "phone numbers"),
    PersonalDataKind.EMAIL: ("an email address", "email addresses"),
    PersonalDataKind.ACCOUNT: ("an account number or username", "account numbers or usernames"),
    PersonalDataKind.BOOKING: ("a booking reference", "booking references"),
}

# What a post must have for any kind above to be found in it, and nothing more precise:
# a mask; an email's "@domain."; a run of digits and separators as long as the shortest
# phone number; a house number before a capitalised word or a postcode's halves; six
# capitals or digits in a row (record locators, e-tickets, bag tags and files); "RR"
# (a Rapid Rewards number). Otherwise only a cue word ("confirmation", "username") can
# announce a value. Most posts have none, and cost one search. The pattern is
#   __|RR|[A-Z0-9]{6}|@[A-Za-z0-9][A-Za-z0-9\-]*\.[A-Za-z]|[+(0-9][0-9 ().\-]{5,20}[0-9]
#   |[0-9][A-Z]?[ \t]+[A-Z0-9]|[0-9][A-Z0-9]? [0-9]
# spelled so that it starts with the characters it can start with (each alternative's
# first one then checked behind), which lets the scan skip lower case and spaces.
_MAY_EXPOSE = re.compile(
    r"[_A-Z0-9@+(](?:(?<=_)_|(?<=R)R|(?<=[A-Z0-9])[A-Z0-9]{5}"
    r"|(?<=@)[A-Za-z0-9][A-Za-z0-9\-]*\.[A-Za-z]|(?<=[+(0-9])[0-9 ().\-]{5,20}[0-9]"
    r"|(?<=[0-9])[A-Z]?[ \t]+[A-Z0-9]|(?<=[0-9])[A-Z0-9]? [0-9])"
)
_ASCII_WORDS = re.compile(r"[a-z]+")
# The cue words, but for the letters of "i.d." and "e-ticket": their other word ("ticket")
# or the dotted form is looked for instead, so that every "I" does not count as a cue.
_CUE_WORDS = CUE_FIRST_WORDS - {"i", "d", "e"}

_Candidate = tuple[int, int, int, PersonalDataKind]  # priority, start, end, kind
_NOTHING = PersonalDataFinding((), take_offline=False, reason="No personal data found.")


def find_personal_data(text: str, *, public: bool = True) -> PersonalDataFinding:
    """Every piece of personal data `text` exposes, and whether to move to a private channel.

    Spans are sorted and never overlap. `take_offline` is true when the post is public and
    exposes anything; `reason` says what, in a sentence an agent can read.
    """
    if not _may_expose(text):
        return _NOTHING
    candidates: list[_Candidate] = []
    emails: list[tuple[int, int]] = []
    if "__" in text:
        for match in _MASK.finditer(text):
            name = match["name"].lower()
            kind = next(kind for word, kind in _MASK_KINDS if word in name)
            candidates.append((_PRIORITY["mask"], match.start(), match.end(), kind))
            if kind is PersonalDataKind.EMAIL:
                emails.append(match.span())
    for start, end in _emails(text):
        candidates.append((_PRIORITY["email"], start, end, PersonalDataKind.EMAIL))
        emails.append((start, end))
    work = _blank([(start, end) for _, start, end, _ in candidates], _blank_not_text(text))
    for start, end in _cards(work):
        candidates.append((_PRIORITY["card"], start, end, PersonalDataKind.CARD))
    for start, end in find_addresses(work):
        candidates.append((_PRIORITY["address"], start, end, PersonalDataKind.ADDRESS))
    for start, end in _phones(work):
        candidates.append((_PRIORITY["phone"], start, end, PersonalDataKind.PHONE))
    for code_kind, start, end, cued in find_codes(work):
        priority = _PRIORITY["cued" if cued else "code"]
        candidates.append((priority, start, end, PersonalDataKind(code_kind)))
    for code_kind, start, end in beside_emails(work, emails):
        candidates.append((_PRIORITY["cued"], start, end, PersonalDataKind(code_kind)))
    if not candidates:
        return _NOTHING
    spans = tuple(
        PersonalDataSpan(kind, start, end, _redact(kind, text[start:end]))
        for start, end, kind in _without_overlaps(candidates)
    )
    return PersonalDataFinding(spans, public and bool(spans), _reason(spans, public=public))


def _may_expose(text: str) -> bool:
    """Whether `text` has anything personal data could be found from (see `_MAY_EXPOSE`)."""
    if _MAY_EXPOSE.search(text) is not None:
        return True
    lower = text.lower()
    return "i.d" in lower or not _CUE_WORDS.isdisjoint(_ASCII_WORDS.findall(lower))


def _emails(text: str) -> list[tuple[int, int]]:
    """Spans of the personal email addresses: not a brand's role mailbox."""
    found = []
    if "@" in text:
        for domain in _EMAIL_DOMAIN.finditer(text):
            at = domain.start()
            mailbox = _MAILBOX.search(text, max(0, at - 64), at)
            if mailbox and mailbox.group().lower().split("+", 1)[0] not in _ROLE_MAILBOXES:
                found.append((mailbox.start(), domain.end()))
    return found


def _blank_not_text(text: str) -> str:
    spans = []
    for marker, pattern in _NOT_TEXT:
        if marker in text:
            for match in pattern.finditer(text):
                start = match.start()
                if (
                    marker == "@"
                    and start
                    and (text[start - 1].isalnum() or text[start - 1] in "_.@")
                ):
                    continue  # the @ of an email, not a mention
                spans.append(match.span())
    return _blank(spans, text) if spans else text


def _blank(spans: list[tuple[int, int]], text: str) -> str:
    """`text` with the spans replaced by as many spaces, so that offsets stay the same."""
    if not spans:
        return text
    pieces = []
    cursor = 0
    for span_start, span_end in sorted(spans):
        start = max(span_start, cursor)
        pieces += [text[cursor:start], " " * max(0, span_end - start)]
        cursor = max(cursor, span_end)
    pieces.append(text[cursor:])
    return "".join(pieces)


def _without_overlaps(candidates: list[_Candidate]) -> list[tuple[int, int, PersonalDataKind]]:
    """The strongest candidates that do not overlap, in text order."""
    kept: list[tuple[int, int, PersonalDataKind]] = []  # sorted by start, never overlapping
    for _, start, end, kind in sorted(candidates, key=lambda c: (-c[0], c[1], -(c[2] - c[1]))):
        at = bisect.bisect_left(kept, (start,))
        before_free = at == 0 or kept[at - 1][1] <= start
        after_free = at == len(kept) or kept[at][0] >= end
        if start < end and before_free and after_free:
            kept.insert(at, (start, end, kind))
    return kept


def _cards(text: str) -> list[tuple[int, int]]:
    found = []
    for match in _CARD.finditer(text):
        raw = match.group()
        groups = re.split(r"[ \-]", raw)
        while groups:
            candidate = " ".join(groups)
            if _is_card(candidate, text, match.start()):
                found.append((match.start(), match.start() + len(candidate)))
                break
            if len(groups) == 1:
                break
            groups = groups[:-1]
    return found


def _is_card(raw: str, text: str, start: int) -> bool:
    groups = raw.split(" ")
    digits = "".join(groups)
    if not 13 <= len(digits) <= 19:
        return False
    sizes = [len(g) for g in groups]
    if len(groups) > 1 and not (
        (all(size == 4 for size in sizes[:-1]) and 1 <= sizes[-1] <= 4)
        or sizes in ([4, 6, 5], [4, 6, 4])
    ):
        return False
    if (
        len(groups) == 1
        and len(digits) > 16
        and not _CARD_CUE.search(text, max(0, start - 40), start)
    ):
        return False
    return _card_brand_length(digits) and _luhn(digits)


# (lowest and highest first four digits, lengths) of the card brands' numbers: Visa,
# Mastercard, American Express, Diners Club, JCB, UnionPay, Discover and Maestro.
_CARD_RANGES = (
    (4000, 4999, (13, 16, 19)),
    (5100, 5599, (16,)),
    (2221, 2720, (16,)),
    (3400, 3499, (15,)),
    (3700, 3799, (15,)),
    (3600, 3699, (14,)),
    (3000, 3099, (14, 16)),
    (3800, 3999, (14, 16)),
    (3528, 3589, (16, 17, 18, 19)),
    (6200, 6299, (16, 17, 18, 19)),
    (5000, 6999, (16, 19)),
)


def _card_brand_length(digits: str) -> bool:
    """Whether the number starts like a card brand's numbers and has one of its lengths."""
    first_four = int(digits[:4])
    for low, high, lengths in _CARD_RANGES:
        if low <= first_four <= high:
            return len(digits) in lengths
    return False


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _phones(text: str) -> list[tuple[int, int]]:
    found = []
    for match in _PHONE.finditer(text):
        raw = match.group().rstrip(" .-(")
        if raw.count("(") != raw.count(")"):
            raw = raw.lstrip("(")
            if raw.count("(") != raw.count(")"):
                continue
        start = match.start() + match.group().index(raw)
        if _is_phone(raw.strip()) and not follows_case_reference(text, start):
            found.append((start, start + len(raw)))
    return found


def _is_phone(raw: str) -> bool:
    digits = "".join(c for c in raw if "0" <= c <= "9")
    if raw.startswith("+") or digits.startswith("00"):
        international = digits[4:] if digits.startswith("0011") else digits.lstrip("0")
        if raw.startswith("+"):
            international = digits
        if international.startswith("1"):
            return len(international) == 11 and _nanp_subscriber(international[1:])
        return 8 <= len(international) <= 15 and not international.startswith(("800", "808"))
    if digits.startswith("0"):
        return (
            len(digits) in (10, 11) and digits[1] != "0" and bool(_NATIONAL_LAYOUT.fullmatch(raw))
        )
    if (len(digits) == 11 and digits[0] == "1") or len(digits) == 10:
        return bool(_NANP_LAYOUT.fullmatch(raw)) and _nanp_subscriber(digits[-10:])
    return False


def _nanp_subscriber(ten: str) -> bool:
    """A North American number that rings a person: valid area and exchange, not toll-free."""
    return ten[0] not in "01" and ten[3] not in "01" and not ten.startswith(_TOLL_FREE)


def _redact(kind: PersonalDataKind, value: str) -> str:
    """A short form of a value that says what it is without exposing it."""
    if value.startswith("__") and value.endswith("__"):
        return value  # a mask exposes nothing itself
    digits = "".join(c for c in value if "0" <= c <= "9")
    if kind is PersonalDataKind.EMAIL:
        local, _, domain = value.partition("@")
        return f"{local[:1]}***@{domain}"
    if kind is PersonalDataKind.PHONE:
        return f"***-***-{digits[-4:]}"
    if kind is PersonalDataKind.CARD:
        return f"**** {digits[-4:]}"
    if kind is PersonalDataKind.ADDRESS:
        return redact_address(value)
    compact = value.replace(" ", "")
    return f"***{compact[-2:]}" if len(compact) > 4 else "***"


def _reason(spans: tuple[PersonalDataSpan, ...], *, public: bool) -> str:
    if not spans:
        return "No personal data found."
    counts = {kind: sum(1 for s in spans if s.kind is kind) for kind in _PHRASES}
    phrases = [
        _PHRASES[kind][0] if count == 1 else f"{count} {_PHRASES[kind][1]}"
        for kind, count in counts.items()
        if count
    ]
    listed = phrases[0] if len(phrases) == 1 else ", ".join(phrases[:-1]) + " and " + phrases[-1]
    if public:
        return f"Public post exposes {listed}: reply privately and ask the customer to delete it."
    return f"Private message contains {listed}; it can stay in this private channel."

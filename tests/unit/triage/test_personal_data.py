"""Personal data in posts: each kind on real-looking posts, the hard negatives, the
labelled set built from the real data, and any text at all."""

import importlib.util
import json
import re
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carelane.triage.personal_data import (
    _MAY_EXPOSE,
    PersonalDataFinding,
    PersonalDataKind,
    PersonalDataSpan,
    find_personal_data,
)

FIXTURES = Path(__file__).parents[2] / "fixtures"
CASES = FIXTURES / "personal_data_cases.jsonl"


def exposed(text: str) -> list[tuple[str, str]]:
    """(kind, value) of every span found in `text`."""
    return [
        (span.kind.value, text[span.start : span.end]) for span in find_personal_data(text).spans
    ]


# --- each kind ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "@SouthwestAir confirmation number for new reservation is FP9M6Y I am traveling "
            "with a 3 year old. please email? jennifer.cascino@gmail.com",
            [("booking", "FP9M6Y"), ("email", "jennifer.cascino@gmail.com")],
        ),
        (
            "@united can you email me here? frank@postsecret.com",
            [("email", "frank@postsecret.com")],
        ),
        (
            "@SpotifyCares Email: Sofia.Patel+spotify@student.uq.edu.au",
            [("email", "Sofia.Patel+spotify@student.uq.edu.au")],
        ),
        ("@SpotifyCares my email is __email__", [("email", "__email__")]),
    ],
)
def test_emails(text: str, expected: list[tuple[str, str]]) -> None:
    assert exposed(text) == expected


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("@JetBlue Someone better call my wife back. 203-382-3312 while she waits", "203-382-3312"),
        ("@united yes, please give me a call 9148445695", "9148445695"),
        ("@united please call me at (690) 234-9622.", "(690) 234-9622"),
        ("@USAirways We hv NO loanr.5084773604 HELP", "5084773604"),
        ("@AmericanAir Embassy Suites\nUS \n+1-703-464-0200", "+1-703-464-0200"),
        ("@united call me on +44 7700 900123 please", "+44 7700 900123"),
        ("@united my number is 07700 900123", "07700 900123"),
        ("@SpotifyCares reach me at +33 6 12 34 56 78", "+33 6 12 34 56 78"),
        ("@AmericanAir cell +91 98765 43210 thanks", "+91 98765 43210"),
        (
            "Hi Yahoo. This is the phone where the account was created.\n01120738976 only",
            "01120738976",
        ),
        ("@SpotifyCares call __phone__ please", "__phone__"),
    ],
)
def test_phones(text: str, phone: str) -> None:
    assert exposed(text) == [("phone", phone)]


@pytest.mark.parametrize(
    ("text", "card"),
    [
        (
            "@SpotifyCares charged twice on 4111 1111 1111 1111, refund please",
            "4111 1111 1111 1111",
        ),
        ("@united My card number is 5555-5555-5555-4444.", "5555-5555-5555-4444"),
        ("@AmericanAir Amex 3782 822463 10005 was charged", "3782 822463 10005"),
        ("@SpotifyCares cc 4012888888881881 exp 09/27", "4012888888881881"),
        ("@SpotifyCares Order number __credit_card__-2", "__credit_card__"),
    ],
)
def test_cards(text: str, card: str) -> None:
    assert exposed(text) == [("card", card)]


@pytest.mark.parametrize(
    ("text", "account"),
    [
        ("@SouthwestAir Conf# FVF9YW  SWRR# 298033455", "298033455"),
        ("@USAirways My Gold Div no. 2k424j0.", "2k424j0"),
        ("@USAirways can you attach my AA FF# 94LXA62 to it", "94LXA62"),
        ("@JetBlue SkyMiles # 2822484944 thanks", "2822484944"),
        ("@SouthwestAir Still $LUV you! -RR 1079871763", "1079871763"),
        ("@SpotifyCares username: bknight2126", "bknight2126"),
        ("@SpotifyCares Username Fusionette.", "Fusionette"),
        ("@SpotifyCares _manny24 is my username. I would prefer not", "_manny24"),
        (
            "@RockstarSupport I play on Xbox One and my gamer tag is phantomstrike50",
            "phantomstrike50",
        ),
        ("@MojangSupport i cant log into my DerClown_ account", "DerClown_"),
        ("@SpotifyCares her account is salmakusjj", "salmakusjj"),
        ("@SpotifyCares kodasquirrel __email__ thank you!!", "kodasquirrel"),
    ],
)
def test_accounts(text: str, account: str) -> None:
    assert ("account", account) in exposed(text)


@pytest.mark.parametrize(
    ("text", "booking"),
    [
        ("@SouthwestAir flt 648 from Buf to MCO. Conf#FGKXV5. Please", "FGKXV5"),
        ("@AmericanAir please rebook me, locator: KARAAX, name: M Neuer", "KARAAX"),
        ("@united - please help regarding PNR A3ZZ0F. Why am I waitlisted", "A3ZZ0F"),
        ("@SouthwestAir - Hi. My flight confirmation # is fwwe7f. We are stuck", "fwwe7f"),
        ("@AmericanAir LTALJX, from DCA to OMA this morning.", "LTALJX"),
        ("@SouthwestAir thank you : 8UXZJ2 Paid for early bird", "8UXZJ2"),
        ("@SouthwestAir 8FKQW is the conf #. Thanks for the reply", "8FKQW"),
        ("@united e-ticket # 0162389030167, refund request # 16866853", "0162389030167"),
        ("@USAirways 8 weeks to refund this ticket - 0372389047497?!?", "0372389047497"),
        ("@SouthwestAir please expedite missing bag claim #3526665682. Thanks!", "3526665682"),
        ("@united GIVE ME A NUMBER TO CALL A HUMAN. SAN68059M", "SAN68059M"),
        ("@united My bag reference ID number is IND43728M.", "IND43728M"),
        ("@SpotifyCares Invoice ID\nP039C2031A    10/2  Thanks.", "P039C2031A"),
        ("@amazon order #112-3456789-1234567 never came", "112-3456789-1234567"),
    ],
)
def test_bookings(text: str, booking: str) -> None:
    assert ("booking", booking) in exposed(text)


def test_bag_tags_listed_after_one_cue() -> None:
    text = "@united tag numbers 0016 964012, 0016 964077, 0016 964078 - let's find these bags."
    assert exposed(text) == [
        ("booking", "0016 964012"),
        ("booking", "0016 964077"),
        ("booking", "0016 964078"),
    ]


def test_two_codes_listed_together() -> None:
    text = "@AmericanAir please connect these two reservations. KEVOLT and SOZLDJ march 1."
    assert exposed(text) == [("booking", "KEVOLT"), ("booking", "SOZLDJ")]


@pytest.mark.parametrize(
    ("text", "address"),
    [
        (
            "@united Please deliver it to 123 Maple Ave, Apt 4B, Springfield, IL 62704.",
            "123 Maple Ave, Apt 4B, Springfield, IL 62704",
        ),
        (
            "@AmericanAir Embassy Suites\n13341 Woodland Park Drive\nHerndon, Virginia, 20171 \nUS",
            "13341 Woodland Park Drive\nHerndon, Virginia, 20171",
        ),
        (
            "@united ship to 77 W. 55th Street, New York, NY 10019",
            "77 W. 55th Street, New York, NY 10019",
        ),
        (
            "@united my address is 221B Baker Street, London NW1 6XE",
            "221B Baker Street, London NW1 6XE",
        ),
        (
            "@united home: Flat 3, 14 Station Road, Leeds, LS6 2AB",
            "Flat 3, 14 Station Road, Leeds, LS6 2AB",
        ),
        ("@SpotifyCares my postcode is SW1A 1AA", "SW1A 1AA"),
    ],
)
def test_addresses(text: str, address: str) -> None:
    assert exposed(text) == [("address", address)]


# --- hard negatives -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "@JetBlue No worries. It was captain of flight 2324 by the way.",
        "@united UA6255 delayed out of #winnipeg. Will I make my connection on UA1059?",
        "@AmericanAir 9 empty seats open in 1st on AA1061 #AA2444 #DL123",
        "@JetBlue Flight 1133 (N353JB) departs @mco http://t.co/SWZm2fX3nu",
        "@USAirways my wife left her phone on flight AWE474 on Friday February 20th",
        "@united I was denied use of a rear facing car seat on UA5025, an ERJ145.",
        "@AmericanAir FLT 79 LHRDFW and to FA Susan for such a warm welcome",
        "@JetBlue $130 paid &amp; confirmed flight will now cost me $566.80 at 10:30 on 2/24/15",
        "@SpotifyCares Chrome 61.0.3163.100 on macOS 10.12.6, iOS 11.0.3 (15A432)",
        "@SpotifyCares 5.1.1 LMY47V. Spotify 8.4.22.515 armV7, Acer E1572P, Model MQ7Q2LL/A1905",
        "@USAirways Mail comes from 153.69.214.203 but the SPF record disallows it",
        "@SpotifyCares blocked requests to 104.199.65.135:4070 by Spotify",
        "RT @JetBlue 570106249024446464 https://twitter.com/JetBlue/status/570106249024446464",
        "@USAirways I keep calling your help line (800) 428-4322 and 1-800-433-7300",
        "@united This is NOT a local number for Malaysia 0011 800-55558000.",
        "@VirginAmerica the info@virginamerica.com address you say to contact doesn't exist",
        "@AmericanAir I ended up emailing my #Complaint to customer.relations@aa.com",
        "@united probably wouldn't be doing it had someone returned my call. Case number 8273993",
        "@united e-ticket refund request # 16866853, case id # 8465981",
        "@AmericanAir answer my claims (AA Ref#1-2990176298, 1-3001885409)",
        "@AmericanAir request: 1-2888155964    thanks",
        "@SouthwestAir Terry #85832 U Rock! Jason (108639) at Gate #3 in SAN",
        "@united I WANTED TO SEE THEM TONIGHT SO BAD!!!! #CRYING #RIPOFF",
        "@SpotifyCares Tried using NVIDIA drivers, reset NVRAM",
        "@SpotifyCares My account is set to US. my account is U.S.",
        "@SpotifyCares fix tht plz my username is embarrassing",
        "@SpotifyCares Can someone fix my account!!!! you guys cut my account off.",
        "@united how can i trust United with future Flight Booking Problemss",
        "@SpotifyCares Sure it's spotify:user:charleydagger:playlist:27l14IB3d7ssSH3B5CIsHH",
        "@united I look forward to the 240 kms drive. 40 min drive, 1 click way",
        "@united Gate B11 in Albany, NY, Terminal 5 - New York",
        "@SpotifyCares card 4111 1111 1111 1112 is not a valid number",
        "@gmail the former number ending in 1237",
        "",
    ],
)
def test_hard_negatives(text: str) -> None:
    assert exposed(text) == []


# --- the finding --------------------------------------------------------------------------


def test_public_post_with_personal_data_goes_offline() -> None:
    finding = find_personal_data("@united card 4111 1111 1111 1111, call me 203-382-3312")
    assert finding.take_offline
    assert finding.kinds == {PersonalDataKind.CARD, PersonalDataKind.PHONE}
    assert finding.reason == (
        "Public post exposes a card number and a phone number: "
        "reply privately and ask the customer to delete it."
    )


def test_reason_counts_several_of_a_kind() -> None:
    finding = find_personal_data("@SpotifyCares __email__ or __email__ or a@b.co")
    assert finding.reason.startswith("Public post exposes 3 email addresses:")


def test_private_message_stays_private() -> None:
    finding = find_personal_data("my email is jane.doe@example.com", public=False)
    assert not finding.take_offline
    assert [span.kind for span in finding.spans] == [PersonalDataKind.EMAIL]
    assert finding.reason.startswith("Private message contains an email address")


def test_post_without_personal_data() -> None:
    finding = find_personal_data("@united flight 2324 delayed again #fail")
    assert finding == PersonalDataFinding((), take_offline=False, reason="No personal data found.")


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        ("write to jane.doe@example.com", "j***@example.com"),
        ("call 203-382-3312", "***-***-3312"),
        ("card 4111 1111 1111 1111", "**** 1111"),
        ("Conf#FGKXV5", "***V5"),
        ("deliver to 123 Maple Ave, Springfield, IL 62704", "*** (627**)"),
        ("221B Baker Street, London NW1 6XE", "NW1 ***"),
        ("mail __email__", "__email__"),
    ],
)
def test_redacted_form(text: str, redacted: str) -> None:
    (span,) = find_personal_data(text).spans
    assert span.redacted == redacted


# --- the labelled set from the real data ---------------------------------------------------


def _load_builder() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "build_personal_data_cases", FIXTURES / "build_personal_data_cases.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_labelled_set_is_what_the_builder_writes(data_dir: Path) -> None:
    builder = _load_builder()
    written = CASES.read_text(encoding="utf-8").splitlines()
    assert [case.as_json() for case in builder.build(data_dir)] == written


def _correct(span: PersonalDataSpan, gold: dict[str, int | str]) -> bool:
    """A found span is right when its kind matches and it covers half the labelled span."""
    start, end = int(gold["start"]), int(gold["end"])
    overlap = min(span.end, end) - max(span.start, start)
    return span.kind.value == gold["kind"] and 2 * overlap >= end - start


def test_precision_and_recall_on_the_labelled_set(capsys: pytest.CaptureFixture[str]) -> None:
    cases = [json.loads(line) for line in CASES.read_text(encoding="utf-8").splitlines()]
    labelled, found, missed, wrong = Counter[str](), Counter[str](), Counter[str](), Counter[str]()
    for case in cases:
        spans = find_personal_data(case["text"]).spans
        for gold in case["spans"]:
            labelled[gold["kind"]] += 1
            if not any(_correct(span, gold) for span in spans):
                missed[gold["kind"]] += 1
        for span in spans:
            found[span.kind.value] += 1
            if not any(_correct(span, gold) for gold in case["spans"]):
                wrong[span.kind.value] += 1
    lines = [f"{'kind':8} {'spans':>6} {'found':>6} {'precision':>10} {'recall':>7}"]
    for kind in [*sorted(labelled), "all"]:
        gold_n = labelled.total() if kind == "all" else labelled[kind]
        found_n = found.total() if kind == "all" else found[kind]
        wrong_n = wrong.total() if kind == "all" else wrong[kind]
        missed_n = missed.total() if kind == "all" else missed[kind]
        precision = 1 - wrong_n / found_n if found_n else 1.0
        recall = 1 - missed_n / gold_n if gold_n else 1.0
        lines.append(f"{kind:8} {gold_n:6} {found_n:6} {precision:10.3f} {recall:7.3f}")
    table = "\n".join(lines)
    with capsys.disabled():
        sys.stdout.write(f"\npersonal data on {len(cases)} labelled posts\n{table}\n")
    precision = 1 - wrong.total() / found.total()
    recall = 1 - missed.total() / labelled.total()
    assert labelled.total() >= 400
    assert sum(1 for case in cases if not case["spans"]) >= 300
    assert precision >= 0.95, table
    assert recall >= 0.95, table


# --- any text -----------------------------------------------------------------------------

PIECES = [
    "jane.doe@example.com", "__email__", "__credit_card__", "203-382-3312", "+44 7700 900123",
    "(690) 234-9622", "4111 1111 1111 1111", "Conf#FGKXV5", "PNR A3ZZ0F", "SOZLDJ", "and",
    "username: bknight2126", "SWRR# 298033455", "0016 964012", "SAN68059M", "0162389030167",
    "123 Maple Ave, Springfield, IL 62704", "SW1A 1AA", "flight 2324", "UA1234", "N598JB",
    "10:30", "$566.80", "2/24/15", "http://t.co/abc", "@united", "#DL123", "\n", "  ", ",",
    "my account is", "kodasquirrel", "1-800-433-7300", "İ", "😡", "\x00", "\u200b", "١٢٣٤٥٦٧٨٩٠",
]  # fmt: skip
any_text = st.text(alphabet=st.characters(codec=None), max_size=400)
post_like = st.lists(st.sampled_from(PIECES) | any_text, max_size=30).map(" ".join)


def check_finding(text: str, finding: PersonalDataFinding, *, public: bool) -> None:
    previous_end = 0
    for span in finding.spans:
        assert isinstance(span.kind, PersonalDataKind)
        assert previous_end <= span.start < span.end <= len(text)
        previous_end = span.end
        value = text[span.start : span.end]
        assert span.redacted
        assert span.redacted != value or (value.startswith("__") and value.endswith("__"))
    assert finding.take_offline == (public and bool(finding.spans))
    assert finding.reason


@given(text=any_text | post_like, public=st.booleans())
def test_any_text_gets_a_valid_finding(text: str, public: bool) -> None:
    check_finding(text, find_personal_data(text, public=public), public=public)


@given(text=post_like)
def test_a_private_channel_finds_the_same_spans(text: str) -> None:
    public = find_personal_data(text, public=True)
    private = find_personal_data(text, public=False)
    assert public.spans == private.spans
    assert not private.take_offline


@pytest.mark.parametrize(
    "text",
    [
        "x" * 10_000,
        "1 " * 5_000,
        "__email__" * 1_100,
        "conf # " * 1_400,
        "ABCDEF " * 1_400,
        "a@b.co " * 1_400,
        "kodasquirrel\n__email__\n" * 400,
        "".join(chr(c) for c in range(0, 0x3000, 3)),
    ],
)
def test_long_and_strange_texts(text: str) -> None:
    check_finding(text, find_personal_data(text), public=True)


# The gate in front of the finders, as first written: the faster spelling must agree.
_PLAIN_GATE = re.compile(
    r"__|RR|[A-Z0-9]{6}|@[A-Za-z0-9][A-Za-z0-9\-]*\.[A-Za-z]|[+(0-9][0-9 ().\-]{5,20}[0-9]"
    r"|[0-9][A-Z]?[ \t]+[A-Z0-9]|[0-9][A-Z0-9]? [0-9]"
)


def test_the_gate_lets_through_what_its_plain_pattern_finds_in_real_posts(
    real_texts: list[str],
) -> None:
    passed = [_MAY_EXPOSE.search(text) is not None for text in real_texts]
    assert passed == [_PLAIN_GATE.search(text) is not None for text in real_texts]
    assert 0 < sum(passed) < len(real_texts)


@given(
    st.lists(
        st.sampled_from(["__", "R", "RR", "AB12CD", "@a-b.c", "+1 (555) 0100-22", "4 B", "12 3"])
        | st.text(alphabet="_R@+(.- \t\naZ09", max_size=8),
        max_size=8,
    ).map("".join)
)
def test_the_gate_lets_through_what_its_plain_pattern_finds_in_any_text(text: str) -> None:
    assert (_MAY_EXPOSE.search(text) is None) == (_PLAIN_GATE.search(text) is None)

"""Postal addresses in a post: US street addresses and UK postcodes.

A street address starts at its house number (221B) and a capitalised street name with a
suffix (Street, Ave, Blvd, Rd, Dr, Lane ...), and runs over its unit (Apt 4B, Suite 210,
#12, or "Flat 3," before the number), city, state (code or name) and ZIP code, or city and
UK postcode, when they follow. A UK postcode alone counts too ("SW1A 1AA"): it names a
handful of homes. Lower-case phrases ("40 min drive", "1 click way") are not addresses.
"""

import re

_STATES = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV"
    "|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|Alabama|Alaska|Arizona"
    "|Arkansas|California|Colorado|Connecticut|Delaware|Florida|Georgia|Hawaii|Idaho|Illinois"
    "|Indiana|Iowa|Kansas|Kentucky|Louisiana|Maine|Maryland|Massachusetts|Michigan|Minnesota"
    "|Mississippi|Missouri|Montana|Nebraska|Nevada|New Hampshire|New Jersey|New Mexico"
    "|New York|North Carolina|North Dakota|Ohio|Oklahoma|Oregon|Pennsylvania|Rhode Island"
    "|South Carolina|South Dakota|Tennessee|Texas|Utah|Vermont|Virginia|Washington"
    "|West Virginia|Wisconsin|Wyoming"
)
_POSTCODE = r"[A-PR-UWYZ][A-HK-Y]?[0-9][A-Z0-9]? [0-9][ABD-HJLNP-UW-Z]{2}"
_STREET = re.compile(
    r"[0-9](?<![\w#/.\-][0-9])[0-9]{0,5}[A-Z]?[ \t]+"
    r"(?:(?:N|S|E|W|NE|NW|SE|SW|North|South|East|West)\.?[ \t]+)?"
    r"(?:(?:[A-Z][a-z'\u2019]+|[0-9]{1,3}(?:st|nd|rd|th))[ \t]+){1,4}"
    r"(?P<suffix>Street|St|Avenue|Ave|Boulevard|Blvd|Road|Rd|Drive|Dr|Lane|Ln|Way|Court|Ct"
    r"|Place|Pl|Parkway|Pkwy|Highway|Hwy|Circle|Cir|Terrace|Ter|Square|Sq|Trail|Trl|Close"
    r"|Crescent|Grove|Gardens|Row|Loop|Pike)\b\.?"
)
_ADDRESS_TAIL = re.compile(
    r"(?:,?[ \t]*(?:Apt|Apartment|Suite|Ste|Unit|Fl|Floor|Rm|Room|\#)\.?[ \t]*[A-Za-z0-9\-]{1,6})?"
    r"(?:,?\s*(?:[A-Z][a-z.'\-]+(?:[ \t][A-Z][a-z.'\-]+){0,2}),?\s+"
    rf"(?:(?:{_STATES})\b\.?,?[ \t]*(?:[0-9]{{5}}(?:-[0-9]{{4}})?)?|{_POSTCODE}\b)"
    rf"|,?\s+{_POSTCODE}\b)?"
)
_ZIP_AT_END = re.compile(r"\b[0-9]{5}(?:-[0-9]{4})?\Z")
_UNIT_BEFORE = re.compile(r"\b(?:Flat|Apt|Apartment|Unit|Suite)\.?[ \t]+[A-Za-z0-9]{1,5},?[ \t]*\Z")
_LONE_POSTCODE = re.compile(
    r"[A-PR-UWYZ](?<![\w\-][A-Z])[A-HK-Y]?[0-9][A-Z0-9]? [0-9][ABD-HJLNP-UW-Z]{2}(?![\w\-])"
)


def find_addresses(text: str) -> list[tuple[int, int]]:
    """Spans of the US street addresses (with unit, city, state, ZIP) and UK postcodes."""
    found = []
    for match in _STREET.finditer(text):
        start, end = match.span()
        tail = _ADDRESS_TAIL.match(text, end)
        if tail:
            end = tail.end()
        unit = _UNIT_BEFORE.search(text, max(0, start - 16), start)
        if unit:
            start = unit.start()
        found.append((start, end))
    for match in _LONE_POSTCODE.finditer(text):
        if not any(s <= match.start() < e for s, e in found):
            found.append(match.span())
    return found


def redact_address(value: str) -> str:
    """The district only: a UK postcode's outward half, or a ZIP code's first three digits."""
    postcode = _LONE_POSTCODE.search(value)
    if postcode:
        return f"{postcode.group().split(' ')[0]} ***"
    zip_code = _ZIP_AT_END.search(value)
    return f"*** ({zip_code.group()[:3]}**)" if zip_code else "*** (street address)"

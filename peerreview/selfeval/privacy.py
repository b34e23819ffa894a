"""Scan case texts (casussen) for personal data before submission.

A finding is a question to the coordinator ("is this personal data?"), not a verdict: each one is
either fixed in the text or marked "not personal". The rules favour few false positives on the
numbers case texts are full of (years, amounts, fte, GM codes, meeting dates) while still catching
the usual identifiers.

Rules (all digits are ASCII 0-9; a match never starts or ends inside a word or a longer number,
e.g. not after "GM", not in "1.123.456.782" or after "€"):

- ``bsn``: 9 digits, written together or as 3-3-3 / 4-2-3 groups with one kind of separator
  (space, dot, hyphen), or 8 digits together (padded with a leading 0); only if the 11-proef passes.
- ``iban``: two letters, two check digits and the account part, together or in groups of four
  separated by single spaces, any case; only if :func:`is_valid_iban` passes (mod 97, length).
- ``telefoon``: a Dutch number of 10 digits starting with 0 but not 00: 0 + 1-3 digit area code +
  8-6 digit subscriber number, area code optionally in parentheses; the subscriber number together or
  in the usual groups of 2, 3 or 4 digits. International forms +31 / 0031 (optionally "(0)") are
  accepted. Dates and amounts never have the required 10 digits and a leading 0.
- ``email``: local part of word characters and ``.%+-`` (no leading, trailing or double dots),
  "@", dot-separated domain labels and a top-level domain of at least two letters.
- ``postcode_huisnummer``: a postcode ("1234 AB" / "1234AB", first digit 1-9, upper-case letters
  other than SA, SD and SS) followed by a house number ("1234 AB 12", "1234AB, 12"), or a street
  word with a house number followed by a postcode ("Dorpsstraat 12, 7411 AB"). A house number is
  digits optionally followed by a letter, "-2" or " bis". A bare postcode (a wijk) is not flagged.
- ``geboortedatum``: a valid day-month-year date ("31-12-2009", "31/12/2009", "31.12.2009",
  "03-03-12", "3 maart 2012", "3 mrt. 2012") on which someone would now be 0-27 years old (the
  youth care age range), that either starts within 40 characters after a birth cue (geboren, geb,
  geboortedatum, gebdat, °) with no other date in between, or is a numeric date with a four-digit
  year that has no meeting or period cue (gesprek, overleg, op, sinds, vanaf, tot, d.d., van, t/m,
  tussen, en, per) in the 15 characters before it. So "Op 12 maart 2024 hadden we een overleg" is
  not flagged, but "Het plan is op 14-02-2023 vastgesteld" without the "op" would be. A two-digit
  year is read as 20yy unless that lies in the future, then as 19yy.

Overlapping findings are resolved in favour of the more specific kind, in the order of
``_PRIORITY`` (iban before email before bsn before telefoon, ...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

KINDS: dict[str, str] = {
    "bsn": "Burgerservicenummer (BSN)",
    "iban": "Bankrekeningnummer (IBAN)",
    "telefoon": "Telefoonnummer",
    "email": "E-mailadres",
    "postcode_huisnummer": "Postcode met huisnummer",
    "geboortedatum": "Datum die op een geboortedatum lijkt",
}

_PRIORITY = ("iban", "email", "bsn", "telefoon", "postcode_huisnummer", "geboortedatum")

# Not inside a word or a longer number, and not an amount.
_START = r"(?<!\w)(?<![0-9][.,/-])(?<!€)(?<!€\s)"
_END = r"(?!\w)(?![.,/-][0-9])"

_BSN = re.compile(
    rf"{_START}(?:[0-9]{{3}}(?P<sep3>[ .-])[0-9]{{3}}(?P=sep3)[0-9]{{3}}"
    rf"|[0-9]{{4}}(?P<sep4>[ .-])[0-9]{{2}}(?P=sep4)[0-9]{{3}}|[0-9]{{8,9}}){_END}"
)

_IBAN = re.compile(r"(?<!\w)[A-Za-z]{2}[0-9]{2}(?: ?[A-Za-z0-9]{4}){2,7}(?: ?[A-Za-z0-9]{1,3})?(?!\w)")
_IBAN_LENGTHS = {"NL": 18, "BE": 16, "DE": 22, "LU": 20, "FR": 27, "GB": 22}

# Subscriber numbers of 8, 7 and 6 digits, together or in the usual groups.
_SUB8 = (  # 12345678, 1234 5678, 12 34 56 78, 123 456 78, 12 345 678
    r"(?:[0-9]{8}|[0-9]{4}[ -][0-9]{4}|[0-9]{2}(?:[ -][0-9]{2}){3}"
    r"|[0-9]{3}[ -][0-9]{3}[ -][0-9]{2}|[0-9]{2}[ -][0-9]{3}[ -][0-9]{3})"
)
_SUB7 = r"(?:[0-9]{7}|[0-9]{3}[ -][0-9]{4}|[0-9]{3}(?:[ -][0-9]{2}){2}|[0-9]{2}[ -][0-9]{2}[ -][0-9]{3})"
_SUB6 = r"(?:[0-9]{6}|[0-9]{3}[ -][0-9]{3}|[0-9]{2}(?:[ -][0-9]{2}){2})"
_AREA_SUB = rf"(?:6[ -]?{_SUB8}|[1-9][0-9][ -]?{_SUB7}|[1-9][0-9]{{2}}[ -]?{_SUB6})"
_PHONE = re.compile(
    rf"{_START}(?:"
    rf"(?:\+|00)31[ -]?(?:\(0\) ?)?{_AREA_SUB}"  # +31 6 12345678, 0031 570 123456, +31 (0)20 1234567
    rf"|\(0(?:6\) ?{_SUB8}|[1-9][0-9]\) ?{_SUB7}|[1-9][0-9]{{2}}\) ?{_SUB6})"  # (0570) 12 34 56
    rf"|0{_AREA_SUB}"  # 06-12345678, 020-1234567, 0570 123456
    rf"){_END}"
)

_EMAIL = re.compile(r"(?<![\w.%+-])[\w%+-]+(?:\.[\w%+-]+)*@(?:[^\W_](?:[\w-]*[^\W_])?\.)+[^\W\d_]{2,}(?![\w-])")

_POSTCODE = r"[1-9][0-9]{3} ?(?!S[ADS])[A-Z]{2}"
_HOUSE_NUMBER = r"[1-9][0-9]{0,4}(?:-?[A-Za-z]|-[0-9]{1,4}| bis)?"
_ADDRESS = re.compile(
    rf"{_START}{_POSTCODE},? {_HOUSE_NUMBER}{_END}"  # 1234 AB 12, 1234AB, 12
    rf"|(?<!\w)[^\W\d_]+\.? {_HOUSE_NUMBER}(?:,\s*|\s+){_POSTCODE}(?!\w)"  # Dorpsstraat 12, 7411 AB
)

_MONTHS = {
    "januari": 1,
    "jan": 1,
    "februari": 2,
    "feb": 2,
    "maart": 3,
    "mrt": 3,
    "april": 4,
    "apr": 4,
    "mei": 5,
    "juni": 6,
    "jun": 6,
    "juli": 7,
    "jul": 7,
    "augustus": 8,
    "aug": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "oktober": 10,
    "okt": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}
_NUMERIC_DATE = re.compile(
    rf"{_START}(?P<day>[0-9]{{1,2}})(?P<sep>[-/.])(?P<month>[0-9]{{1,2}})(?P=sep)(?P<year>[0-9]{{4}}|[0-9]{{2}}){_END}"
)
_WRITTEN_DATE = re.compile(
    rf"{_START}(?P<day>[0-9]{{1,2}})\s+(?P<month>{'|'.join(sorted(_MONTHS, key=len, reverse=True))})\.?"
    rf"\s+(?P<year>[0-9]{{4}}){_END}",
    re.IGNORECASE,
)
_BIRTH_CUE = re.compile(r"\bgeboren\b|\bgeboortedatum\b|\bgebdat\b|\bgeb\b|°", re.IGNORECASE)
_EVENT_CUE = re.compile(
    r"\bgesprek|\boverleg|\bop\b|\bsinds\b|\bvanaf\b|\btot\b|\bd\.d\.|\bvan\b|\bt/m\b|\btussen\b|\ben\b|\bper\b",
    re.IGNORECASE,
)
_BIRTH_CUE_WINDOW = 40
_EVENT_CUE_WINDOW = 15
_YOUTH_MAX_AGE = 27


@dataclass(frozen=True)
class Finding:
    """One piece of text that may be personal data; ``text == scanned_text[start:end]``."""

    kind: str
    start: int
    end: int
    text: str

    @property
    def label(self) -> str:
        return KINDS[self.kind]


def is_valid_bsn(value: str) -> bool:
    """The 11-proef on 9 digits (8 digits get a leading 0); spaces, dots and hyphens are ignored."""
    digits = re.sub(r"[ .-]", "", value)
    if not re.fullmatch(r"[0-9]{8,9}", digits):
        return False
    weights = (9, 8, 7, 6, 5, 4, 3, 2, -1)
    total = sum(weight * int(digit) for weight, digit in zip(weights, digits.zfill(9), strict=True))
    return total != 0 and total % 11 == 0


def is_valid_iban(value: str) -> bool:
    """ISO 13616: length (15-34, exact for a few nearby countries) and mod 97 == 1; spaces and case ignored."""
    compact = value.replace(" ", "").upper()
    if not re.fullmatch(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}", compact):
        return False
    if len(compact) != _IBAN_LENGTHS.get(compact[:2], len(compact)):
        return False
    if not "02" <= compact[2:4] <= "98":
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(char, 36)) for char in rearranged)) % 97 == 1


def find_personal_data(text: str, today: date | None = None) -> list[Finding]:
    """All findings in ``text``, sorted by start and without overlaps."""
    today = today or date.today()
    candidates = [
        *_find_ibans(text),
        *_find_simple(text, _EMAIL, "email"),
        *(finding for finding in _find_simple(text, _BSN, "bsn") if is_valid_bsn(finding.text)),
        *_find_simple(text, _PHONE, "telefoon"),
        *_find_simple(text, _ADDRESS, "postcode_huisnummer"),
        *_find_birth_dates(text, today),
    ]
    chosen: list[Finding] = []
    for candidate in sorted(candidates, key=lambda f: (_PRIORITY.index(f.kind), f.start, -f.end)):
        if all(candidate.end <= other.start or candidate.start >= other.end for other in chosen):
            chosen.append(candidate)
    return sorted(chosen, key=lambda f: f.start)


def _finding(kind: str, text: str, start: int, end: int) -> Finding:
    return Finding(kind=kind, start=start, end=end, text=text[start:end])


def _find_simple(text: str, pattern: re.Pattern[str], kind: str) -> list[Finding]:
    return [_finding(kind, text, match.start(), match.end()) for match in pattern.finditer(text)]


def _find_ibans(text: str) -> list[Finding]:
    """The longest valid IBAN at each candidate, dropping trailing space-separated groups
    (so "BE68 5390 0754 7034 naar" still yields the IBAN)."""
    findings: list[Finding] = []
    for match in _IBAN.finditer(text):
        candidate = match.group()
        ends = [len(candidate), *(i for i, char in enumerate(candidate) if char == " ")]
        for end in sorted(ends, reverse=True):
            if is_valid_iban(candidate[:end]):
                findings.append(_finding("iban", text, match.start(), match.start() + end))
                break
    return findings


def _find_birth_dates(text: str, today: date) -> list[Finding]:
    findings: list[Finding] = []
    matches = sorted([*_NUMERIC_DATE.finditer(text), *_WRITTEN_DATE.finditer(text)], key=lambda m: m.start())
    previous_end = 0
    for match in matches:
        start = match.start()
        cue_from = max(previous_end, start - _BIRTH_CUE_WINDOW)  # a birth cue belongs to the first date after it
        previous_end = match.end()
        born = _parse_date(match, today)
        if born is None or not 0 <= _age(born, today) <= _YOUTH_MAX_AGE:
            continue
        near_birth_cue = _BIRTH_CUE.search(text, cue_from, start) is not None
        full_numeric_without_event_cue = (
            match.re is _NUMERIC_DATE
            and len(match["year"]) == 4
            and _EVENT_CUE.search(text, max(0, start - _EVENT_CUE_WINDOW), start) is None
        )
        if near_birth_cue or full_numeric_without_event_cue:
            findings.append(_finding("geboortedatum", text, start, match.end()))
    return findings


def _parse_date(match: re.Match[str], today: date) -> date | None:
    month_text = match["month"]
    month = int(month_text) if month_text.isdigit() else _MONTHS[month_text.lower()]
    year = int(match["year"])
    if len(match["year"]) == 2:
        year += 2000 if 2000 + year <= today.year else 1900
    try:
        return date(year, month, int(match["day"]))
    except ValueError:
        return None


def _age(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))

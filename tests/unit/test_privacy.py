from datetime import date
from itertools import pairwise

import pytest

from peerreview.selfeval.privacy import KINDS, Finding, find_personal_data, is_valid_bsn, is_valid_iban

TODAY = date(2025, 6, 1)


def found(text: str) -> list[tuple[str, str]]:
    findings = find_personal_data(text, today=TODAY)
    for finding in findings:
        assert text[finding.start : finding.end] == finding.text
    return [(finding.kind, finding.text) for finding in findings]


# BSN


@pytest.mark.parametrize(
    "value",
    ["111222333", "123456782", "1112.22.333", "111 222 333", "111-222-333", "12345672", "012345672"],
)
def test_valid_bsn(value):
    assert is_valid_bsn(value)


@pytest.mark.parametrize(
    "value",
    ["123456789", "111222334", "000000000", "00000000", "12345678", "1234567", "1111222333", "11122233a", ""],
)
def test_invalid_bsn(value):
    assert not is_valid_bsn(value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("BSN: 111222333.", "111222333"),
        ("bsn 123456782 van de jeugdige", "123456782"),
        ("BSN 1112.22.333 staat in het dossier", "1112.22.333"),
        ("nummer 123.456.782", "123.456.782"),
        ("nummer 123-456-782", "123-456-782"),
        ("nummer 123 456 782", "123 456 782"),
        ("(12345672)", "12345672"),
    ],
)
def test_bsn_is_flagged(text, expected):
    assert found(text) == [("bsn", expected)]


@pytest.mark.parametrize(
    "text",
    [
        "nummer 123456789",  # fails the 11-proef
        "zaaknummer 1111222333",  # a 10-digit run containing the valid 111222333
        "zaaknummer 1112223330",
        "kosten € 111.222.333",
        "1.111.222.333 inwoners",
        "code GM111222333",
        "1112.22-333",  # mixed separators
    ],
)
def test_bsn_is_not_flagged(text):
    assert found(text) == []


# IBAN


@pytest.mark.parametrize(
    "value",
    [
        "NL91ABNA0417164300",
        "NL91 ABNA 0417 1643 00",
        "nl91abna0417164300",
        "DE89370400440532013000",
        "GB82WEST12345698765432",
        "BE68539007547034",
        "NL15ABNA0111222333",
    ],
)
def test_valid_iban(value):
    assert is_valid_iban(value)


@pytest.mark.parametrize(
    "value",
    [
        "NL92ABNA0417164300",  # wrong check digits
        "DE88370400440532013000",  # wrong check digits
        "NL91ABNA041716430",  # too short for NL
        "NL91ABNA04171643000",  # too long for NL
        "NL91ABNA",  # too short
        "GB82WEST1234569876543",  # too short for GB
        "NL91-ABNA-0417-1643-00",
        "",
    ],
)
def test_invalid_iban(value):
    assert not is_valid_iban(value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("IBAN NL91ABNA0417164300.", "NL91ABNA0417164300"),
        ("rekening NL91 ABNA 0417 1643 00 t.n.v. moeder", "NL91 ABNA 0417 1643 00"),
        ("nl91abna0417164300", "nl91abna0417164300"),
        ("BE68 5390 0754 7034 naar de stichting", "BE68 5390 0754 7034"),
        ("DE89 3704 0044 0532 0130 00", "DE89 3704 0044 0532 0130 00"),
        # The account number holds the valid BSN 111222333 (and 123456782): only the IBAN is reported.
        ("NL15ABNA0111222333", "NL15ABNA0111222333"),
        ("NL64 INGB 0123 4567 82", "NL64 INGB 0123 4567 82"),
    ],
)
def test_iban_is_flagged(text, expected):
    assert found(text) == [("iban", expected)]


def test_iban_with_wrong_check_digits_is_not_flagged():
    assert found("rekening NL92ABNA0417164300") == []


# Phone numbers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("bel 06-12345678.", "06-12345678"),
        ("bel 06 1234 5678", "06 1234 5678"),
        ("bel 0612345678", "0612345678"),
        ("bel 06 12 34 56 78", "06 12 34 56 78"),
        ("bel +31 6 12345678", "+31 6 12345678"),
        ("bel +31612345678", "+31612345678"),
        ("bel 0031 6 12345678", "0031 6 12345678"),
        ("bel +31 (0)6 12345678", "+31 (0)6 12345678"),
        ("tel.020-1234567", "020-1234567"),
        ("tel. 020 123 4567", "020 123 4567"),
        ("tel: 0570 123456", "0570 123456"),
        ("tel: 0570-123456", "0570-123456"),
        ("(0570) 12 34 56", "(0570) 12 34 56"),
        ("+31 570 123456", "+31 570 123456"),
        ("+31 20 1234567", "+31 20 1234567"),
    ],
)
def test_phone_is_flagged(text, expected):
    assert found(text) == [("telefoon", expected)]


@pytest.mark.parametrize(
    "text",
    [
        "in 2019-2020 liep het project",
        "kosten € 10.143 per jaar",
        "kosten € 0612345678",
        "1,3 fte",
        "12 gesprekken",
        "gemeentecode GM0150",
        "versie 5.0",
        "0,6% van de jeugdigen",
        "06-1234567",  # too short
        "061234567890",  # part of a longer run
        "0012345678",
        "op 03-03-2012 13:00",
    ],
)
def test_non_phone_is_not_flagged(text):
    assert found(text) == []


# E-mail addresses


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mail jan.de-vries@gemeente.deventer.nl.", "jan.de-vries@gemeente.deventer.nl"),
        ("<j.jansen+jeugd@example.org>", "j.jansen+jeugd@example.org"),
        ("info@wijkteam-oost.nl", "info@wijkteam-oost.nl"),
        ("mail:moeder@hotmail.com", "moeder@hotmail.com"),
        ("0612345678@sms.example.nl", "0612345678@sms.example.nl"),  # the e-mail wins over the phone
    ],
)
def test_email_is_flagged(text, expected):
    assert found(text) == [("email", expected)]


@pytest.mark.parametrize("text", ["jan@", "@gemeente", "jan@localhost", "a..b@example.nl", "mail ons @ het wijkteam"])
def test_non_email_is_not_flagged(text):
    assert found(text) == []


# Postcode with house number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("woont op 1234 AB 12 in Deventer", "1234 AB 12"),
        ("1234AB 12", "1234AB 12"),
        ("1234AB, 12", "1234AB, 12"),
        ("1234 AB 12a", "1234 AB 12a"),
        ("1234 AB 12-2", "1234 AB 12-2"),
        ("1234 AB 12 bis", "1234 AB 12 bis"),
        ("adres: Dorpsstraat 12, 7411 AB Deventer", "Dorpsstraat 12, 7411 AB"),
        ("Dorpsstraat 12a 7411AB", "Dorpsstraat 12a 7411AB"),
        ("Dorpsstraat 12\n7411 AB", "Dorpsstraat 12\n7411 AB"),
    ],
)
def test_postcode_with_house_number_is_flagged(text, expected):
    assert found(text) == [("postcode_huisnummer", expected)]


@pytest.mark.parametrize(
    "text",
    [
        "in de wijk 7411 AB is het aantal meldingen gestegen",
        "postcode 7411AB.",
        "1234 SA 12",  # SA, SD and SS are not used
        "1234 SS 12",
        "0123 AB 12",  # a postcode does not start with 0
        "1234 ab 12",
    ],
)
def test_postcode_without_house_number_is_not_flagged(text):
    assert found(text) == []


# Birth-date-like dates (TODAY is 1 June 2025)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("geboren op 31-12-2009", "31-12-2009"),
        ("geb. 31/12/2009", "31/12/2009"),
        ("Geboortedatum: 31.12.2009", "31.12.2009"),
        ("gebdat 03-03-12", "03-03-12"),
        ("De jeugdige is geboren in Deventer op 3 maart 2012.", "3 maart 2012"),
        ("° 3 mrt. 2012", "3 mrt. 2012"),
        ("d.d. geb 12-05-1999", "12-05-1999"),  # 26 years old
        ("zoon, geb. 1 juni 1998", "1 juni 1998"),  # 27 today
        ("geboren 15 sept 2020", "15 sept 2020"),
        ("Emma (14-02-2011) woont bij haar vader.", "14-02-2011"),  # a full date without a meeting cue
    ],
)
def test_birth_date_is_flagged(text, expected):
    assert found(text) == [("geboortedatum", expected)]


@pytest.mark.parametrize(
    "text",
    [
        "Op 12 maart 2024 hadden we een overleg met school.",
        "Op 12-03-2024 hadden we een overleg met school.",
        "Het gesprek d.d. 14-02-2024 verliep goed.",
        "Het overleg van 14-02-2024 verliep goed.",
        "Sinds 01-09-2023 gaat hij naar de dagbesteding.",
        "Vanaf 1-1-2024 tot 31-12-2024 liep de indicatie.",
        "geboren op 31-02-2010",  # no such date
        "geboren op 12-03-1970",  # 55 years old
        "moeder is geboren op 01-01-1990",  # 35 years old
        "geboren op 1 juni 1997",  # 28 today
        "geboren op 01-01-2030",  # in the future
        "geboren in maart 2012",  # no day
        "In 2012 verhuisde het gezin.",
    ],
)
def test_non_birth_date_is_not_flagged(text):
    assert found(text) == []


def test_birth_cue_only_applies_to_the_first_date_after_it():
    text = "Geboren op 3-3-2011; op 12 maart 2024 was er overleg."
    assert found(text) == [("geboortedatum", "3-3-2011")]


def test_today_defaults_to_the_current_date():
    ten_years_ago = date.today().year - 10
    assert [f.kind for f in find_personal_data(f"geboren op 1 januari {ten_years_ago}")] == ["geboortedatum"]


# The whole scan


def test_realistic_case_text_has_exactly_the_three_planted_items():
    text = (
        "Casus 2. De jeugdige (14 jaar) woont met moeder en twee broertjes in de wijk 7411 AB. "
        "Sinds 2019 zijn er 12 gesprekken gevoerd met het wijkteam (1,3 fte, kosten € 10.143 per jaar). "
        "Op 12 maart 2024 hadden we een overleg met school en de huisarts; sinds 01-09-2023 is er dagbesteding. "
        "Moeder is bereikbaar op 06-12345678 en gaf toestemming om gegevens te delen. "
        "Het BSN van de jeugdige, 123456782, stond per abuis in het verslag. "
        "De jeugdige is geboren op 03-03-2011 en gaat naar het vmbo. "
        "Het plan is vastgelegd in versie 5.0 van het dossier (GM0150), 0,6% van de caseload."
    )
    findings = find_personal_data(text, today=TODAY)
    assert [(f.kind, f.text) for f in findings] == [
        ("telefoon", "06-12345678"),
        ("bsn", "123456782"),
        ("geboortedatum", "03-03-2011"),
    ]
    for finding in findings:
        assert text[finding.start : finding.end] == finding.text
    assert findings[0].start == text.index("06-12345678")
    assert findings[1].end == text.index("123456782") + 9


def test_findings_are_sorted_and_do_not_overlap():
    text = (
        "geb. 31-12-2009, bsn 111222333, tel 0612345678, mail ouder@example.nl, "
        "IBAN NL15ABNA0111222333, adres Dorpsstraat 12, 7411 AB, en 1234AB 5."
    )
    findings = find_personal_data(text, today=TODAY)
    assert [f.kind for f in findings] == [
        "geboortedatum",
        "bsn",
        "telefoon",
        "email",
        "iban",
        "postcode_huisnummer",
        "postcode_huisnummer",
    ]
    assert [f.start for f in findings] == sorted(f.start for f in findings)
    for earlier, later in pairwise(findings):
        assert earlier.end <= later.start
    for finding in findings:
        assert text[finding.start : finding.end] == finding.text


@pytest.mark.parametrize("kind", list(KINDS))
def test_label_is_the_dutch_description(kind):
    assert Finding(kind=kind, start=0, end=1, text="x").label == KINDS[kind]


def test_empty_text_has_no_findings():
    assert find_personal_data("") == []

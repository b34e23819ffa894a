"""Upload type detection: by content, never by name; Dutch refusals that say what to do."""

import io
import re
import zipfile

import pytest

from peerreview.selfeval import filetypes
from peerreview.selfeval.filetypes import FILE_TYPES, FileType, RejectedFile, detect, safe_filename

MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

OOXML_CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
    "docm": "application/vnd.ms-word.document.macroEnabled.main+xml",
}
OOXML_MAIN_PARTS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "pptx": "ppt/presentation.xml"}


def make_zip(entries, *, compression=zipfile.ZIP_DEFLATED):
    """A zip with the given (name, content) entries, in order."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in entries:  # name may be a ZipInfo, to choose its compression
            archive.writestr(name, content)
    return buffer.getvalue()


def make_ooxml(kind, *, content_type=None, extra=()):
    main_part = OOXML_MAIN_PARTS[kind]
    content_type = content_type or OOXML_CONTENT_TYPES[kind]
    content_types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/{main_part}" ContentType="{content_type}"/>'
        "</Types>"
    )
    return make_zip(
        [
            ("[Content_Types].xml", content_types),
            ("_rels/.rels", "<Relationships/>"),
            (main_part, "<root/>"),
            *extra,
        ]
    )


def make_odf(mimetype, *, stored=True, extra=()):
    info = zipfile.ZipInfo("mimetype")
    info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    return make_zip(
        [
            (info, mimetype),
            ("content.xml", "<office:document-content/>"),
            ("META-INF/manifest.xml", "<manifest:manifest/>"),
            *extra,
        ]
    )


def ole2_entry(name, entry_type=2):
    encoded = name.encode("utf-16-le") + b"\x00\x00"
    entry = encoded.ljust(64, b"\x00") + len(encoded).to_bytes(2, "little") + bytes([entry_type])
    return entry.ljust(128, b"\x00")


def make_ole2(*names, body=b""):
    """An OLE2 header sector, a directory sector with the given entries, and then ``body``."""
    header = bytes.fromhex("d0cf11e0a1b11ae1").ljust(512, b"\x00")
    directory = ole2_entry("Root Entry", 5) + b"".join(
        ole2_entry(name, 1 if name in ("Macros", "_VBA_PROJECT_CUR", "ObjectPool") else 2) for name in names
    )
    directory = directory.ljust(512, b"\x00")
    return header + directory + body


# --- accepted types -------------------------------------------------------------------------


def test_minimal_pdf_is_accepted():
    filetype = detect(MINIMAL_PDF, "Beleidsnota jeugd 2024.pdf")
    assert filetype == FileType("pdf", "PDF-document", "application/pdf", "pdf")


def test_pdf_header_may_follow_some_leading_bytes():
    assert detect(b"\xef\xbb\xbf\r\n" + MINIMAL_PDF, "rapport.pdf").key == "pdf"


def test_pdf_header_after_the_first_kilobyte_is_not_a_pdf():
    with pytest.raises(RejectedFile, match=re.escape("‘rapport.pdf’ heet een PDF, maar de inhoud is dat niet.")):
        detect(b" " * 2000 + MINIMAL_PDF, "rapport.pdf")


def test_pdf_without_end_marker_is_damaged():
    with pytest.raises(RejectedFile, match=re.escape("‘rapport.pdf’ lijkt een beschadigde PDF")):
        detect(MINIMAL_PDF[:-7] + b"x" * 5000, "rapport.pdf")


@pytest.mark.parametrize(
    ("kind", "label", "mimetype"),
    [
        ("docx", "Word-document", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("xlsx", "Excel-werkmap", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("pptx", "PowerPoint-presentatie", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    ],
)
def test_ooxml_is_accepted(kind, label, mimetype):
    filetype = detect(make_ooxml(kind), f"document.{kind}")
    assert (filetype.key, filetype.label, filetype.mimetype, filetype.extension) == (kind, label, mimetype, kind)


@pytest.mark.parametrize(
    ("mimetype", "key", "label"),
    [
        ("application/vnd.oasis.opendocument.text", "odt", "OpenDocument-tekst"),
        ("application/vnd.oasis.opendocument.spreadsheet", "ods", "OpenDocument-rekenblad"),
        ("application/vnd.oasis.opendocument.presentation", "odp", "OpenDocument-presentatie"),
    ],
)
def test_opendocument_is_accepted(mimetype, key, label):
    filetype = detect(make_odf(mimetype), f"document.{key}")
    assert (filetype.key, filetype.label, filetype.mimetype) == (key, label, mimetype)


@pytest.mark.parametrize(
    ("stream", "key", "mimetype"),
    [
        ("WordDocument", "doc", "application/msword"),
        ("Workbook", "xls", "application/vnd.ms-excel"),
        ("Book", "xls", "application/vnd.ms-excel"),
        ("PowerPoint Document", "ppt", "application/vnd.ms-powerpoint"),
    ],
)
def test_old_office_is_recognised_by_its_main_stream(stream, key, mimetype):
    filetype = detect(make_ole2("\x05SummaryInformation", stream), "bestand zonder extensie")
    assert (filetype.key, filetype.mimetype) == (key, mimetype)
    assert filetype.label.endswith("(oud formaat)")


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (b"gemeente,budget\nUtrecht,1000\n", "begroting.csv"),
        ("\ufeffgemeente;budget\n's-Hertogenbosch;1.000\n".encode(), "begroting.CSV"),
        ("gemeente;budget;toelichting\nSúdwest-Fryslân;€ 1.000;‘extra’\n".encode("cp1252"), "begroting.csv"),
        (b"gemeente\tbudget\r\nZwolle\t12\r\n", "tabbed.csv"),
    ],
    ids=["utf-8", "utf-8-bom", "cp1252", "tab"],
)
def test_csv_is_accepted(data, filename):
    assert detect(data, filename) == FILE_TYPES["csv"]


def test_the_content_decides_not_the_name():
    assert detect(MINIMAL_PDF, "rapport.docx").key == "pdf"
    assert detect(make_ooxml("docx"), "rapport.pdf").key == "docx"
    assert detect(make_ole2("WordDocument"), "nota.docx").key == "doc"
    assert detect(make_ooxml("xlsx"), "cijfers.csv").key == "xlsx"


# --- size -----------------------------------------------------------------------------------


def test_empty_file_is_refused():
    with pytest.raises(RejectedFile) as refused:
        detect(b"", "C:\\Users\\jan\\leeg.pdf")
    assert str(refused.value) == "Het bestand ‘leeg.pdf’ is leeg. Kies een bestand met inhoud."


def test_oversize_file_is_refused_with_the_limit_in_mb():
    with pytest.raises(RejectedFile) as refused:
        detect(MINIMAL_PDF + b"\n" * (31 * 1024 * 1024 - len(MINIMAL_PDF)), "groot.pdf")
    assert str(refused.value) == (
        "Het bestand ‘groot.pdf’ is 31 MB; het maximum is 25 MB. Verklein het bestand of splits het op."
    )


def test_oversize_with_a_small_limit():
    with pytest.raises(RejectedFile, match="is 65 bytes; het maximum is 40 bytes"):
        detect(MINIMAL_PDF + b"x" * 20, "rapport.pdf", max_bytes=40)
    assert detect(MINIMAL_PDF, "rapport.pdf", max_bytes=len(MINIMAL_PDF)).key == "pdf"


# --- content that does not match the name ---------------------------------------------------


def test_executable_named_pdf_is_refused_with_mismatch_message():
    exe = (
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"
        + b"\x00" * 200
        + b"This program cannot be run in DOS mode"
    )
    with pytest.raises(RejectedFile) as refused:
        detect(exe, "rapport.pdf")
    message = str(refused.value)
    assert message.startswith("‘rapport.pdf’ heet een PDF, maar de inhoud is dat niet.")
    assert "programma" in message
    assert "PDF-, Word-, Excel-, PowerPoint-, OpenDocument- en CSV-bestanden" in message


def test_html_named_docx_is_refused():
    html = b"<!DOCTYPE html>\n<html><head><title>Notulen</title></head><body>...</body></html>"
    with pytest.raises(RejectedFile) as refused:
        detect(html, "notulen.docx")
    message = str(refused.value)
    assert message.startswith("‘notulen.docx’ heet een Word-document, maar de inhoud is dat niet.")
    assert "webpagina (HTML)" in message


def test_plain_zip_named_xlsx_is_refused():
    data = make_zip([("cijfers.txt", "1,2,3"), ("foto.jpg", b"\xff\xd8\xff")])
    with pytest.raises(
        RejectedFile, match=re.escape("‘data.xlsx’ heet een Excel-werkmap, maar de inhoud is dat niet.")
    ):
        detect(data, "data.xlsx")


def test_ooxml_without_content_types_is_refused():
    data = make_zip([("word/document.xml", "<root/>")])
    with pytest.raises(RejectedFile, match="heet een Word-document, maar de inhoud is dat niet"):
        detect(data, "nota.docx")


@pytest.mark.parametrize(
    ("data", "filename", "hint"),
    [
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 100, "programma", "programma"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "foto.png", "afbeelding"),
        (b"{\\rtf1\\ansi hallo}", "brief.rtf", "RTF-document"),
        (b"Gewone tekst, met komma's.\n", "notities.txt", None),
        (b"GIF89a" + b"\x00" * 20, "", "afbeelding"),
    ],
)
def test_other_types_are_refused_naming_the_accepted_types(data, filename, hint):
    with pytest.raises(RejectedFile) as refused:
        detect(data, filename)
    message = str(refused.value)
    assert " is geen PDF-, Word-, Excel-, PowerPoint-, OpenDocument- of CSV-bestand." in message
    if hint:
        assert hint in message
    if not filename:
        assert message.startswith("‘zonder naam’")


def test_rtf_saved_with_doc_extension_gets_a_mismatch_message():
    with pytest.raises(RejectedFile, match=r"heet een Word-document, maar de inhoud is dat niet\. Het lijkt een RTF"):
        detect(b"{\\rtf1\\ansi hallo}", "brief.doc")


def test_message_uses_the_base_name_without_control_characters():
    with pytest.raises(RejectedFile) as refused:
        detect(b"MZ", "../../tmp/rap\u202eport\x07.pdf")
    assert str(refused.value).startswith("‘rapport.pdf’ heet een PDF")


# --- macros ---------------------------------------------------------------------------------


def test_word_with_vba_project_is_refused():
    data = make_ooxml("docx", extra=[("word/vbaProject.bin", b"\xd0\xcf\x11\xe0")])
    with pytest.raises(RejectedFile) as refused:
        detect(data, "brief.docx")
    message = str(refused.value)
    assert message.startswith("‘brief.docx’ bevat macro’s. Om veiligheidsredenen")
    assert "gewoon Word-document (.docx)" in message


def test_macro_enabled_content_type_is_refused_even_without_vba_part():
    data = make_ooxml("docx", content_type=OOXML_CONTENT_TYPES["docm"])
    with pytest.raises(RejectedFile, match="bevat macro’s"):
        detect(data, "brief.docm")


def test_excel_with_macros_is_refused_with_excel_advice():
    data = make_ooxml("xlsx", extra=[("xl/vbaProject.bin", b"\x00")])
    with pytest.raises(RejectedFile, match=r"gewone Excel-werkmap \(\.xlsx\)"):
        detect(data, "cijfers.xlsx")


def test_old_word_with_macros_is_refused():
    data = make_ole2("WordDocument", "1Table", "Macros", "VBA", "_VBA_PROJECT")
    with pytest.raises(RejectedFile, match=r"bevat macro’s.*gewoon Word-document \(\.docx\)"):
        detect(data, "brief.doc")


def test_old_excel_with_macros_is_refused():
    with pytest.raises(RejectedFile, match=r"gewone Excel-werkmap \(\.xlsx\)"):
        detect(make_ole2("Workbook", "_VBA_PROJECT_CUR"), "cijfers.xls")


def test_opendocument_with_basic_macros_is_refused():
    data = make_odf(
        "application/vnd.oasis.opendocument.text",
        extra=[("Basic/script-lc.xml", "<x/>"), ("Basic/Standard/Module1.xml", "<script:module/>")],
    )
    with pytest.raises(RejectedFile, match="bevat macro’s"):
        detect(data, "nota.odt")


def test_opendocument_with_only_an_empty_basic_library_index_is_accepted():
    data = make_odf("application/vnd.oasis.opendocument.text", extra=[("Basic/script-lc.xml", "<x/>")])
    assert detect(data, "nota.odt").key == "odt"


# --- OpenDocument details -------------------------------------------------------------------


def test_opendocument_with_compressed_mimetype_is_refused():
    data = make_odf("application/vnd.oasis.opendocument.text", stored=False)
    with pytest.raises(RejectedFile, match="heet een OpenDocument-tekst, maar de inhoud is dat niet"):
        detect(data, "nota.odt")


def test_opendocument_with_mimetype_not_first_is_refused():
    info = zipfile.ZipInfo("mimetype")
    data = make_zip([("content.xml", "<x/>"), (info, "application/vnd.oasis.opendocument.text")])
    with pytest.raises(RejectedFile, match="heet een OpenDocument-tekst"):
        detect(data, "nota.odt")


def test_other_opendocument_types_are_refused():
    with pytest.raises(RejectedFile, match="is geen PDF-, Word-"):
        detect(make_odf("application/vnd.oasis.opendocument.graphics"), "tekening.odg")


# --- zip bombs and damaged zips -------------------------------------------------------------


def test_zip_with_too_much_uncompressed_content_is_refused(monkeypatch):
    monkeypatch.setattr(filetypes, "MAX_UNCOMPRESSED_BYTES", 1000)
    data = make_ooxml("docx", extra=[("word/media/image1.png", b"\x00" * 2000)])
    with pytest.raises(RejectedFile) as refused:
        detect(data, "nota.docx")
    assert "wordt uitgepakt groter dan 1000 bytes" in str(refused.value)
    assert "veiligheidsredenen" in str(refused.value)


def test_zip_with_too_many_entries_is_refused(monkeypatch):
    monkeypatch.setattr(filetypes, "MAX_ZIP_ENTRIES", 5)
    data = make_ooxml("xlsx", extra=[(f"xl/worksheets/sheet{i}.xml", "<x/>") for i in range(3)])
    with pytest.raises(RejectedFile, match="bestaat uit meer dan 5 onderdelen"):
        detect(data, "cijfers.xlsx")


def test_zip_bomb_limits_have_the_documented_defaults():
    assert filetypes.MAX_UNCOMPRESSED_BYTES == 200 * 1024 * 1024
    assert filetypes.MAX_ZIP_ENTRIES == 10_000
    assert filetypes.MAX_BYTES_DEFAULT == 25 * 1024 * 1024


def test_truncated_zip_is_reported_as_damaged():
    data = make_ooxml("docx")
    with pytest.raises(RejectedFile, match=re.escape("‘nota.docx’ lijkt beschadigd en kan niet worden gelezen")):
        detect(data[: len(data) // 2], "nota.docx")


def test_zip_with_corrupt_content_types_is_reported_as_damaged():
    data = make_zip([("[Content_Types].xml", "<Types/>"), ("word/document.xml", "<root/>")], compression=0)
    corrupted = data.replace(b"<Types/>", b"<Typez/>", 1)  # the CRC no longer matches
    with pytest.raises(RejectedFile, match="lijkt beschadigd"):
        detect(corrupted, "nota.docx")


# --- old Office details ---------------------------------------------------------------------


def test_ambiguous_old_office_file_uses_the_extension():
    data = make_ole2("WordDocument", "ObjectPool", "Workbook")  # a document with an embedded workbook
    assert detect(data, "nota.doc").key == "doc"
    assert detect(data, "nota.XLS").key == "xls"


def test_ambiguous_old_office_file_without_a_deciding_extension_is_refused():
    data = make_ole2("WordDocument", "ObjectPool", "Workbook")
    with pytest.raises(RejectedFile, match="kunnen we niet vaststellen of het een Word-, Excel- of PowerPoint"):
        detect(data, "nota.docx")


def test_ole2_file_without_office_streams_is_refused():
    data = make_ole2("\x05SummaryInformation", "__substg1.0_0037001F")  # an Outlook message
    with pytest.raises(RejectedFile) as refused:
        detect(data, "bijlage.doc")
    message = str(refused.value)
    assert message.startswith("‘bijlage.doc’ heet een Word-document, maar de inhoud is dat niet.")
    assert "ander soort Microsoft-bestand" in message


def test_password_protected_office_file_is_refused():
    data = make_ole2("EncryptionInfo", "EncryptedPackage", "\x06DataSpaces")
    with pytest.raises(RejectedFile, match="beveiligd met een wachtwoord"):
        detect(data, "geheim.docx")


def test_stream_names_in_document_text_do_not_count():
    # "Macros" and "WordDocument" in UTF-16LE body text, not at a directory entry position.
    body = b"\x00" * 6 + "Macros WordDocument".encode("utf-16-le") + b"\x00\x00" + b"\x00" * 200
    assert detect(make_ole2("Workbook", body=body), "cijfers.xls").key == "xls"


def test_truncated_ole2_directory_entry_does_not_crash():
    data = make_ole2()[:512] + ole2_entry("WordDocument")[:40]
    with pytest.raises(RejectedFile, match="heet een Word-document"):
        detect(data, "nota.doc")


# --- CSV details ----------------------------------------------------------------------------


def test_csv_with_nul_bytes_is_refused():
    with pytest.raises(
        RejectedFile, match=re.escape("‘data.csv’ heet een CSV-bestand, maar de inhoud is geen gewone tekst")
    ):
        detect(b"gemeente;budget\nUtrecht;\x0012\n", "data.csv")


def test_utf16_csv_is_refused_with_advice():
    with pytest.raises(RejectedFile, match="CSV UTF-8"):
        detect("gemeente;budget\n".encode("utf-16"), "data.csv")


def test_csv_with_control_characters_is_refused():
    with pytest.raises(RejectedFile, match="geen gewone tekst"):
        detect(b"gemeente;budget\nUtrecht;\x0712\n", "data.csv")


def test_binary_named_csv_is_refused():
    exe = b"MZ\x90\x00" + bytes(range(256)) * 4
    with pytest.raises(RejectedFile) as refused:
        detect(exe, "export.csv")
    assert "heet een CSV-bestand, maar de inhoud is geen gewone tekst. Het lijkt een programma" in str(refused.value)


def test_undecodable_bytes_named_csv_are_refused():
    # 0x81 and 0x8d are neither UTF-8 here nor defined in cp1252.
    with pytest.raises(RejectedFile, match="geen gewone tekst"):
        detect(b"a;b\n\x81\x8d;c\n", "data.csv")


def test_html_named_csv_is_refused():
    with pytest.raises(RejectedFile, match="webpagina"):
        detect(b"<html><body>a,b,c</body></html>", "data.csv")


def test_csv_without_separators_is_refused():
    with pytest.raises(RejectedFile, match=re.escape("‘lijst.csv’ heeft geen kolommen")):
        detect(b"Utrecht\nZwolle\nAmersfoort\n", "lijst.csv")


def test_csv_content_needs_the_csv_name():
    with pytest.raises(RejectedFile, match=re.escape("‘gegevens.txt’ is geen PDF-, Word-")):
        detect(b"gemeente;budget\nUtrecht;12\n", "gegevens.txt")
    with pytest.raises(
        RejectedFile, match=re.escape("‘gegevens.xlsx’ heet een Excel-werkmap, maar de inhoud is dat niet")
    ):
        detect(b"gemeente;budget\nUtrecht;12\n", "gegevens.xlsx")


# --- safe_filename --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "key", "expected"),
    [
        ("../../Beleidsnota jeugd 2024.PDF", "pdf", "Beleidsnota jeugd 2024.pdf"),
        ("rapport", "pdf", "rapport.pdf"),
        ("C:\\Users\\jan\\Documents\\Notulen 3 mei.docx", "docx", "Notulen 3 mei.docx"),
        ("nota.docx", "doc", "nota.doc"),  # Word 97 content uploaded with a .docx name
        ("cijfers.xlsm", "xlsx", "cijfers.xlsx"),
        ("Nota v1.2", "pdf", "Nota v1.2.pdf"),
        ("  Plan\t\tvan   aanpak\n.pdf ", "pdf", "Plan van aanpak.pdf"),
        ("rap\x00port\x1b.pdf", "pdf", "rapport.pdf"),
        ("factuur\u202efdp.exe", "pdf", "factuurfdp.exe.pdf"),
        ("Vraag: wat <nu>?.pdf", "pdf", "Vraag_ wat _nu__.pdf"),
        (".htaccess", "csv", "htaccess.csv"),
        ("...", "pdf", "document.pdf"),
        ("", "pdf", "document.pdf"),
        ("../", "odt", "document.odt"),
        ("CON.pdf", "pdf", "CON_.pdf"),
        ("Su\u0308dwest-Fryslan.ods", "ods", "S\u00fcdwest-Fryslan.ods"),  # NFD from macOS becomes NFC
    ],
)
def test_safe_filename(filename, key, expected):
    assert safe_filename(filename, FILE_TYPES[key]) == expected


def test_safe_filename_is_at_most_120_characters():
    name = safe_filename("x" * 300 + ".pdf", FILE_TYPES["pdf"])
    assert len(name) == 120
    assert name == "x" * 116 + ".pdf"
    assert safe_filename("a" * 115 + " . . .pdf", FILE_TYPES["pdf"]) == "a" * 115 + ".pdf"


def test_file_types_are_complete_and_frozen():
    assert set(FILE_TYPES) == {"pdf", "docx", "xlsx", "pptx", "odt", "ods", "odp", "doc", "xls", "ppt", "csv"}
    assert all(t.key == key and t.extension == key for key, t in FILE_TYPES.items())
    with pytest.raises(AttributeError):
        FILE_TYPES["pdf"].key = "exe"  # type: ignore[misc]

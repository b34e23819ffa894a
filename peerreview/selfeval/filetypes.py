"""Recognise uploaded documents by their content, never by their name.

Gemeenten upload policy documents. :func:`detect` returns the :class:`FileType` of an upload or
raises :class:`RejectedFile`, whose message is Dutch, names the file and says what to do.
:func:`safe_filename` turns the uploaded name into a readable name with the right extension.

Rules, in the order they are checked:

* Empty files and files larger than ``max_bytes`` (the app's ``UPLOAD_MAX_MB``; MB = 1024 × 1024 bytes) are refused.
* Old Office files (OLE2 header ``D0 CF 11 E0 A1 B1 1A E1``): directory entries are recognised by
  their UTF-16LE name at a 128-byte boundary with a matching name length and entry type, anywhere
  in the file (so text inside a document never counts). ``WordDocument`` is doc, ``Workbook`` or
  ``Book`` is xls, ``PowerPoint Document`` is ppt. When several occur (a document with an embedded
  workbook) the file name's extension decides; when that does not settle it, or none occurs
  (installers, Outlook messages), the file is refused. So are files with macros (``Macros``,
  ``_VBA_PROJECT``, ``_VBA_PROJECT_CUR``) and password-protected Office files (``EncryptedPackage``).
* ZIP-based files (starting with ``PK\\x03\\x04``): only the central directory and at most two
  small entries are read; nothing is extracted. More than :data:`MAX_ZIP_ENTRIES` entries or more
  than :data:`MAX_UNCOMPRESSED_BYTES` declared uncompressed in total is refused (zip bombs).

  - OpenDocument: the first entry is ``mimetype``, stored uncompressed, and holds the MIME type of
    a text, spreadsheet or presentation. Basic macros or embedded scripts are refused.
  - OOXML: ``[Content_Types].xml`` plus ``word/document.xml`` (docx), ``xl/workbook.xml`` (xlsx) or
    ``ppt/presentation.xml`` (pptx). Macro-enabled files (a ``vbaProject.bin`` part or a
    ``macroEnabled`` content type) are refused.
  - Any other zip is refused; a zip that cannot be read is reported as damaged.
* PDF: ``%PDF-`` within the first 1024 bytes (what readers accept) and ``%%EOF`` within the last
  2048 bytes; a PDF without the latter is reported as damaged (usually an interrupted upload).
* CSV: only when the name ends in ``.csv`` and the content is text: UTF-8 (with or without BOM),
  else cp1252; no NUL or other C0 control characters besides tab, CR and LF; not HTML or XML; and a
  comma, semicolon or tab somewhere (at least one line with columns).
* Everything else is refused. When the name promises an accepted type, the message says that the
  content does not match the name.

The file name is used only for the two tie-breaks (CSV, ambiguous OLE2) and in messages.
"""

from __future__ import annotations

import io
import math
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from peerreview.formatting import number_nl


@dataclass(frozen=True)
class FileType:
    key: str
    label: str
    mimetype: str
    extension: str


PDF = FileType("pdf", "PDF-document", "application/pdf", "pdf")
DOCX = FileType(
    "docx", "Word-document", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"
)
XLSX = FileType("xlsx", "Excel-werkmap", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")
PPTX = FileType(
    "pptx",
    "PowerPoint-presentatie",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "pptx",
)
ODT = FileType("odt", "OpenDocument-tekst", "application/vnd.oasis.opendocument.text", "odt")
ODS = FileType("ods", "OpenDocument-rekenblad", "application/vnd.oasis.opendocument.spreadsheet", "ods")
ODP = FileType("odp", "OpenDocument-presentatie", "application/vnd.oasis.opendocument.presentation", "odp")
DOC = FileType("doc", "Word-document (oud formaat)", "application/msword", "doc")
XLS = FileType("xls", "Excel-werkmap (oud formaat)", "application/vnd.ms-excel", "xls")
PPT = FileType("ppt", "PowerPoint-presentatie (oud formaat)", "application/vnd.ms-powerpoint", "ppt")
CSV = FileType("csv", "CSV-bestand", "text/csv", "csv")

FILE_TYPES: dict[str, FileType] = {t.key: t for t in (PDF, DOCX, XLSX, PPTX, ODT, ODS, ODP, DOC, XLS, PPT, CSV)}

#: For ``<input type="file" accept="...">``; a convenience for the browser, not a check.
ACCEPT_ATTRIBUTE = ",".join(f".{t.extension}" for t in FILE_TYPES.values())

MB = 1024 * 1024
MAX_BYTES_DEFAULT = 25 * MB
MAX_ZIP_ENTRIES = 10_000
MAX_UNCOMPRESSED_BYTES = 200 * MB
MAX_FILENAME_LENGTH = 120


class RejectedFile(ValueError):
    """The message (str(e)) is Dutch, complete and tells the user what to do."""


# What a name promises, for "‘rapport.pdf’ heet een PDF, maar de inhoud is dat niet."
_NAME_PROMISES = {
    "pdf": "PDF",
    "docx": "Word-document",
    "doc": "Word-document",
    "xlsx": "Excel-werkmap",
    "xls": "Excel-werkmap",
    "pptx": "PowerPoint-presentatie",
    "ppt": "PowerPoint-presentatie",
    "odt": "OpenDocument-tekst",
    "ods": "OpenDocument-rekenblad",
    "odp": "OpenDocument-presentatie",
    "csv": "CSV-bestand",
}
_ACCEPTED_TYPES = "PDF-, Word-, Excel-, PowerPoint-, OpenDocument- of CSV-bestand"
_ACCEPTED_TYPES_PLURAL = "PDF-, Word-, Excel-, PowerPoint-, OpenDocument- en CSV-bestanden"
_RESAVE = "Kies het juiste bestand, of open het document en sla het op als een van die typen (bijvoorbeeld als PDF)."
_MACRO_ADVICE = {
    "Word": "een gewoon Word-document (.docx)",
    "Excel": "een gewone Excel-werkmap (.xlsx)",
    "PowerPoint": "een gewone PowerPoint-presentatie (.pptx)",
}


def detect(data: bytes, filename: str, max_bytes: int = MAX_BYTES_DEFAULT) -> FileType:
    """The type of an upload, judged by its content; raises RejectedFile (see the module docstring)."""
    name = _display_name(filename)
    if not data:
        raise RejectedFile(f"Het bestand ‘{name}’ is leeg. Kies een bestand met inhoud.")
    if len(data) > max_bytes:
        raise too_large(name, len(data), max_bytes)
    if data.startswith(_OLE2_MAGIC):
        return _detect_ole2(data, name, _extension(filename))
    if data.startswith(b"PK\x03\x04"):
        return _detect_zip(data, name, _extension(filename))
    if data.find(b"%PDF-", 0, 1024) != -1:
        if b"%%EOF" not in data[-2048:]:
            raise RejectedFile(
                f"‘{name}’ lijkt een beschadigde PDF: het einde van het bestand ontbreekt. Misschien is het "
                "uploaden onderbroken of is het bestand niet goed opgeslagen. Sla het opnieuw op als PDF en "
                "probeer het nog eens."
            )
        return PDF
    if _extension(filename) == "csv":
        return _detect_csv(data, name)
    raise _not_accepted(data, name, _extension(filename))


def safe_filename(filename: str, filetype: FileType) -> str:
    """A readable file name without path or control characters, ending in the type's extension."""
    name = _clean_basename(filename)
    stem, dot, extension = name.rpartition(".")
    if dot and extension.lower() in _KNOWN_EXTENSIONS:
        name = stem
    name = re.sub(r'[<>:"|?*]', "_", name)  # not allowed in Windows file names
    name = name.strip(" .") or "document"  # no hidden files, no trailing dots (Windows)
    if name.upper() in _WINDOWS_RESERVED:
        name += "_"
    suffix = f".{filetype.extension}"
    name = name[: MAX_FILENAME_LENGTH - len(suffix)].rstrip(" .") or "document"
    return name + suffix


# --- old Office (OLE2 compound files) ---------------------------------------------------------

_OLE2_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
_OLE2_TYPES = {"WordDocument": DOC, "Workbook": XLS, "Book": XLS, "PowerPoint Document": PPT}
_OLE2_MACROS = {"Macros", "_VBA_PROJECT", "_VBA_PROJECT_CUR"}
_OLE2_ENCRYPTED = "EncryptedPackage"  # a password-protected docx/xlsx/pptx is an OLE2 file
_OLE2_FAMILY = {DOC: "Word", XLS: "Excel", PPT: "PowerPoint"}


def _ole2_entry_names(data: bytes, wanted: set[str]) -> set[str]:
    """Which of the wanted names occur as directory entries (stream or storage) in the file.

    A directory entry is 128 bytes: the UTF-16LE name with a terminating NUL in 64 bytes, the
    length of that in bytes, and the entry type (1 storage, 2 stream). Sectors are 512 or 4096
    bytes, so entries always start at a multiple of 128.
    """
    found: set[str] = set()
    for entry_name in wanted:
        encoded = entry_name.encode("utf-16-le") + b"\x00\x00"
        length = len(encoded).to_bytes(2, "little")
        position = data.find(encoded, 512)
        while position != -1:
            if position % 128:  # not an entry; continue at the next boundary
                position = data.find(encoded, position + 128 - position % 128)
                continue
            entry = data[position : position + 67]
            if entry[64:66] == length and entry[66:67] in (b"\x01", b"\x02"):
                found.add(entry_name)
                break
            position = data.find(encoded, position + 128)
    return found


def _detect_ole2(data: bytes, name: str, extension: str) -> FileType:
    found = _ole2_entry_names(data, {*_OLE2_TYPES, *_OLE2_MACROS, _OLE2_ENCRYPTED})
    if _OLE2_ENCRYPTED in found:
        raise RejectedFile(
            f"‘{name}’ is beveiligd met een wachtwoord. Zo’n bestand kunnen we niet controleren en kunnen "
            "anderen niet openen. Haal de wachtwoordbeveiliging eraf en upload het bestand opnieuw."
        )
    candidates = {_OLE2_TYPES[n] for n in found if n in _OLE2_TYPES}
    if not candidates:
        raise _not_accepted(data, name, extension)
    if len(candidates) == 1:
        (filetype,) = candidates
    else:
        by_extension = FILE_TYPES.get(extension)
        if by_extension not in candidates:
            raise RejectedFile(
                f"Van ‘{name}’ kunnen we niet vaststellen of het een Word-, Excel- of PowerPoint-bestand is. "
                "Open het en sla het op als .docx, .xlsx of .pptx (of als PDF), en probeer het opnieuw."
            )
        filetype = by_extension
    if found & _OLE2_MACROS:
        raise _macros(name, _OLE2_FAMILY[filetype])
    return filetype


# --- ZIP-based: OpenDocument and OOXML -------------------------------------------------------

_ODF_MIMETYPES = {
    b"application/vnd.oasis.opendocument.text": ODT,
    b"application/vnd.oasis.opendocument.spreadsheet": ODS,
    b"application/vnd.oasis.opendocument.presentation": ODP,
}
# Library indexes that LibreOffice may write even without macros; anything else under Basic/ is code.
_ODF_BASIC_INDEXES = {"script-lc.xml", "script-lb.xml", "dialog-lc.xml", "dialog-lb.xml"}
_OOXML_MAIN_PARTS = (
    ("word/document.xml", DOCX, "Word"),
    ("xl/workbook.xml", XLSX, "Excel"),
    ("ppt/presentation.xml", PPTX, "PowerPoint"),
)


def _detect_zip(data: bytes, name: str, extension: str) -> FileType:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        raise _damaged(name) from exc
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ZIP_ENTRIES:
            raise RejectedFile(
                f"‘{name}’ bestaat uit meer dan {number_nl(MAX_ZIP_ENTRIES)} onderdelen en wordt daarom om "
                "veiligheidsredenen niet geaccepteerd. Sla het opnieuw op als PDF of splits het op."
            )
        if sum(entry.file_size for entry in entries) > MAX_UNCOMPRESSED_BYTES:
            raise RejectedFile(
                f"‘{name}’ wordt uitgepakt groter dan {_size(MAX_UNCOMPRESSED_BYTES, up=False)} en wordt daarom "
                "om veiligheidsredenen niet geaccepteerd. Verklein het bestand (bijvoorbeeld door afbeeldingen "
                "te comprimeren) of splits het op."
            )
        filetype = _detect_odf(archive, entries, name) or _detect_ooxml(archive, entries, name)
    if filetype is None:
        raise _not_accepted(data, name, extension)
    return filetype


def _detect_odf(archive: zipfile.ZipFile, entries: list[zipfile.ZipInfo], name: str) -> FileType | None:
    first = entries[0] if entries else None
    if first is None or first.filename != "mimetype" or first.compress_type != zipfile.ZIP_STORED:
        return None
    filetype = _ODF_MIMETYPES.get(_read_entry(archive, first, 200, name).strip())
    if filetype is None:
        return None
    for entry in entries:
        top, base = entry.filename.split("/", 1)[0], entry.filename.rpartition("/")[2]
        if entry.is_dir():
            continue
        if top == "Scripts" or (top == "Basic" and base not in _ODF_BASIC_INDEXES):
            raise RejectedFile(
                f"‘{name}’ bevat macro’s. Om veiligheidsredenen accepteren we geen bestanden met macro’s. "
                "Verwijder de macro’s (Extra > Macro’s > Macro’s beheren) of sla het document op als PDF, "
                "en probeer het opnieuw."
            )
    return filetype


def _detect_ooxml(archive: zipfile.ZipFile, entries: list[zipfile.ZipInfo], name: str) -> FileType | None:
    by_name = {entry.filename.lower(): entry for entry in entries}
    content_types = by_name.get("[content_types].xml")
    if content_types is None:
        return None
    main = next(((t, family) for part, t, family in _OOXML_MAIN_PARTS if part in by_name), None)
    if main is None:
        return None
    filetype, family = main
    has_vba = any(entry_name.endswith("vbaproject.bin") for entry_name in by_name)
    if has_vba or b"macroenabled" in _read_entry(archive, content_types, MB, name).lower():
        raise _macros(name, family)
    return filetype


def _read_entry(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, limit: int, name: str) -> bytes:
    """At most ``limit`` bytes of one (small) entry; any failure means the file is damaged."""
    try:
        with archive.open(entry) as member:
            return member.read(limit)
    except Exception as exc:  # zlib.error, bad CRC, encryption, unsupported compression, ...
        raise _damaged(name) from exc


# --- CSV -------------------------------------------------------------------------------------

_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_MARKUP_STARTS = ("<!doctype", "<html", "<head", "<body", "<script", "<?xml", "<svg", "<!--")


def _detect_csv(data: bytes, name: str) -> FileType:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            text = None
    if text is None or _CONTROL_CHARACTERS.search(text) or text[:1024].lstrip().lower().startswith(_MARKUP_STARTS):
        hint = _sniff(data)
        raise RejectedFile(
            f"‘{name}’ heet een CSV-bestand, maar de inhoud is geen gewone tekst."
            + (f" Het lijkt {hint}." if hint else "")
            + " Sla de gegevens in je spreadsheetprogramma op als ‘CSV UTF-8 (door komma’s gescheiden)’ "
            "en probeer het opnieuw."
        )
    if not re.search(r"[,;\t]", text):
        raise RejectedFile(
            f"‘{name}’ heeft geen kolommen: geen enkele regel bevat een komma, puntkomma of tab als "
            "scheidingsteken. Controleer of je het juiste bestand hebt gekozen, of sla de gegevens in je "
            "spreadsheetprogramma opnieuw op als CSV."
        )
    return CSV


# --- messages --------------------------------------------------------------------------------


def _not_accepted(data: bytes, name: str, extension: str) -> RejectedFile:
    promise = _NAME_PROMISES.get(extension)
    hint = _sniff(data)
    parts = [
        f"‘{name}’ heet een {promise}, maar de inhoud is dat niet."
        if promise
        else f"‘{name}’ is geen {_ACCEPTED_TYPES}."
    ]
    if hint:
        parts.append(f"Het lijkt {hint}.")
    parts.append(f"Je kunt alleen {_ACCEPTED_TYPES_PLURAL} uploaden.")
    parts.append(_RESAVE)
    return RejectedFile(" ".join(parts))


def _macros(name: str, family: str) -> RejectedFile:
    return RejectedFile(
        f"‘{name}’ bevat macro’s. Om veiligheidsredenen accepteren we geen bestanden met macro’s. "
        f"Sla het bestand op als {_MACRO_ADVICE[family]} en probeer het opnieuw."
    )


def _damaged(name: str) -> RejectedFile:
    return RejectedFile(
        f"‘{name}’ lijkt beschadigd en kan niet worden gelezen. Open het bestand op je computer, sla het "
        "opnieuw op en probeer het nog eens."
    )


def _sniff(data: bytes) -> str | None:
    """What the content looks like, for the message only; never used to accept or refuse."""
    head = data[:1024]
    if head.startswith(b"MZ") or head.startswith(b"\x7fELF") or head.startswith((b"\xfe\xed\xfa", b"\xcf\xfa\xed\xfe")):
        return "een programma (uitvoerbaar bestand)"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*")) or (
        head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    ):
        return "een afbeelding"
    if head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1"):
        return "een afbeelding"
    if head.startswith(b"{\\rtf"):
        return "een RTF-document; sla het in Word op als .docx of als PDF"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06", b"Rar!", b"7z\xbc\xaf", b"\x1f\x8b")):
        return "een gecomprimeerd archief (zoals een ZIP-bestand); upload de documenten er los uit"
    if head.startswith(_OLE2_MAGIC):
        return "een ander soort Microsoft-bestand (bijvoorbeeld een installatiebestand of e-mailbericht)"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<script")) or b"<html" in text:
        return "een webpagina (HTML)"
    if text.startswith((b"<?xml", b"<svg")):
        return "een XML-bestand"
    return None


def size_text(n: int, *, up: bool = True) -> str:
    """A size in MB (1024 × 1024 bytes) or kB with at most one decimal, Dutch style ("25,1 MB"); rounded
    up for a file's size (so a file over the limit never reads as the limit) and down for a limit."""
    for unit, factor in (("MB", MB), ("kB", 1024)):
        if n >= factor:
            tenths = math.ceil(n * 10 / factor) if up else n * 10 // factor
            whole, tenth = divmod(tenths, 10)
            return f"{whole},{tenth} {unit}" if tenth else f"{whole} {unit}"
    return f"{n} bytes"


def too_large(name: str, size: int, max_bytes: int) -> RejectedFile:
    return RejectedFile(
        f"Het bestand ‘{name}’ is {size_text(size)}; het maximum is {size_text(max_bytes, up=False)}. "
        "Verklein het bestand of splits het op."
    )


_size = size_text


# --- names -----------------------------------------------------------------------------------

# Stripped before the canonical extension is added: "rapport.PDF" -> "rapport.pdf", "nota.docx" with
# Word 97 content -> "nota.doc". Other suffixes stay part of the name ("Nota v1.2" -> "Nota v1.2.pdf").
_KNOWN_EXTENSIONS = {
    *FILE_TYPES,
    *("docm", "dot", "dotx", "dotm", "xlsm", "xlsb", "xlt", "xltx", "xltm", "pptm", "pps", "ppsx", "pot", "potx"),
    *("ott", "ots", "otp", "fodt", "fods", "fodp", "rtf", "txt", "tsv"),
}
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def _clean_basename(filename: str) -> str:
    """The last path component, NFC, without control or format characters, whitespace collapsed."""
    name = re.split(r"[/\\]", unicodedata.normalize("NFC", filename or ""))[-1]
    kept = []
    for char in name:
        if char.isspace():
            kept.append(" ")
        elif not unicodedata.category(char).startswith("C"):  # Cc, Cf (e.g. right-to-left override), Cs, ...
            kept.append(char)
    return re.sub(r" +", " ", "".join(kept)).strip()


def _display_name(filename: str) -> str:
    name = _clean_basename(filename) or "zonder naam"
    return name if len(name) <= 80 else name[:79] + "…"


def _extension(filename: str) -> str:
    base = _clean_basename(filename)
    return base.rpartition(".")[2].lower().strip() if "." in base else ""

"""The exchange file formats, one class each over translate-toolkit's storage classes: PO and
XLIFF (exported and imported: pages and interface strings), TBX-Basic (the glossary) and TMX
(the translation memory), exported. `FORMATS_BY_SUFFIX` picks a file's format by its suffix;
each class has the same interface (`name`, `suffix`, `parse`, `dump`), and the two an import
reads give it their units' ids, English, translation, state and notes the same way."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from lxml import etree
from translate.storage import po, tbx, tmx, xliff
from translate.storage.placeables import StringElem
from translate.storage.placeables import lisa as lisa_placeables
from translate.storage.placeables import xliff as xliff_placeables

from sitekit import model
from sitekit.segments import Code, Segment, SegmentError, Span, Text, merged, parse_plain, plain

if TYPE_CHECKING:
    from sitekit.exchange import Unit

TRANSLATED, REVIEW, EMPTY = "translated", "needs review", "empty"
EXCHANGE_TAGS = {"zh": "zh-Hans"}  # the BCP 47 tag exchange files carry, where the site's code is shorter
NEWLINE = b"\n"


def exchange_tag(lang: str) -> str:
    """A site language's tag in exchange files: BCP 47 with its script where the site's code has none."""
    return EXCHANGE_TAGS.get(lang, lang)


class ImportProblem(ValueError):
    """What stops a file from being read: where in it, what is wrong, the fix."""

    def __init__(self, where: str, message: str, fix: str) -> None:
        super().__init__(message)
        self.where, self.message, self.fix = where, message, fix


class Format:
    """An exchange file format: its name, its files' suffix, and translate-toolkit's store for it."""

    name: ClassVar[str]
    suffix: ClassVar[str]
    store_class: ClassVar[Any]

    def parse(self, data: bytes) -> Any:
        return self.store_class.parsestring(data)

    def dump(self, store: Any) -> bytes:
        return bytes(store)


class Translatable(Format):
    """A format the import reads back (PO, XLIFF): its units' ids, English and translations."""

    def check_bytes(self, data: bytes) -> None:
        """Refuse what the format's parser would misread (ImportProblem); nothing by default."""

    def languages(self, store: Any) -> list[str]:
        """The file's target language(s), as written."""
        raise NotImplementedError

    def unit_id(self, item: Any) -> str:
        raise NotImplementedError

    def places(self, data: bytes) -> Callable[[Any, str], str]:
        """Where each unit is in the file, for messages (`line N`)."""
        raise NotImplementedError

    def source_plain(self, item: Any) -> str:
        """The unit's English as text with numbered codes (`<1>…</1>`)."""
        raise NotImplementedError

    def target_plain(self, item: Any) -> str:
        raise NotImplementedError

    def source_text(self, item: Any, english: Segment) -> Text:
        """The unit's English with its codes (SegmentError: not the English segment's codes)."""
        raise NotImplementedError

    def target(self, item: Any, english: Segment) -> tuple[Text | None, str]:
        """The unit's translation with its codes (None: empty) and its state (SegmentError: codes not the English segment's)."""
        raise NotImplementedError

    def notes(self, item: Any) -> str:
        """The translator's notes on the unit (not the ones the export wrote)."""
        raise NotImplementedError

    def store(self, lang: str, groups: dict[str, list[Unit]], ids: Callable[[str], str], header: dict[str, str]) -> Any:
        """An export: the units of each page (and of the strings), with their ids as `ids` gives
        them; `header`: the file's fields that change only with the project (PO's dates, team)."""
        raise NotImplementedError


# --- PO ---------------------------------------------------------------------------------------------


class Po(Translatable):
    name, suffix, store_class = "PO", ".po", po.pofile

    def languages(self, store: Any) -> list[str]:
        return [str(store.parseheader().get("Language", "")).replace("_", "-")]

    def unit_id(self, item: Any) -> str:
        return item.getcontext()

    def places(self, data: bytes) -> Callable[[Any, str], str]:
        """A unit's msgctxt line (its strings joined, as a tool wraps a long one), in the order units come."""
        found: dict[str, list[int]] = {}
        lines = data.decode("utf-8", "replace").split("\n")
        for number, line in enumerate(lines, 1):
            if line.startswith("msgctxt "):
                parts = [line.removeprefix("msgctxt ").strip()]
                parts += [more.strip() for more in itertools.takewhile(lambda text: text.startswith('"'), lines[number:])]
                found.setdefault("".join(part[1:-1] for part in parts), []).append(number)

        def place(item: Any, id_: str) -> str:
            numbers = found.get(id_, [])
            return f"line {numbers.pop(0)}" if numbers else "a unit"

        return place

    def source_plain(self, item: Any) -> str:
        return str(item.source)

    def target_plain(self, item: Any) -> str:
        return str(item.target or "")

    def source_text(self, item: Any, english: Segment) -> Text:
        return parse_plain(str(item.source), english)

    def target(self, item: Any, english: Segment) -> tuple[Text | None, str]:
        target_text = str(item.target or "")
        target = parse_plain(target_text, english) if target_text.strip() else None
        return target, EMPTY if target is None else (REVIEW if item.isfuzzy() else TRANSLATED)

    def notes(self, item: Any) -> str:
        return str(item.getnotes("translator") or "")

    def store(self, lang: str, groups: dict[str, list[Unit]], ids: Callable[[str], str], header: dict[str, str]) -> po.pofile:
        store = po.pofile()
        store.updateheader(
            add=True,
            Project_Id_Version="painpump site",
            POT_Creation_Date=header["POT-Creation-Date"],
            PO_Revision_Date=header["PO-Revision-Date"],
            Last_Translator="",  # the export's, not one translator's (gettext's placeholder makes msgfmt -c warn)
            Language_Team=header["Language-Team"],
            Language=exchange_tag(lang).replace("-", "_") if "-" in exchange_tag(lang) else lang,
            Content_Type="text/plain; charset=UTF-8",
            Content_Transfer_Encoding="8bit",
            X_Source_Language="en",
        )
        for units in groups.values():
            for unit in units:
                item = store.addsourceunit(unit.english.plain)
                item.setcontext(ids(unit.id))
                item.addnote(_note(unit), origin="developer")
                if unit.notes:
                    item.addnote(unit.notes, origin="translator")
                named = {c.open for c in unit.english.codes.values() if c.kind == "placeholder"}
                # python-brace-format makes msgfmt -c require every {name}; a translation that leaves one out (allowed) goes without
                if named and (unit.target is None or named <= set(re.findall(r"\{\w+\}", plain(unit.target, unit.english.codes)))):
                    item.settypecomment("python-brace-format")
                if unit.english.kind == "description":
                    item.settypecomment(f"max-length:{model.DESCRIPTION_MAX}")
                if unit.target is not None:
                    item.target = plain(unit.target, unit.english.codes)
                    if unit.state == REVIEW:
                        item.markfuzzy(True)
                        if unit.before is not None:
                            item.prev_source = unit.before.plain
        return store


# --- XLIFF ------------------------------------------------------------------------------------------


XLIFF_12 = "urn:oasis:names:tc:xliff:document:1.2"


class _Unit12(xliff.xliffunit):
    namespace = XLIFF_12


class Xliff12(xliff.xlifffile):
    """translate-toolkit's XLIFF, written as XLIFF 1.2 (the version every CAT tool reads; it reads 1.1 and 1.2)."""

    UnitClass = _Unit12
    namespace = XLIFF_12
    XMLskeleton = xliff.xlifffile.XMLskeleton.replace("1.1", "1.2")


class Xliff(Translatable):
    name, suffix, store_class = "XLIFF", ".xlf", xliff.xlifffile

    def check_bytes(self, data: bytes) -> None:
        declared = re.search(rb"<!(DOCTYPE|ENTITY)\b", data)
        if declared:
            raise ImportProblem(
                f"line {data.count(NEWLINE, 0, declared.start()) + 1}",
                f"declares a DTD (<!{declared.group(1).decode()} …>), which an XLIFF file does not use: its entities are not read",
                "save the file again from your tool without the DOCTYPE, writing the characters themselves instead of entities (&name;)",
            )

    def languages(self, store: Any) -> list[str]:
        """Each <file>'s target language."""
        root = store.document.getroot()
        return [str(node.get("target-language") or "") for node in root.iter(f"{{{root.nsmap.get(None, '')}}}file")] or [""]

    def unit_id(self, item: Any) -> str:
        return item.xmlelement.get("id") or ""

    def places(self, data: bytes) -> Callable[[Any, str], str]:
        return lambda item, id_: f"line {item.xmlelement.sourceline}"

    def source_plain(self, item: Any) -> str:
        return _plain_xml(item.source_dom)

    def target_plain(self, item: Any) -> str:
        return _plain_xml(item.get_target_dom())

    def source_text(self, item: Any, english: Segment) -> Text:
        return _from_xml(item.source_dom, english)

    def target(self, item: Any, english: Segment) -> tuple[Text | None, str]:
        node = item.get_target_dom()
        target = _from_xml(node, english) if node is not None and "".join(node.itertext()).strip() else None
        xml_state = node.get("state", "translated") if node is not None else ""
        return target, EMPTY if target is None else (REVIEW if xml_state.startswith("needs-") or xml_state == "new" else TRANSLATED)

    def notes(self, item: Any) -> str:
        """Every note but the ones the export wrote (`from="developer"`): a tool's note without
        `from`, or from a reviewer, is the translator's too (its origin written before it)."""
        notes = []
        for node in item.xmlelement.iterfind(item.namespaced("note")):
            origin, text = node.get("from"), "".join(node.itertext()).strip()
            if origin == "developer" or not text:
                continue
            notes.append(text if origin in (None, "", "translator") else f"({origin}) {text}")
        return "\n".join(notes)

    def store(self, lang: str, groups: dict[str, list[Unit]], ids: Callable[[str], str], header: dict[str, str]) -> xliff.xlifffile:
        tag = exchange_tag(lang)
        store = Xliff12(sourcelanguage="en", targetlanguage=tag)
        for name, units in groups.items():
            store.switchfile(name, createifmissing=True)
            store.setsourcelanguage("en")
            store.settargetlanguage(tag)
            for unit in units:
                item = store.addsourceunit("", filename=name, createifmissing=True)
                item.setid(ids(unit.id))
                if unit.english.kind == "description":
                    item.xmlelement.set("maxwidth", str(model.DESCRIPTION_MAX))
                    item.xmlelement.set("size-unit", "char")
                _set_rich(item.source_dom, unit.english.text, unit.english.codes)
                if unit.target is not None:
                    item.settarget("", lang=tag)
                    _set_rich(item.get_target_dom(), unit.target, unit.english.codes)
                item.addnote(_note(unit), origin="developer")
                if unit.notes:
                    item.addnote(unit.notes, origin="translator")
                if unit.before is not None:
                    item.addnote(f"English before: {unit.before.plain}", origin="developer")
                if unit.state == TRANSLATED:
                    item.markfuzzy(False)
                    item.xmlelement.find(item.namespaced("target")).set("state", "signed-off" if unit.reviewed else "translated")
                elif unit.state == REVIEW:
                    item.xmlelement.find(item.namespaced("target")).set("state", "needs-review-translation")
                if unit.reviewed and unit.state == TRANSLATED:
                    item.xmlelement.set("approved", "yes")
                else:
                    item.xmlelement.attrib.pop("approved", None)
        return store


def _set_rich(node: etree._Element, text: Text, codes: dict[str, Code]) -> None:
    for child in list(node):
        node.remove(child)
    node.text = None
    lisa_placeables.strelem_to_xml(node, StringElem(list(_elements(text, codes))))


def _elements(text: Text, codes: dict[str, Code]) -> Any:
    for part in text:
        if isinstance(part, str):
            yield part
            continue
        code = codes[part.code]
        attrib = {"ctype": code.ctype}
        if code.kind == "placeholder":
            attrib["equiv-text"] = code.open  # the {name} it stands for
        if code.paired:
            yield xliff_placeables.G(id=part.code, sub=list(_elements(part.parts, codes)), xml_attrib=attrib)
        else:
            yield xliff_placeables.X(id=part.code, xml_attrib=attrib)


def _plain_xml(node: etree._Element | None) -> str:
    """An XLIFF source or target as text with numbered codes (`<1>…</1>`, `<2/>`), whatever its code ids."""
    if node is None:
        return ""
    out = [node.text or ""]
    for child in node:
        name = etree.QName(child).localname if isinstance(child.tag, str) else ""
        inner = _plain_xml(child)
        number = child.get("id", "")
        out.append(f"<{number}>{inner}</{number}>" if name == "g" else f"<{number}/>" if name == "x" else inner)
        out.append(child.tail or "")
    return "".join(out)


def _is_segment_marker(node: etree._Element) -> bool:
    """XLIFF 1.2's `<mrk mtype="seg">`: where a CAT tool cut a unit into sentences (no words of its own)."""
    return isinstance(node.tag, str) and etree.QName(node).localname == "mrk" and node.get("mtype") == "seg" and not node.get("comment")


def _from_xml(node: etree._Element, english: Segment) -> Text:
    """An XLIFF source or target with <g>/<x> codes as a text (ids checked against the English segment)."""
    element = lisa_placeables.xml_to_strelem(node, "preserve")

    def walk(parts: list[Any]) -> list[Any]:
        out: list[Any] = []
        for part in parts:
            if isinstance(part, str):
                out.append(part)
            elif isinstance(part, (xliff_placeables.G, xliff_placeables.X)):
                number = str(part.id)
                if number not in english.codes:
                    raise SegmentError(
                        english.id,
                        f"the inline code with id '{number}' is not in the English text",
                        "keep the English segment's codes and add none",
                    )
                out.append(Span(number, tuple(walk(part.sub)) if isinstance(part, xliff_placeables.G) else ()))
            elif isinstance(part, xliff_placeables.UnknownXML) and _is_segment_marker(part.xml_node):
                out.extend(walk(part.sub))  # a CAT tool's sentence segmentation (Trados): its words, as they are
            elif isinstance(part, xliff_placeables.UnknownXML):
                tag = etree.QName(part.xml_node).localname if isinstance(part.xml_node.tag, str) else "?"
                raise SegmentError(
                    english.id,
                    f"the element <{tag}> is not one the export wrote: it cannot be published, and its words would be taken without it",
                    "remove the element (write its words as text) and keep only the English segment's <g> and <x> codes",
                )
            elif isinstance(part, StringElem):
                out.extend(walk(part.sub))
            else:
                raise SegmentError(
                    english.id,
                    f"the inline code {type(part).__name__} is not one the export wrote",
                    "keep the English segment's <g> and <x> codes and add none",
                )
        return out

    return merged(walk([element]))


# --- TBX (the glossary) -----------------------------------------------------------------------------


PREFERRED, ADMITTED, DEPRECATED = "preferredTerm-admn-sts", "admittedTerm-admn-sts", "deprecatedTerm-admn-sts"  # TBX-Basic


@dataclass
class Concept:
    """A termbase entry: its English terms (text, termType) and the language's (text,
    administrativeStatus, termType); notes on the language's terms, a note on the entry."""

    id: str
    english: list[tuple[str, str]]
    terms: list[tuple[str, str, str]]
    notes: list[str] = field(default_factory=list)
    entry_note: str = ""


class TbxBasic(tbx.tbxfile):
    """translate-toolkit's TBX, written as TBX-Basic (the TBX dialect CAT tools import): its
    header names the dialect's constraints (XCS); an entry's note comes before its languages."""

    XMLskeleton = """<?xml version="1.0"?>
<!DOCTYPE martif SYSTEM "TBXBasiccoreStructV02.dtd">
<martif type="TBX-Basic">
<martifHeader>
<fileDesc>
<titleStmt><title>Pain pump site glossary</title></titleStmt>
<sourceDesc><p>l10n/*/glossary.yml, exported by scripts/docs.py</p></sourceDesc>
</fileDesc>
<encodingDesc><p type="XCSURI">TBXBasicXCSV02.xcs</p></encodingDesc>
</martifHeader>
<text><body></body></text>
</martif>"""


def _tbx_basic_store(concepts: list[Concept], source: str, target: str) -> TbxBasic:
    """Each concept as a termEntry: a <tig> per term, with its termType and (the language's)
    administrativeStatus as termNotes, the language's notes before its terms."""
    store = TbxBasic(sourcelanguage=source, targetlanguage=target)
    for concept in concepts:
        unit = store.addsourceunit(concept.english[0][0])
        unit.setid(concept.id)
        unit.set_source_terms([text for text, _ in concept.english], source)
        if concept.terms:
            unit.set_target_terms([text for text, _, _ in concept.terms], target)
        languages = unit.getlanguageNodes()
        notes = [[("", kind) for _, kind in concept.english], [(status, kind) for _, status, kind in concept.terms]]
        for language, kinds in zip(languages, notes[: len(languages)], strict=True):
            for tig, (status, kind) in zip(language.iterfind(unit.namespaced("tig")), kinds, strict=True):
                for name, value in (("termType", kind), ("administrativeStatus", status)):
                    if value:
                        etree.SubElement(tig, unit.namespaced("termNote"), type=name).text = value
        # the language's notes before its terms (a term it has not translated yet: on the entry)
        for parent, texts in (
            (languages[1] if len(languages) > 1 else unit.xmlelement, concept.notes),
            (unit.xmlelement, [concept.entry_note]),
        ):
            for text in reversed([text for text in texts if text]):
                parent.insert(0, etree.Element(unit.namespaced("note")))
                parent[0].text = text
    return store


class Tbx(Format):
    name, suffix, store_class = "TBX", ".tbx", TbxBasic

    def store(self, concepts: list[Concept], source: str, target: str) -> TbxBasic:
        return _tbx_basic_store(concepts, source, target)


# --- TMX (the translation memory) -------------------------------------------------------------------


@dataclass(frozen=True)
class Memory:
    """A translation memory's unit: the English, its translation, where it comes from (page and
    kind, or a string's id), its page's review state, the date of the translation (YYYY-MM-DD)."""

    source: str
    target: str
    context: str
    review: str
    date: str = ""


class Tmx(Format):
    name, suffix, store_class = "TMX", ".tmx", tmx.tmxfile

    def store(self, entries: list[Memory], source: str, target: str, created: str = "") -> tmx.tmxfile:
        """The memory; `created` (YYYY-MM-DD): the header's creation date (the same on every export of the same project)."""
        store = tmx.tmxfile(sourcelanguage=source, targetlanguage=target)
        header = store.document.getroot().find("header")
        if header is not None:
            header.set("segtype", "paragraph")  # a segment is a block (several sentences), not one sentence
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", created):
                header.set("creationdate", _tmx_date(created))
        for entry in entries:
            store.addtranslation(entry.source, source, entry.target, target)
            node = store.units[-1].xmlelement
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", entry.date):
                node.set("changedate", _tmx_date(entry.date))
            for kind, value in (("x-context", entry.context), ("x-review", entry.review)):
                etree.SubElement(node, "prop", type=kind).text = value
                node.insert(0, node[-1])  # <prop> comes before <tuv>
        return store


def _tmx_date(day: str) -> str:
    """YYYY-MM-DD as TMX writes a date (ISO 8601 basic, UTC): 20261124T000000Z."""
    return day.replace("-", "") + "T000000Z"


PO, XLIFF, TBX, TMX = Po(), Xliff(), Tbx(), Tmx()
FORMATS_BY_SUFFIX: dict[str, Format] = {".po": PO, ".xlf": XLIFF, ".xliff": XLIFF, ".tbx": TBX, ".tmx": TMX}
EXPORTS: dict[str, Translatable] = {"xliff": XLIFF, "po": PO}  # `docs.py export --format`


def _note(unit: Unit) -> str:
    links = [
        f"<{n}> {c.kind} to {c.detail}" if c.kind in ("link", "image") else f"<{n}> {c.kind}"
        for n, c in unit.english.codes.items()
        if c.kind != "placeholder"
    ]
    placeholders = [f"<{n}/> is {c.open}" for n, c in unit.english.codes.items() if c.kind == "placeholder"]
    parts = [f"{unit.english.kind}"] + (["codes: " + "; ".join(links)] if links else [])
    parts += (
        ["placeholders (in XLIFF): " + "; ".join(placeholders) + " (one may be left out where the language does not need it)"]
        if placeholders
        else []
    )
    parts += [f"at most {model.DESCRIPTION_MAX} characters"] if unit.english.kind == "description" else []
    parts += [unit.context] if unit.context else []
    return ", ".join(parts)

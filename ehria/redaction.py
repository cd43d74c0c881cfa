"""Depersonalising an assessment for publication: what is removed, and the answers without it.

One function, `redact`, produces both the list of redactions (what the DEG chair and the
web team preview: path, original, replacement) and the redacted answers and signatures
(what the published PDF prints), so the preview and the PDF can never disagree.

What is personal data here (design/PRODUCT.md, "Documents"):

- the names, telephone numbers and e-mail addresses of the lead officer, co-authors,
  implementing officers and signatories; their job titles and roles stay;
- in every text answer: any e-mail address, any UK telephone number (landline or mobile,
  with or without spaces, hyphens or +44) and the name of any known person: a user of the
  system, a person named in the key details, a signatory;
- any further phrase that the authors or the chair ask to redact (`extra_phrases`).

Finding names in free text can only be as good as the list of names it is given, which
is why the preview exists and why extra phrases can be added. Pure: plain data in, plain
data out; no Flask, no database.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

NAME_REMOVED = "[name removed]"
PHONE_REMOVED = "[telephone number removed]"
EMAIL_REMOVED = "[e-mail address removed]"
PHRASE_REMOVED = "[redacted]"

# What the template's `personal:` says a field holds (ehria.form: Field.personal):
# - "name", "telephone": nothing but one person's name or number, replaced whole (and a
#   name is then looked for in every other answer too);
# - "people": names beside job titles ("Tom Ellis, Commissioning Officer"), where a
#   leading run of capitalised words that is not a job title is taken for a name.
REPLACED_WHOLE = {"name": NAME_REMOVED, "telephone": PHONE_REMOVED}

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+", re.ASCII)
# A UK number: +44 / 0044 / 0 (optionally "(0" or "+44 (0)"), then 9 or 10 digits, each
# optionally after one space or hyphen, with an optional ")" closing an area code.
_PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)\s?44\s?(?:\(0\)\s?)?|\(?0)"
    r"(?:[ \t-]?\)?[ \t-]?\d){9,10}(?![\d])"
)
_HONORIFICS = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Professor|Cllr|Councillor)\.?"
_NAME_WORD = re.compile(r"^[A-Z][a-z]+(?:['\u2019-][A-Z]?[a-z]+)*$")
_ENTRY_SEPARATORS = re.compile(r"[;\n]|\s+and\s+|\s*&\s*")
_SEGMENT_SEPARATORS = re.compile(r"[,()/:\[\]]|\s[-\u2013\u2014]|[-\u2013\u2014]\s")
# Words of job titles and council services: a capitalised run containing one is a title.
_TITLE_WORDS_TEXT = """
    officer officers manager managers director directors head heads lead leads leader chair
    chief executive assistant deputy senior principal coordinator co-ordinator team teams
    service services commissioning partnership partnerships council county borough city
    group groups department departmental board unit units adviser advisor analyst worker
    workers practitioner specialist consultant administrator strategic project programme
    policy planning children child families family adults adult communities community
    health education social care finance public corporate resources support development
    equality equalities engagement commissioner secretary member members councillor
    cabinet portfolio holder business operations improvement performance safeguarding
    quality transport environment legal digital customer customers admissions schools
    school early help youth disability disabilities send housing library libraries
    strategy review office staff panel forum network trust hospital clinical nurse
    nursing therapist therapy psychologist solicitor accountant auditor inspector
    surveyor engineer planner librarian coach mentor trainee apprentice intern volunteer
    partner partners breaks short respite provider providers commissioner
"""
_TITLE_WORDS = frozenset(_TITLE_WORDS_TEXT.split())


@dataclass(frozen=True)
class Redaction:
    """One removal: where (an answer path, or `signatures.<role>.name`), what, and by what."""

    path: str
    original: str
    replacement: str

    def to_dict(self) -> dict[str, str]:
        return {"path": self.path, "original": self.original, "replacement": self.replacement}


@dataclass(frozen=True)
class Redacted:
    """The depersonalised answers and signatures, and the list of what was taken out."""

    answers: dict[str, Any]
    signatures: list[dict[str, Any]]
    redactions: list[Redaction]


def redact(
    answers: Mapping[str, Any],
    *,
    personal: Mapping[str, str] = {},
    known_names: Iterable[str] = (),
    extra_phrases: Iterable[str] = (),
    signatures: Sequence[Mapping[str, Any]] = (),
) -> Redacted:
    """Depersonalise one revision's answers and signatures; the inputs are not changed.

    `personal`: what the template says holds personal data, by path (`*` for a row of a
    table: `report.improvement_plan.*.officer_responsible`), each "name", "telephone" or
    "people" (FormDefinition.personal_data()).
    `known_names`: the names of people the system knows (its users); names found in the
    personal fields, in e-mail addresses and in the signatures are added to them.
    `signatures`: `{role, name, at, ...}` each; the name goes, the rest stays.
    """
    names = people_named(answers, known_names, signatures, personal)
    finder = _Finder(names, [p for p in extra_phrases if p and p.strip()])
    redactions: list[Redaction] = []
    redacted = _redact_value(copy.deepcopy(dict(answers)), "", finder, redactions, personal)
    return Redacted(
        answers=redacted,
        signatures=_redact_signatures(signatures, redactions),
        redactions=redactions,
    )


def people_named(
    answers: Mapping[str, Any],
    known_names: Iterable[str] = (),
    signatures: Sequence[Mapping[str, Any]] = (),
    personal: Mapping[str, str] = {},
) -> list[str]:
    """Every person's name to look for in free text, longest first (so it wins overlaps).

    One-word names are left out: a single word ("Officer", "Grace") is too often an
    ordinary word to be removed everywhere it appears.
    """
    found: list[str] = [*known_names, *(str(s.get("name") or "") for s in signatures)]
    for path, text in _texts(answers, ""):
        kind = _personal_kind(path, personal)
        if kind == "name":
            found.append(text)
        elif kind == "people":
            found += names_in_people_field(text)
        found += [name for email in _EMAIL.findall(text) if (name := name_from_email(email))]
    unique = {" ".join(name.split()).casefold(): " ".join(name.split()) for name in found}
    return sorted(
        (name for name in unique.values() if len(name.split()) >= 2),
        key=lambda name: (-len(name), name),
    )


def names_in_people_field(text: str) -> list[str]:
    """Names at the start of each entry of a people field: "Jane Moore - Director ..."."""
    names = []
    for entry in _ENTRY_SEPARATORS.split(text):
        first = _SEGMENT_SEPARATORS.split(entry.strip(), maxsplit=1)[0]
        words = re.sub(rf"^{_HONORIFICS}\s+", "", first.strip()).split()
        if 2 <= len(words) <= 4 and all(_looks_like_name_word(w) for w in words):
            names.append(" ".join(words))
    return names


def name_from_email(email: str) -> str | None:
    """`tom.ellis@...` names Tom Ellis: council addresses are usually first.last."""
    parts = [p.capitalize() for p in re.split(r"[._-]", email.split("@", 1)[0])]
    if 2 <= len(parts) <= 3 and all(len(p) >= 2 and _looks_like_name_word(p) for p in parts):
        return " ".join(parts)
    return None  # "web@", "team2@", "equality.team@": a mailbox, not a person


def find_phones(text: str) -> list[str]:
    """The UK telephone numbers in `text`, as written."""
    return [m.group(0) for m in _PHONE.finditer(text)]


# -- finding what to remove in one text ---------------------------------------------------


class _Finder:
    """Finds the spans to remove in a text: e-mails, phones, extra phrases, names."""

    def __init__(self, names: Sequence[str], phrases: Sequence[str]) -> None:
        self.patterns: list[tuple[re.Pattern[str], str]] = [
            (_EMAIL, EMAIL_REMOVED),
            (_PHONE, PHONE_REMOVED),
        ]
        if phrases:
            self.patterns.append((_alternation(phrases, honorifics=False), PHRASE_REMOVED))
        if names:
            self.patterns.append((_alternation(names, honorifics=True), NAME_REMOVED))

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        """Non-overlapping (start, end, replacement), earliest first; longer wins a tie."""
        found = [
            (m.start(), m.end(), replacement)
            for pattern, replacement in self.patterns
            for m in pattern.finditer(text)
            if m.end() > m.start()
        ]
        found.sort(key=lambda span: (span[0], -span[1]))
        chosen: list[tuple[int, int, str]] = []
        for span in found:
            if not chosen or span[0] >= chosen[-1][1]:
                chosen.append(span)
        return chosen


def _alternation(phrases: Sequence[str], *, honorifics: bool) -> re.Pattern[str]:
    """One case-insensitive pattern for all phrases; white space inside them may vary."""
    alternatives = []
    for phrase in sorted(set(phrases), key=len, reverse=True):
        words = phrase.split()
        alternatives.append(r"\s+".join(re.escape(w) for w in words))
        if honorifics and len(words) >= 2:  # "Ms Chauhan" for Priya Chauhan
            alternatives.append(rf"{_HONORIFICS}\s+{re.escape(words[-1])}")
    return re.compile(rf"(?<!\w)(?:{'|'.join(alternatives)})(?!\w)", re.IGNORECASE)


def _looks_like_name_word(word: str) -> bool:
    return bool(_NAME_WORD.match(word)) and word.casefold() not in _TITLE_WORDS


def _personal_kind(path: str, personal: Mapping[str, str]) -> str | None:
    """What personal data the answer at `path` holds, as the template declares it (a row
    of a table matches its `*` path)."""
    if path in personal:
        return personal[path]
    parts = path.split(".")
    return personal.get(".".join([*parts[:2], "*", *parts[3:]])) if len(parts) > 3 else None


# -- walking the answers ------------------------------------------------------------------


def _texts(value: object, path: str) -> Iterator[tuple[str, str]]:
    """Every text answer with its dotted path (list rows by index)."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, Mapping):
        for key, child in value.items():
            yield from _texts(child, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _texts(child, f"{path}.{index}")


def _redact_value(
    value: Any, path: str, finder: _Finder, redactions: list[Redaction],
    personal: Mapping[str, str],
) -> Any:
    if isinstance(value, str):
        return _redact_text(value, path, finder, redactions, personal)
    if isinstance(value, dict):
        return {
            key: _redact_value(child, f"{path}.{key}" if path else str(key), finder,
                               redactions, personal)
            for key, child in value.items()
        }
    if isinstance(value, list):
        return [
            _redact_value(child, f"{path}.{index}", finder, redactions, personal)
            for index, child in enumerate(value)
        ]
    return value


def _redact_text(text: str, path: str, finder: _Finder, redactions: list[Redaction],
                 personal: Mapping[str, str]) -> str:
    whole = REPLACED_WHOLE.get(_personal_kind(path, personal) or "")
    if whole is not None:
        if not text.strip():
            return text
        redactions.append(Redaction(path, text, whole))
        return whole
    pieces: list[str] = []
    position = 0
    for start, end, replacement in finder.spans(text):
        redactions.append(Redaction(path, text[start:end], replacement))
        pieces += [text[position:start], replacement]
        position = end
    return "".join(pieces) + text[position:] if pieces else text


def _redact_signatures(
    signatures: Sequence[Mapping[str, Any]], redactions: list[Redaction]
) -> list[dict[str, Any]]:
    """A signature keeps its role, job title and date; only the name goes."""
    kept = []
    for signature in signatures:
        entry = dict(signature)
        name = str(entry.get("name") or "")
        if name.strip():
            redactions.append(
                Redaction(f"signatures.{entry.get('role', '')}.name", name, NAME_REMOVED)
            )
        entry["name"] = None
        kept.append(entry)
    return kept

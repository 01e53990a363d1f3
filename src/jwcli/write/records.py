"""New records for `jw add`: fields read from the models, YAML text, file names, and the check that
a new file adds no error to the repository.

The CLI builds one subcommand per record kind from `field_specs`, so options, help and choices come
from the same models the loader validates with (shared/spec/architecture.md). Nothing here prints
or prompts; problems come back as data or as `JwError`s.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import types
import typing
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from jwcli.errors import GitProblem, RefusedToOverwrite, UsageError
from jwcli.load.pydantic_errors import findings_from_errors
from jwcli.load.yamlsafe import Marks, YamlProblem, parse, resolve_plain
from jwcli.model.common import BEHAVIOURS
from jwcli.model.findings import Finding
from jwcli.model.records import RECORD_KINDS, AnyRecord, Commitment, RecordBase, Update
from jwcli.model.relationship import RECORDS_DIR, RecordEntry, Relationship
from jwcli.quarters import Quarter
from jwcli.suggest import did_you_mean
from jwcli.write.files import create_new

# Words for the help of each kind and field; the models hold the types, this holds the meaning.
# tests/test_add.py checks that every field of every kind has help, so the two cannot drift.
KIND_HELP: dict[str, str] = {
    "commitment": "A party promised something (the summary) by a due date.",
    "update": "A change in a commitment's state: delivered, missed, renegotiated or withdrawn.",
    "measurement": "A KPI's actual value for a quarter.",
    "cost": "An actual spend on a service, borne by a party, in a quarter.",
    "observation": "Evidence bearing on one or more of the ten behaviours of a party.",
    "innovation": "An idea and what became of it: proposed, trialled, adopted or abandoned.",
    "lesson": "A lesson learned, shared by a party.",
    "meeting": "A governance meeting held: check-in, quarterly review or escalation.",
    "claim": "A party claims an achievement; cite evidence or attachments.",
    "saving": "A saving moving through its stages: identified, agreed, implemented, realised.",
    "escalation": "A step of the charter's escalation ladder taken.",
    "amendment": "The parties agreed a new version of the charter.",
}
FIELD_HELP: dict[str, str] = {
    "date": "When it happened, YYYY-MM-DD (default: today, or --today/JW_TODAY).",
    "summary": "What happened, in a sentence; its first words name the file unless --id is given.",
    "evidence": "Ids of records that back this one.",
    "attachments": "Files inside the repository, or https:// links.",
    "tags": "Free-text tags.",
    "notes": "Free text.",
    "supersedes": "Id (or ids) of earlier records of the same kind that this one corrects.",
    "quarter": "The quarter it is about, YYYY-Qn (default: that of the triggers it answers).",
    "party": "A party id from the charter.",
    "due": "When it is due, YYYY-MM-DD.",
    "to": "The parties it was promised to.",
    "objective": "The charter objective it serves.",
    "kpi": "The KPI it bears on.",
    "commitment": "Id of the commitment record this updates.",
    "status": "The new state.",
    "new_due": "The new due date, YYYY-MM-DD (renegotiated only).",
    "period": "The quarter it belongs to: YYYY-Qn (or any spelling --quarter takes, such as "
    "Q2 2026, last or current).",
    "value": "The actual value, a plain number such as 82.5.",
    "service": "A service id from the charter.",
    "amount": "An amount in the charter's currency, a plain number such as 1200.50.",
    "project": "The project (a budget in baselines.yaml), if any.",
    "behaviours": "Ids of the behaviours it bears on.",
    "effect": "Whether it is good, bad or neither for the behaviours.",
    "by": "The observing party.",
    "lessons": "What was learned (required when abandoned).",
    "innovation": "Id of the earlier record of the same idea, when it moves on.",
    "services": "Service ids the lesson concerns.",
    "type": "The kind of meeting.",
    "attendees": 'Who attended, per party: KEY=NAMES, e.g. --attendees north="Ann Lee,Raj Patel".',
    "invited": "Parties invited (default: all).",
    "decisions": "Decisions taken, one per option.",
    "one_off": "The amount is a one-off saving, not annual.",
    "stage": "The stage the saving has reached; only realised counts as achieved.",
    "saving": "Id of the earlier record of the same saving, when moving it to a later stage.",
    "level": "The step of the charter's escalation ladder (a level number).",
    "parties": "The parties involved.",
    "trigger": "The charter triggers it answers; none: a step taken for another reason.",
    "outcome": "How it was resolved, once it is.",
    "version": "The charter version agreed.",
    "agreed_by": "The parties that agreed it.",
}
KIND_FIELD_HELP: dict[tuple[str, str], str] = {
    ("commitment", "party"): "The party that made the promise.",
    ("commitment", "kpi"): "The KPI it bears on, if any.",
    ("commitment", "objective"): "The charter objective it serves, if any.",
    ("update", "status"): "The commitment's new state.",
    ("measurement", "kpi"): "The KPI measured.",
    ("measurement", "value"): "The KPI's actual value for the quarter, a plain number.",
    ("cost", "party"): "The party that bears the cost.",
    ("cost", "amount"): "The amount spent, in the charter's currency, e.g. 1200.50.",
    ("observation", "party"): "The party the observation is about.",
    ("innovation", "party"): "The party whose idea it is.",
    ("innovation", "status"): "Where the idea stands.",
    ("lesson", "party"): "The party sharing the lesson.",
    ("claim", "party"): "The party claiming the achievement.",
    ("saving", "party"): "The party that benefits.",
    ("saving", "amount"): "The saving, annual unless --one-off, e.g. 12000.",
}

# What a person is asked, per kind and field, when `jw add` prompts; other fields use their name.
PROMPTS: dict[tuple[str, str], str] = {
    ("commitment", "party"): "Which party made the promise?",
    ("commitment", "due"): "By when (YYYY-MM-DD)?",
    ("commitment", "summary"): "What was promised?",
    ("commitment", "to"): "Promised to which parties (blank: none named)?",
    ("update", "commitment"): "Which commitment?",
    ("update", "status"): "What became of it?",
    ("update", "new_due"): "What is the new due date (YYYY-MM-DD)?",
    ("update", "summary"): "What happened, in a sentence?",
    ("measurement", "kpi"): "Which KPI was measured?",
    ("measurement", "period"): "For which quarter?",
    ("measurement", "value"): "What was the value?",
    ("measurement", "summary"): "Anything to say about the figure, in a sentence?",
    ("cost", "service"): "Which service was the money spent on?",
    ("cost", "party"): "Which party bore the cost?",
    ("cost", "period"): "For which quarter?",
    ("cost", "amount"): "How much was spent?",
    ("cost", "summary"): "What was it spent on?",
    ("observation", "party"): "Which party is it about?",
    ("observation", "summary"): "What did you see?",
    ("innovation", "party"): "Whose idea is it?",
    ("innovation", "summary"): "What is the idea?",
    ("innovation", "lessons"): "What was learned?",
    ("lesson", "party"): "Which party is sharing it?",
    ("lesson", "summary"): "What was learned?",
    ("meeting", "summary"): "What was the meeting about?",
    ("claim", "party"): "Which party claims it?",
    ("claim", "summary"): "What is claimed?",
    ("saving", "summary"): "What is the saving?",
    ("escalation", "summary"): "What is being escalated?",
    ("escalation", "outcome"): "How was it resolved (blank: not yet)?",
    ("amendment", "summary"): "What changed in the charter?",
}
# Optional fields worth asking for when jw add is prompting anyway (blank skips them).
ASKED_WHEN_PROMPTING: dict[str, tuple[str, ...]] = {
    "commitment": ("to",),
    "escalation": ("outcome",),
}


def prompt_for(kind: str, name: str) -> str:
    return PROMPTS.get((kind, name), name)


def default_summary(kind: str, data: Mapping[str, Any], rel: Relationship) -> str | None:
    """The summary an update needs no one to type: `Delivered: <the commitment's summary>`."""
    if kind != "update" or not isinstance(data.get("status"), str):
        return None
    entry = rel.records.get(str(data.get("commitment")))
    if entry is None or entry.record.kind != "commitment":
        return None
    return f"{str(data['status']).capitalize()}: {entry.record.summary}"


def prompt_default(
    kind: str, name: str, data: Mapping[str, Any], rel: Relationship, today: dt.date
) -> str | None:
    """What pressing Enter gives: the last completed quarter for a period, an update's summary."""
    if name in QUARTER_FIELDS:
        return str(Quarter.of(today, rel.fiscal_year_start).previous())
    if name == "summary":
        return default_summary(kind, data, rel)
    return None


# Fields the data format requires only in some states (data-format.md; checks/records.py).
CONDITIONAL: dict[str, tuple[tuple[str, str, str], ...]] = {
    "update": (("status", "renegotiated", "new_due"),),
    "innovation": (("status", "abandoned", "lessons"),),
}

Shape = Literal["scalar", "list", "mapping", "flag"]

LAST_FIELDS = ("summary", "evidence", "attachments", "tags", "supersedes", "notes")
MAX_ID = 80
SLUG_WORDS = 6
ID_RE = re.compile(r"^[a-z0-9-]{3,80}$")


@dataclass(frozen=True)
class FieldSpec:
    """One field of a record kind, as the command line and the prompts see it."""

    name: str
    shape: Shape
    required: bool
    help: str
    numeric: bool = False  # the text is read as the loader reads an unquoted value (numbers)
    choices: tuple[str, ...] = ()  # a Literal's values (or its items', for a list)
    split_commas: bool = False  # a list of ids: `--to north,south` as well as repeated options
    refers_to: str | None = None  # a vocabulary (party, service, KPI...) or "record"
    record_kind: str | None = None  # for refers_to == "record": the kind it must name, if any
    one_or_many: bool = False  # `X | list[X]`: one value is written as itself, not a list

    @property
    def option(self) -> str:
        return "--" + self.name.replace("_", "-")


def _strip_optional(annotation: Any) -> Any:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
        # `X | list[X]` (supersedes, an escalation's trigger): one id or several, a list here
        lists = [a for a in args if typing.get_origin(a) is list]
        if len(lists) == 1 and len(args) == 2:
            return lists[0]
    return annotation


def _strip_annotated(annotation: Any) -> tuple[Any, bool]:
    """The bare type, and whether it carried validators (jw's id, date and number types do)."""
    if typing.get_origin(annotation) is typing.Annotated:
        return typing.get_args(annotation)[0], True
    return annotation, False


def _field_spec(kind: str, name: str, info: Any) -> FieldSpec:
    from jwcli.checks.records import RECORD_FIELDS, VOCABULARY_FIELDS

    annotation = _strip_optional(info.annotation)
    origin = typing.get_origin(annotation)
    one_or_many = (
        origin is list
        and typing.get_origin(info.annotation)
        in (
            typing.Union,
            types.UnionType,
        )
        and len([a for a in typing.get_args(info.annotation) if a is not type(None)]) == 2
    )
    help_text = KIND_FIELD_HELP.get((kind, name)) or FIELD_HELP[name]
    refers_to = VOCABULARY_FIELDS.get(name)
    record_kind = None
    if name in RECORD_FIELDS:
        refers_to = "record"
        target = RECORD_FIELDS[name]
        record_kind = kind if target == "same" else target
    common: dict[str, Any] = {
        "name": name,
        "required": info.is_required(),
        "help": help_text,
        "refers_to": refers_to,
        "record_kind": record_kind,
    }
    if annotation is bool:
        return FieldSpec(shape="flag", **common)
    if origin is list:
        item, typed = _strip_annotated(typing.get_args(annotation)[0])
        choices = typing.get_args(item) if typing.get_origin(item) is Literal else ()
        return FieldSpec(
            shape="list",
            choices=tuple(choices),
            split_commas=typed or bool(choices),
            one_or_many=one_or_many,
            **common,
        )
    if origin is dict:
        return FieldSpec(shape="mapping", **common)
    if typing.get_origin(annotation) is Literal:
        return FieldSpec(shape="scalar", choices=typing.get_args(annotation), **common)
    numeric = annotation in (int, Decimal)
    return FieldSpec(shape="scalar", numeric=numeric, **common)


@cache
def field_specs(kind: str) -> tuple[FieldSpec, ...]:
    """The fields of `kind` in the order a person reads them: kind, date, its own, the common."""
    model = RECORD_KINDS[kind]
    own = [n for n in model.model_fields if n not in RecordBase.model_fields and n != "kind"]
    order = ["date", *own, *LAST_FIELDS]
    return tuple(_field_spec(kind, n, model.model_fields[n]) for n in order)


def spec_of(kind: str, name: str) -> FieldSpec:
    return next(s for s in field_specs(kind) if s.name == name)


# --- turning what a person typed into the values the loader would read --------------------------

_BAD_TEXT_RE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff"
    "\u202a-\u202e\u2066-\u2069]"  # and bidirectional controls, as the loader refuses them
)


class FieldProblem(ValueError):
    """A value a person typed for one field cannot be used; the message says why."""


def clean_text(text: str) -> str:
    """Line ends normalised, ends stripped; control characters refused (the loader would)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    bad = _BAD_TEXT_RE.search(text)
    if bad:
        char = bad.group()
        what = "not valid UTF-8 text" if "\ud800" <= char <= "\udfff" else "a control character"
        raise FieldProblem(f"contains {what} (U+{ord(char):04X}); remove it")
    return text


def _scalar_value(spec: FieldSpec, text: str) -> Any:
    text = clean_text(text)
    if spec.numeric:
        return resolve_plain(text)
    return text


def convert(spec: FieldSpec, raw: Any) -> Any:
    """One field's value from the command line or a prompt: text, a list of texts, or KEY=VALUEs.

    Returns None when nothing was given. Numbers are read exactly as the loader reads them, so the
    model's message for `1,200` is the one `jw validate` would give.
    """
    if spec.shape == "flag":
        return True if raw else None
    if spec.shape == "scalar":
        if raw is None:
            return None
        value = _scalar_value(spec, str(raw))
        return None if value in ("", None) else value
    items: list[str] = [raw] if isinstance(raw, str) else list(raw or [])
    if spec.shape == "list":
        values: list[str] = []
        for item in items:
            parts = item.split(",") if spec.split_commas else [item]
            values.extend(p for p in (clean_text(p) for p in parts) if p)
        if spec.one_or_many and len(values) == 1:
            return values[0]  # `supersedes: id` reads better than a list of one
        return values or None
    mapping: dict[str, list[str]] = {}
    for item in items:
        key, sep, names = item.partition("=")
        key = clean_text(key)
        if not sep or not key:
            raise FieldProblem(f'`{item}` is not KEY=VALUE; write e.g. north="Ann Lee,Raj Patel"')
        listed = mapping.setdefault(key, [])
        listed.extend(n for n in (clean_text(n) for n in names.split(",")) if n)
    return mapping or None


# Fields that hold a quarter: typed in any spelling `--quarter` takes, written YYYY-Qn.
QUARTER_FIELDS = ("period", "quarter")


def quarter_value(spec: FieldSpec, value: Any, today: dt.date, fiscal_year_start: int) -> Any:
    """A quarter field as typed (`Q2 2026`, `2026q2`, `last`, ...) normalised to YYYY-Qn.

    Anything else is left as given, for the model to refuse with the format's own message.
    """
    if spec.name not in QUARTER_FIELDS or not isinstance(value, str):
        return value
    word = value.strip().lower()
    if word in ("current", "last"):
        quarter = Quarter.of(today, fiscal_year_start)
        return str(quarter.previous() if word == "last" else quarter)
    parsed = Quarter.from_argument(value)
    return value if parsed is None else str(parsed)


def model_problems(kind: str, data: Mapping[str, Any]) -> dict[str, str]:
    """Per field, why the model refuses its value; missing fields are not problems here."""
    model = RECORD_KINDS[kind]
    try:
        model.model_validate({"kind": kind, **data})
    except ValidationError as exc:
        errors = [e for e in exc.errors(include_url=False) if e["type"] != "missing"]
        problems: dict[str, str] = {}
        for finding in findings_from_errors("", errors):
            name = str(finding.loc[0]) if finding.loc else "kind"
            problems.setdefault(name, finding.message)
        return problems
    return {}


def missing_fields(kind: str, data: Mapping[str, Any]) -> list[str]:
    """Required fields not given, and those the given ones make required (a renegotiation's
    new due date, an abandoned idea's lessons)."""
    missing = [s.name for s in field_specs(kind) if s.required and data.get(s.name) is None]
    for name, value, needed in CONDITIONAL.get(kind, ()):
        if data.get(name) == value and data.get(needed) is None:
            missing.append(needed)
    return missing


@dataclass(frozen=True)
class Choice:
    value: str
    label: str = ""


def _superseded(rel: Relationship) -> set[str]:
    return {t for e in rel.records.values() for t in e.record.superseded_ids}


def open_commitments(rel: Relationship, today: dt.date) -> list[Choice]:
    """Commitments neither delivered nor withdrawn as of `today`, soonest due first."""
    closed = {
        e.record.commitment
        for e in rel.records.values()
        if isinstance(e.record, Update)
        and e.record.status in ("delivered", "withdrawn")
        and e.record.date <= today
    }
    gone = _superseded(rel)
    found = [
        e
        for e in rel.records.values()
        if isinstance(e.record, Commitment) and e.id not in closed and e.id not in gone
    ]
    found.sort(key=lambda e: (e.record.due if isinstance(e.record, Commitment) else today, e.id))
    return [
        Choice(
            e.id,
            f"{getattr(e.record, 'party', '')}, due {getattr(e.record, 'due', '')}: "
            f"{_short(e.record.summary)}",
        )
        for e in found
    ]


def _short(text: str, width: int = 60) -> str:
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1] + "…"


def choices_for(spec: FieldSpec, rel: Relationship, today: dt.date) -> list[Choice]:
    """What a person may answer for a field: the Literal's values or the charter's ids."""
    if spec.choices:
        return [Choice(c, BEHAVIOURS.get(c, "")) for c in spec.choices]
    charter = rel.charter
    if spec.refers_to == "record":
        if spec.record_kind == "commitment":
            return open_commitments(rel, today)
        if spec.record_kind is None:
            return []  # evidence can name any record: too many to list
        gone = _superseded(rel)
        return [
            Choice(e.id, _short(e.record.summary))
            for e in sorted(rel.records.values(), key=lambda e: e.id)
            if e.record.kind == spec.record_kind and e.id not in gone
        ]
    if charter is None:
        return []
    if spec.refers_to == "party" or spec.shape == "mapping":
        return [Choice(p.id, p.name) for p in charter.parties]
    if spec.refers_to == "service":
        return [Choice(s.id, s.name) for s in charter.services]
    if spec.refers_to == "KPI":
        return [Choice(k.id, k.name) for k in charter.kpis]
    if spec.refers_to == "objective":
        return [Choice(o.id, _short(o.statement)) for o in charter.objectives]
    if spec.refers_to == "trigger":
        return [Choice(t.id, t.metric) for t in charter.escalation.triggers]
    if spec.refers_to == "project":
        return (
            [Choice(b.project, b.service) for b in rel.baselines.budgets] if rel.baselines else []
        )
    if spec.name == "level":
        return [Choice(str(lv.level), lv.name) for lv in charter.escalation.levels]
    return []


def reference_problems(
    kind: str, data: Mapping[str, Any], rel: Relationship, only: str | None = None
) -> dict[str, str]:
    """Per field, the ids that name nothing in the charter, baselines or records.

    Checked as the value is given, so a mistyped party is a usage error (exit 2) or a re-asked
    question, not a finding after the fact. Nothing is checked when the charter did not load: its
    own findings come first.
    """
    if rel.charter is None:
        return {}
    from jwcli.checks.records import vocabularies

    vocab = vocabularies(rel)
    problems: dict[str, str] = {}
    for spec in field_specs(kind):
        value = data.get(spec.name)
        if value is None or (only is not None and spec.name != only):
            continue
        if spec.shape == "mapping" and isinstance(value, dict):
            values = list(value)
            what = "party"
        elif spec.refers_to is None:
            continue
        else:
            values = value if isinstance(value, list) else [value]
            what = spec.refers_to
        for item in values:
            if not isinstance(item, str):
                continue
            if what == "record":
                target = rel.records.get(item)
                if target is None:
                    wanted = [
                        i
                        for i, e in rel.records.items()
                        if spec.record_kind in (None, e.record.kind)
                    ]
                    problems[spec.name] = (
                        f"`{item}` names no record in records/{did_you_mean(item, wanted)}"
                    )
                elif spec.record_kind and target.record.kind != spec.record_kind:
                    problems[spec.name] = (
                        f"`{item}` is a {target.record.kind} record, "
                        f"but {spec.option} must name a {spec.record_kind}"
                    )
            elif what == "project" and rel.baselines is None:
                problems[spec.name] = f"project `{item}` has no budget: add it to baselines.yaml"
            elif item not in vocab[what]:
                known = ", ".join(sorted(vocab[what])) or "none are defined"
                hint = did_you_mean(item, vocab[what])
                problems[spec.name] = f"unknown {what} `{item}`{hint}; known: {known}"
            if spec.name in problems:
                break
    level = data.get("level")
    on_ladder = isinstance(level, int) and rel.charter.level(level) is not None
    if (
        kind == "escalation"
        and isinstance(level, int)
        and only in (None, "level")
        and not on_ladder
    ):
        levels = ", ".join(str(lv.level) for lv in rel.charter.escalation.levels)
        problems["level"] = f"level {level} is not on the ladder (levels: {levels})"
    return problems


# --- ids and file names --------------------------------------------------------------------------


# Words an id should not end on: `2026-06-15-roll-out-the-runbook-onto-the` reads as cut off.
_TRAILING_STOP_WORDS = frozenset(
    re.findall(
        r"\w+",
        # not `over` or `up`, which end phrases such as "cut over" and "set up"
        "a an and as at but by for from in into of on onto or per so than that the then to "
        "until upon via with within without",
    )
)


def _drop_trailing_stop_words(parts: list[str]) -> list[str]:
    kept = list(parts)
    while len(kept) > 1 and kept[-1] in _TRAILING_STOP_WORDS:
        kept.pop()
    return kept


def slugify(text: str, words: int = SLUG_WORDS) -> str:
    """The first words of `text` as lowercase ASCII letters, digits and `-`, cut at a word
    boundary and never ending on a stop word such as `the` or `onto`."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    parts = re.findall(r"[a-z0-9]+", ascii_text.lower())
    return "-".join(_drop_trailing_stop_words(parts[:words]))


def record_id(date: dt.date, kind: str, summary: str, slug: str | None) -> str:
    """`<date>-<slug>`: the slug from --id, else the summary's first words (else the kind).

    An --id that already starts with the record's date is taken as the whole id.
    """
    prefix = f"{date.isoformat()}-"
    if slug is not None:
        slug = slug.strip()
        if not re.fullmatch(r"[a-z0-9-]+", slug):
            raise UsageError(
                f"--id `{slug}` is not a valid slug: use lowercase letters, digits and `-`"
            )
        whole = slug if slug.startswith(prefix) else prefix + slug
        if not ID_RE.fullmatch(whole):
            raise UsageError(f"the id `{whole}` is longer than {MAX_ID} characters; shorten --id")
        return whole
    return _fit(prefix, slugify(summary) or kind)


def _fit(prefix: str, words: str, suffix: str = "") -> str:
    """`prefix + words + suffix` within MAX_ID, dropping whole words from the end."""
    parts = words.split("-")
    while len(prefix + "-".join(parts) + suffix) > MAX_ID and len(parts) > 1:
        parts = _drop_trailing_stop_words(parts[:-1])
    whole = prefix + "-".join(parts)
    return whole[: MAX_ID - len(suffix)].rstrip("-") + suffix


def free_record_id(root: Path, generated: str, date: dt.date) -> str:
    """A generated id that no file under records/ has: `<id>`, else `<id>-2`, `<id>-3`, ..."""
    candidate, number = generated, 1
    prefix = f"{date.isoformat()}-"
    while existing_record(root, candidate) is not None:
        number += 1
        candidate = _fit(prefix, generated.removeprefix(prefix), f"-{number}")
    return candidate


def record_path(record_id: str, quarter: Quarter) -> str:
    """records/<the quarter the record belongs to>/<id>.yaml (lifecycle.md: a cost's or
    measurement's `period`, every other record's `date`)."""
    return f"{RECORDS_DIR}/{quarter}/{record_id}.yaml"


def existing_record(root: Path, record_id: str) -> str | None:
    """The path of a file already named `<record_id>.yaml` anywhere under records/, if any.

    File names, not loaded records: a record that fails to load still owns its id.
    """
    top = root / RECORDS_DIR
    name = f"{record_id}.yaml"
    if top.is_symlink():  # never listed through a link (and never written: write.files)
        return None
    for folder, dirs, files in os.walk(top):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        if name in files:
            return (Path(folder) / name).relative_to(root).as_posix()
    return None


def schema_modeline(rel_path: str, schema: str) -> str:
    """The yaml-language-server comment that points an editor at the file's schema."""
    depth = rel_path.count("/")
    return f"# yaml-language-server: $schema={'../' * depth}schemas/{schema}\n"


# --- YAML text -----------------------------------------------------------------------------------

_PLAIN_RE = re.compile(r"^[^\W_][\w .,;()'/&+@%!?=*-]*$")
_DIGIT_START_OK_RE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:-[a-z0-9-]*)?$|^\d{4}-Q[1-4]$")
# Plain words other YAML readers (YAML 1.1: editors, PyYAML's default) take as booleans or null.
_YAML11_WORDS = frozenset(["y", "yes", "n", "no", "true", "false", "on", "off", "null", "~"])


def _plain_ok(text: str, flow: bool) -> bool:
    if not text or not _PLAIN_RE.fullmatch(text) or text.endswith(" ") or "  " in text:
        return False
    if flow and "," in text:
        return False
    if text.lower() in _YAML11_WORDS or resolve_plain(text) != text:
        return False
    return not (text[0].isdigit() and not _DIGIT_START_OK_RE.fullmatch(text))


def _double_quoted(text: str) -> str:
    out = ['"']
    for char in text:
        if char in ('"', "\\"):
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif char == "\x85":
            out.append("\\N")
        elif char == "\u2028":
            out.append("\\L")
        elif char == "\u2029":
            out.append("\\P")
        elif not char.isprintable() and char != " ":
            code = ord(char)
            out.append(f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def _literal_block(text: str, indent: str) -> str | None:
    """A `|` block for multi-line text, when its lines need no escapes; else None."""
    if "\n" not in text or text.endswith("\n\n") or text.strip("\n") != text.rstrip("\n"):
        return None
    body = text[:-1] if text.endswith("\n") else text
    for line in body.split("\n"):
        if line != line.strip() or any(not c.isprintable() for c in line):
            return None
    chomp = "" if text.endswith("\n") else "-"
    lines = [f"{indent}  {line}" if line else "" for line in body.split("\n")]
    return f"|{chomp}\n" + "\n".join(lines)


@lru_cache(maxsize=4096)  # ids, dates, quarters recur in every record of a `jw import`
def _reads_back(candidate: str, flow: bool, text: str) -> bool:
    """The loader is the judge: a form is used only if it reads back as exactly this text."""
    probe = f"k: [{candidate}]\n" if flow else f"k: {candidate}\n"
    try:
        read, _ = parse(probe)
    except YamlProblem:
        return False
    return bool(read == {"k": [text] if flow else text})


def _scalar(value: Any, *, flow: bool = False, indent: str = "", block: bool = True) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if value is None:
        return "null"
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    if _plain_ok(text, flow) and _reads_back(text, flow, text):
        return text
    if block and not flow:
        literal = _literal_block(text, "")
        if literal is not None and _reads_back(literal, False, text):
            return _literal_block(text, indent) or literal
    return _double_quoted(text)


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, dict | list)


def _emit(value: Any, indent: str, lines: list[str], key_prefix: str) -> None:
    if isinstance(value, dict):
        if not value:
            lines.append(f"{key_prefix} {{}}" if key_prefix else "{}")
            return
        if key_prefix:
            lines.append(key_prefix)
        for key, item in value.items():
            prefix = f"{indent}{_scalar(key, flow=True)}:"
            if _is_scalar(item):
                lines.append(f"{prefix} {_scalar(item, indent=indent)}")
            else:
                _emit(item, indent + "  ", lines, prefix)
        return
    if isinstance(value, list):
        flow_items = [_scalar(v, flow=True) for v in value] if all(map(_is_scalar, value)) else []
        flow = "[" + ", ".join(flow_items) + "]"
        if not value or (
            len(flow_items) == len(value)
            and len(key_prefix) + len(flow) < 100
            and not any(item.startswith('"') for item in flow_items)
        ):
            lines.append(f"{key_prefix} {flow}")
            return
        lines.append(key_prefix)
        for item in value:
            if _is_scalar(item):
                lines.append(f"{indent}- {_scalar(item, block=False)}")
            else:
                nested: list[str] = []
                _emit(item, indent + "  ", nested, "")
                first = nested[0][len(indent) + 2 :] if nested else "{}"
                lines.append(f"{indent}- {first}")
                lines.extend(nested[1:])
        return
    lines.append(f"{key_prefix} {_scalar(value, indent=indent)}")


def to_yaml(data: Mapping[str, Any], header: str = "") -> str:
    """Block-style YAML that jw's loader reads back as exactly `data`.

    `data` holds what the loader produces (text, int, Decimal, bool, lists, mappings with text
    keys). Text is left plain only when it cannot be misread (by jw, or by YAML 1.1 tools such as
    editors: `no`, `on`, `1_000`), else it is double-quoted with escapes.
    """
    lines: list[str] = []
    _emit(dict(data), "", lines, "")
    text = header + "\n".join(lines) + "\n"
    read, _ = parse(text)
    if read != data:  # pragma: no cover - a bug in this emitter, never a user's doing
        raise RuntimeError(f"the YAML written would not read back as given: {text!r}")
    return text


# --- the new record, checked against the repository ----------------------------------------------


def ordered(kind: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """The fields as they will be written: kind, date, the kind's own, then the common ones;
    nothing that is empty."""
    out: dict[str, Any] = {"kind": kind}
    for spec in field_specs(kind):
        value = data.get(spec.name)
        if value is None or value == [] or value == {} or value is False:
            continue
        out[spec.name] = value
    return out


@dataclass
class Draft:
    """A file ready to be created: its place, its text and what loading it gives."""

    id: str
    path: str  # relative to the root, forward slashes
    text: str
    model: Any  # the record or assessment model, as the loader would build it
    kind: str = ""


@dataclass
class Addition:
    """What creating the draft would change in the repository's findings."""

    new: list[Finding] = field(default_factory=list)
    existing_errors: list[Finding] = field(default_factory=list)
    existing_warnings: int = 0

    @property
    def new_errors(self) -> list[Finding]:
        return [f for f in self.new if f.is_error]

    @property
    def new_warnings(self) -> list[Finding]:
        return [f for f in self.new if not f.is_error]

    @property
    def blocked(self) -> bool:
        return bool(self.new_errors)


def draft_record(rel: Relationship, kind: str, data: Mapping[str, Any], slug: str | None) -> Draft:
    """Name the record and write its text; refuse an id already used anywhere in records/."""
    fields = ordered(kind, data)
    try:
        record: AnyRecord = RECORD_KINDS[kind].model_validate(fields)  # type: ignore[assignment]
    except ValidationError as exc:
        problems = findings_from_errors("", exc.errors(include_url=False))
        raise UsageError("; ".join(f.message for f in problems)) from None
    new_id = record_id(record.date, kind, record.summary, slug)
    if slug is None:
        new_id = free_record_id(rel.root, new_id, record.date)
    taken = existing_record(rel.root, new_id)
    if taken is not None:
        raise RefusedToOverwrite(
            f"record id `{new_id}` already exists: {taken}; jw never overwrites a record",
            hint="pass --id to choose another id, or add a new record that supersedes it",
        )
    from jwcli.analysis.quarters import record_quarter

    path = record_path(new_id, record_quarter(record, rel.fiscal_year_start))
    text = to_yaml(fields, schema_modeline(path, "record.schema.json"))
    return Draft(new_id, path, text, record, kind)


def _raw_findings(rel: Relationship, today: dt.date) -> list[Finding]:
    import jwcli.checks.validate  # noqa: F401  (importing it registers every check)
    from jwcli.checks.registry import CHECKS
    from jwcli.checks.validate import assign_quarters

    found = list(rel.load_findings)
    for run in CHECKS:
        found.extend(run(rel, today))
    assign_quarters(rel, found)
    return found


def _key(f: Finding) -> tuple[object, ...]:
    return (f.path, f.severity, f.rule, f.message, f.loc, f.at_key, f.line, f.col)


def _locate_in_text(findings: Iterable[Finding], marks: Marks) -> None:
    from jwcli.load.positions import _position

    for f in findings:
        if f.line is None:
            f.line, f.col = _position(marks, f.loc, f.at_key)


def check_addition(
    rel: Relationship, today: dt.date, draft: Draft, add: Callable[[Relationship], None]
) -> Addition:
    """Findings the repository has now, and those it would gain once `add` puts the draft in.

    Only new errors block (commands.md): an amendment that follows a charter bump clears a finding,
    it does not have to answer for the ones already there. The checks are run twice on models
    already in memory, which costs far less than loading the repository again.
    """
    from jwcli.load.positions import locate

    before = _raw_findings(rel, today)
    add(rel)
    after = _raw_findings(rel, today)
    remaining = Counter(_key(f) for f in before)
    new: list[Finding] = []
    for f in after:
        key = _key(f)
        if remaining[key]:
            remaining[key] -= 1
        else:
            new.append(f)
    _, marks = parse(draft.text, marks=True)
    assert marks is not None
    _locate_in_text([f for f in new if f.path == draft.path], marks)
    elsewhere = [f for f in new if f.path != draft.path]
    existing_errors = [f for f in before if f.is_error]
    locate(rel.root, elsewhere + existing_errors)
    new.sort(key=Finding.sort_key)
    existing_errors.sort(key=Finding.sort_key)
    return Addition(new, existing_errors, sum(1 for f in before if not f.is_error))


def add_record_entry(draft: Draft) -> Callable[[Relationship], None]:
    def add(rel: Relationship) -> None:
        rel.records[draft.id] = RecordEntry(draft.id, draft.path, draft.model)

    return add


def write_draft(root: Path, draft: Draft) -> Path:
    """Create the file, create-only and atomically (write.files.create_new)."""
    path = root / draft.path
    create_new(path, draft.text.encode("utf-8"), root=root)
    return path


def commit_draft(
    root: Path,
    draft: Draft,
    message: str,
    trailers: Mapping[str, str],
    also: Sequence[str] = (),
) -> str:
    """Commit only the new file (and `also`: the charter an amendment agrees). On a git problem
    the file stays, and the message says so."""
    from jwcli.history import git

    paths = [draft.path, *also]
    try:
        git.preflight(root, for_write=True)
    except GitProblem as exc:
        raise GitProblem(
            f"{exc.message}\n  {draft.path} was written and kept, but not committed",
            hint=(f"{exc.hint}; then " if exc.hint else "")
            + f"commit it: git add -- {' '.join(paths)} && git commit -m '{message}'",
        ) from None
    # commit_paths' own GitProblem already says the file is kept and whether it is staged.
    return git.commit_paths(root, paths, message, trailers)


def problems_as_text(problems: Mapping[str, str], kind: str) -> list[str]:
    return [f"{spec_of(kind, name).option}: {message}" for name, message in problems.items()]


def field_names(names: Sequence[str], kind: str) -> str:
    return ", ".join(spec_of(kind, n).option for n in names)


# --- jw add --edit: a filled-in template, and reading it back ------------------------------------


def edit_template(kind: str, data: Mapping[str, Any], rel: Relationship, today: dt.date) -> str:
    """A record of `kind` to fill in: values given in place, each field with help and choices."""
    specs = field_specs(kind)
    required = ", ".join(s.name for s in specs if s.required)
    lines = [
        f"# jw add {kind}: {KIND_HELP[kind]}",
        "# Fill in the fields, save and close the editor. Lines starting with # are ignored;",
        f"# an empty field is left out. Required: {required}.",
        f"kind: {kind}",
    ]
    for spec in specs:
        value = data.get(spec.name)
        choices = choices_for(spec, rel, today)
        about = spec.help
        if choices:
            shown = ", ".join(c.value for c in choices[:12])
            about += f" One of: {shown}" + (" ..." if len(choices) > 12 else "")
        lines.append("")
        lines.append(f"# {about}")
        if spec.shape == "mapping":
            lines.append("# e.g. attendees: {north: [Ann Lee, Raj Patel], acme: [Sam Jones]}")
        if value is None:
            empty = {"list": "[]", "mapping": "{}", "flag": "false"}.get(spec.shape, "")
            lines.append(f"{spec.name}: {empty}".rstrip())
        else:
            lines.append(to_yaml({spec.name: value}).rstrip("\n"))
    return "\n".join(lines) + "\n"


def parse_edited(kind: str, text: str, rel: Relationship) -> dict[str, Any]:
    """The fields of an edited template, checked as options are; UsageError lists every problem."""
    try:
        read, _ = parse(text)
    except YamlProblem as problem:
        raise UsageError(f"line {problem.line}, column {problem.col}: {problem.message}") from None
    if not isinstance(read, dict):
        raise UsageError("the record must be `key: value` lines")
    if read.get("kind", kind) != kind:
        raise UsageError(f"kind must stay `{kind}`; run `jw add {read.get('kind')}` for that")
    known = {s.name for s in field_specs(kind)}
    data: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for key, value in read.items():
        if key == "kind":
            continue
        if key not in known:
            problems[str(key)] = f"`{key}` is not a field of a {kind}"
            continue
        if value is None or value == [] or value == {} or value is False:
            continue
        if isinstance(value, str):
            try:
                value = clean_text(value)
            except FieldProblem as exc:
                problems[key] = str(exc)
                continue
            if not value:
                continue
        data[key] = value
    for name, message in model_problems(kind, data).items():
        problems.setdefault(name, message)
    for name, message in reference_problems(kind, data, rel).items():
        problems.setdefault(name, message)
    missing = missing_fields(kind, data)
    lines = [f"{name}: {message}" for name, message in problems.items()]
    if missing:
        lines.append("missing " + ", ".join(missing))
    if lines:
        raise UsageError("\n  ".join(lines))
    return data

"""The tables of `jw export`: plain rows of exact values, one table per subject.

Every figure stays exact: amounts and KPI values are the `Decimal`s read from the files, derived
money (a quarter of a baseline, a saving, a budget limit) is computed exactly and never rounded,
and scores and rates are the figures jw reports everywhere else (2 and 4 decimals, rounded half
up). The writers decide how each kind of column looks in CSV, JSON and xlsx.

Which quarters: with a quarter, that one, judged as of its last day (or today, if earlier);
without, every scored quarter from the one holding the charter's `effective` date to the current
one, judged as of today.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal, cast

from jwcli.analysis.commitments import commitment_states
from jwcli.analysis.costs import project_spend, run_costs, saving_chains, savings_funnel
from jwcli.analysis.index import index_of
from jwcli.analysis.kpis import kpi_statuses
from jwcli.analysis.quarters import current_quarter, first_scored_quarter
from jwcli.analysis.scoring import score_quarter
from jwcli.model.common import parse_money
from jwcli.model.records import RECORD_KINDS, RecordBase
from jwcli.model.relationship import Relationship
from jwcli.model.scores import COMPONENTS, COST_PARTS, rate4, round_half_up, score2
from jwcli.quarters import Quarter

ColumnKind = Literal[
    "text", "date", "money", "number", "score", "rate", "integer", "bool", "list", "mapping"
]
# A cell: text, an exact number, a date, a yes/no, a list of texts, or a mapping of a party to
# names (a meeting's attendees); None is an empty cell.
Cell = str | int | bool | Decimal | dt.date | tuple[str, ...] | dict[str, tuple[str, ...]] | None
Row = tuple[Cell, ...]
ProgressCallback = Callable[[int, int], None]

# Fields every record kind has, placed after the kind's own fields: what a record is about comes
# first in a spreadsheet, its evidence and notes after.
_COMMON_TAIL = ("evidence", "attachments", "tags", "supersedes", "notes")
_PROGRESS_EVERY = 1024


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    kind: ColumnKind


@dataclass(frozen=True, slots=True)
class Table:
    name: str  # the CSV file's stem, the xlsx sheet's name and the JSON key
    about: str
    columns: tuple[Column, ...]
    rows: Sequence[Row]

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


@dataclass(frozen=True, slots=True)
class Export:
    relationship: str
    currency: str
    as_of: dt.date
    quarter: str | None  # the quarter asked for, or None for every scored quarter
    quarters: tuple[str, ...]  # the quarters the per-quarter tables cover
    tables: tuple[Table, ...]

    def table(self, name: str) -> Table:
        return next(t for t in self.tables if t.name == name)


def _columns(*spec: tuple[str, ColumnKind]) -> tuple[Column, ...]:
    return tuple(Column(name, kind) for name, kind in spec)


# -- exact figures --------------------------------------------------------------------------


def exact_decimal(value: Fraction) -> Decimal:
    """A fraction with a terminating decimal expansion as that exact Decimal.

    Sums, differences and products of decimals, and quarters of them, always terminate; anything
    else (never produced here) is rounded half up to 10 places rather than looping.
    """
    denominator = value.denominator
    twos = fives = 0
    while denominator % 2 == 0:
        denominator //= 2
        twos += 1
    while denominator % 5 == 0:
        denominator //= 5
        fives += 1
    if denominator != 1:
        return round_half_up(value, 10)
    places = max(twos, fives)
    units = value.numerator * 10**places // value.denominator
    return Decimal(f"{units}E-{places}")


def money(value: Fraction | Decimal | None) -> Decimal | None:
    """Derived money, exact, with at least the two decimals money is written with."""
    if value is None:
        return None
    amount = exact_decimal(Fraction(value))
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and exponent > -2:
        amount = amount.quantize(Decimal("0.01"))
    return amount


def _strip_optional(annotation: Any) -> Any:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return annotation


def field_kind(info: Any) -> ColumnKind:
    """The column kind of a model field, from its type: money is the `Money` type's Decimal."""
    annotation = _strip_optional(info.annotation)
    metadata = list(info.metadata)
    if typing.get_origin(annotation) is typing.Annotated:
        annotation, *extra = typing.get_args(annotation)
        metadata.extend(extra)
    origin = typing.get_origin(annotation)
    if annotation is dt.date:
        return "date"
    if annotation is Decimal:
        is_money = any(getattr(m, "func", None) is parse_money for m in metadata)
        return "money" if is_money else "number"
    if annotation is bool:
        return "bool"
    if annotation is int:
        return "integer"
    if origin is list:
        return "list"
    if origin is dict:
        return "mapping"
    return "text"


_AS_IS = frozenset({str, int, bool, Decimal, dt.date, type(None)})


def _cell(value: Any) -> Cell:
    # dispatch on the exact type: this runs once per field of every record
    kind = type(value)
    if kind in _AS_IS:
        return cast(Cell, value)
    if kind is list or kind is tuple:
        return tuple(str(v) for v in value)
    if kind is dict:
        return {str(k): tuple(str(v) for v in vs) for k, vs in value.items()}
    return str(value)  # a Quarter, as its label


# -- records ---------------------------------------------------------------------------------


def record_columns(kind: str) -> tuple[Column, ...]:
    """id, date, its fiscal quarter, summary, the kind's own fields in model order, the common
    optional fields, then which record supersedes it (if any) and its path."""
    model = RECORD_KINDS[kind]
    base = set(RecordBase.model_fields)
    own = [n for n in model.model_fields if n not in base and n != "kind"]
    fields = model.model_fields
    return (
        Column("id", "text"),
        Column("date", "date"),
        Column("quarter", "text"),
        Column("summary", "text"),
        *(Column(n, field_kind(fields[n])) for n in own),
        *(Column(n, field_kind(fields[n])) for n in _COMMON_TAIL),
        Column("superseded_by", "text"),
        Column("path", "text"),
    )


class RecordRows(Sequence[Row]):
    """A record table's rows, made as they are read. At 100,000 records the finished rows would
    hold ~30 MB that the writers only need one at a time (xlsx export stays under 350 MB)."""

    __slots__ = ("_entries", "_make")

    def __init__(self, entries: list[Any], make: Callable[[Any], Row]) -> None:
        self._entries = entries
        self._make = make

    def __len__(self) -> int:
        return len(self._entries)

    @typing.overload
    def __getitem__(self, index: int) -> Row: ...
    @typing.overload
    def __getitem__(self, index: slice) -> Sequence[Row]: ...
    def __getitem__(self, index: int | slice) -> Row | Sequence[Row]:
        if isinstance(index, slice):
            return [self._make(e) for e in self._entries[index]]
        return self._make(self._entries[index])

    def __iter__(self) -> typing.Iterator[Row]:
        return map(self._make, self._entries)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]


def record_tables(
    rel: Relationship,
    quarter: Quarter | None = None,
    on_progress: ProgressCallback | None = None,
    progress_total: int | None = None,
) -> list[Table]:
    """One table per record kind (every kind, even without records), rows by (date, id).

    Every record is listed, superseded ones too (with `superseded_by` saying which record
    replaced it); with a quarter, only the records dated in it.
    """
    idx = index_of(rel)
    fsm = idx.fsm
    start = quarter.start(fsm) if quarter else None
    end = quarter.end(fsm) if quarter else None
    by_kind: dict[str, list[Any]] = {k: [] for k in RECORD_KINDS}
    columns = {k: record_columns(k) for k in RECORD_KINDS}
    total = progress_total if progress_total is not None else len(rel.records)
    labels: dict[Quarter, str] = {}  # one string per quarter, not one per row

    def make_row(entry: Any) -> Row:
        record = entry.record
        q = Quarter.of(record.date, fsm)
        row: list[Cell] = [
            entry.id,
            record.date,
            labels.get(q) or labels.setdefault(q, str(q)),
            record.summary,
        ]
        for column in columns[record.kind][4:-2]:
            row.append(_cell(getattr(record, column.name)))
        row.append(idx.superseded_by.get(entry.id))
        row.append(entry.path)
        return tuple(row)

    for done, entry in enumerate(rel.records.values(), 1):
        if on_progress is not None and done % _PROGRESS_EVERY == 0:
            on_progress(done, total)
        record = entry.record
        if start is not None and end is not None and not start <= record.date <= end:
            continue
        by_kind[record.kind].append(entry)
    tables = []
    for kind, found in by_kind.items():
        found.sort(key=lambda e: (e.record.date, e.id))
        tables.append(
            Table(
                f"records_{kind}",
                f"every `{kind}` record, one column per field",
                columns[kind],
                RecordRows(found, make_row),
            )
        )
    return tables


# -- computed tables -------------------------------------------------------------------------

COMMITMENT_COLUMNS = _columns(
    ("id", "text"),
    ("party", "text"),
    ("summary", "text"),
    ("to", "list"),
    ("objective", "text"),
    ("kpi", "text"),
    ("due", "date"),
    ("effective_due", "date"),
    ("due_quarter", "text"),
    ("status", "text"),
    ("delivered_on", "date"),
    ("counts_in_rate", "bool"),
    ("updates", "list"),
    ("as_of", "date"),
)


def commitments_table(rel: Relationship, as_of: dt.date, quarter: Quarter | None = None) -> Table:
    """Each active commitment with its state as known on `as_of` (data-format.md).

    `counts_in_rate` says whether it counts in the on-time rate of the quarter its effective due
    falls in; with a quarter, only the commitments whose effective due falls in it.
    """
    idx = index_of(rel)
    fsm = idx.fsm
    rows: list[Row] = []
    for s in commitment_states(rel, as_of):
        due_quarter = Quarter.of(s.effective_due, fsm)
        if quarter is not None and due_quarter != quarter:
            continue
        c = idx.commitments[s.id]
        rows.append(
            (
                s.id,
                s.party,
                s.summary,
                tuple(c.to),
                c.objective,
                c.kpi,
                s.due,
                s.effective_due,
                str(due_quarter),
                s.status,
                s.delivered_on,
                s.counts_in(due_quarter.start(fsm), due_quarter.end(fsm)),
                s.updates,
                s.as_of,
            )
        )
    return Table(
        "commitments", "commitments with their state as of the export", COMMITMENT_COLUMNS, rows
    )


KPI_COLUMNS = _columns(
    ("quarter", "text"),
    ("kpi", "text"),
    ("name", "text"),
    ("owner", "text"),
    ("objective", "text"),
    ("unit", "text"),
    ("direction", "text"),
    ("baseline", "number"),
    ("target", "number"),
    ("amber_within", "number"),
    ("value", "number"),
    ("rag", "text"),
    ("measurement", "text"),
)


def kpis_table(rel: Relationship, quarters: Sequence[Quarter]) -> Table:
    """Every charter KPI in every quarter: its measured value (empty when unmeasured) and RAG."""
    rows: list[Row] = []
    for q in quarters:
        for s in kpi_statuses(rel, q):
            k = s.kpi
            rows.append(
                (
                    str(q),
                    k.id,
                    k.name,
                    k.owner,
                    k.objective,
                    k.unit,
                    k.direction,
                    k.baseline,
                    k.target,
                    k.amber_within,
                    s.value,
                    s.rag,
                    s.measurement,
                )
            )
    return Table("kpis", "KPI measurements against target, with RAG", KPI_COLUMNS, rows)


COST_COLUMNS = _columns(
    ("quarter", "text"),
    ("service", "text"),
    ("party", "text"),
    ("baseline_annual", "money"),
    ("baseline_quarter", "money"),
    ("actual", "money"),
    ("saving", "money"),
    ("saving_rate", "rate"),
    ("target_rate", "number"),
    ("progress", "rate"),
    ("records", "list"),
)


def costs_table(rel: Relationship, quarters: Sequence[Quarter]) -> Table:
    """Run costs (cost records naming no project) per service and client party, per quarter,
    against a quarter of the annual baseline; saving = baseline_quarter - actual, exactly."""
    rows: list[Row] = []
    for q in quarters:
        for c in run_costs(rel, q):
            rows.append(
                (
                    str(q),
                    c.service,
                    c.party,
                    c.baseline_annual,
                    money(c.baseline_quarter),
                    money(c.actual),
                    money(c.saving),
                    rate4(c.saving_rate),
                    c.target_rate,
                    rate4(c.progress),
                    c.records,
                )
            )
    return Table("costs", "run costs against the baseline, per quarter", COST_COLUMNS, rows)


PROJECT_COLUMNS = _columns(
    ("quarter", "text"),
    ("project", "text"),
    ("service", "text"),
    ("owner", "text"),
    ("budget", "money"),
    ("tolerance", "number"),
    ("limit", "money"),
    ("start", "date"),
    ("end", "date"),
    ("active", "bool"),
    ("spend_to_date", "money"),
    ("within_tolerance", "bool"),
    ("overrun", "rate"),
    ("records", "list"),
)


def projects_table(rel: Relationship, quarters: Sequence[Quarter]) -> Table:
    """Each budgeted project's spend to date at each quarter, against budget × (1 + tolerance)."""
    rows: list[Row] = []
    for q in quarters:
        for p in project_spend(rel, q):
            b = p.budget
            rows.append(
                (
                    str(q),
                    b.project,
                    b.service,
                    b.owner,
                    b.budget,
                    b.tolerance,
                    money(p.limit),
                    b.start,
                    b.end,
                    p.active,
                    money(p.spend),
                    p.within,
                    rate4(p.overrun),
                    p.records,
                )
            )
    return Table("projects", "project spend to date against budget", PROJECT_COLUMNS, rows)


SAVING_COLUMNS = _columns(
    ("id", "text"),
    ("first_record", "text"),
    ("service", "text"),
    ("party", "text"),
    ("stage", "text"),
    ("amount", "money"),
    ("one_off", "bool"),
    ("date", "date"),
    ("chain", "list"),
    ("as_of", "date"),
)
FUNNEL_COLUMNS = _columns(
    ("service", "text"),
    ("party", "text"),
    ("stage", "text"),
    ("savings", "integer"),
    ("annual", "money"),
    ("one_off", "money"),
    ("as_of", "date"),
)


def savings_tables(rel: Relationship, as_of: dt.date) -> list[Table]:
    """Each saving at its latest stage known on `as_of`, and the funnel: per service, party and
    stage, how many savings and their recurring (annual) and one-off amounts."""
    chains = [
        (
            c.id,
            c.root,
            c.service,
            c.party,
            c.stage,
            c.amount,
            c.one_off,
            c.date,
            c.chain,
            as_of,
        )
        for c in saving_chains(rel, as_of)
    ]
    funnel: list[Row] = []
    for (service, party), stages in savings_funnel(rel, as_of).by_service_party.items():
        for s in stages:
            funnel.append(
                (service, party, s.stage, s.chains, money(s.annual), money(s.one_off), as_of)
            )
    return [
        Table("savings", "each saving at its latest stage", SAVING_COLUMNS, list(chains)),
        Table("savings_funnel", "savings by stage, per service and party", FUNNEL_COLUMNS, funnel),
    ]


SCORECARD_COLUMNS = _columns(
    ("quarter", "text"),
    ("party", "text"),
    ("party_name", "text"),
    ("behaviour", "text"),
    ("title", "text"),
    ("score", "score"),
    ("rag", "text"),
    ("trend", "text"),
    ("indicator", "score"),
    ("observations", "score"),
    ("peer_rating", "score"),
    ("indicator_x", "rate"),
    ("savings_progress", "rate"),
    ("budget_adherence", "rate"),
    ("confidence", "integer"),
    ("overall", "score"),
    ("overall_rag", "text"),
    ("health", "score"),
    ("health_rag", "text"),
    ("as_of", "date"),
    ("records", "list"),
)
TRIGGER_COLUMNS = _columns(
    ("quarter", "text"),
    ("trigger", "text"),
    ("party", "text"),
    ("metric", "text"),
    ("value", "number"),
    ("comparison", "text"),
    ("threshold", "number"),
    ("for_quarters", "integer"),
    ("level", "integer"),
    ("name", "text"),
    ("action", "text"),
    ("behaviours", "list"),
    ("respond_by", "date"),
    ("answered_by", "text"),
)


ALIGNMENT_COLUMNS = _columns(
    ("quarter", "text"),
    ("party", "text"),
    ("behaviour", "text"),
    ("spread", "integer"),
    ("self_gap", "score"),
    ("peer_ratings", "list"),
    ("self_rating", "integer"),
    ("misaligned", "bool"),
    ("self_gap_flagged", "bool"),
)


def score_tables(
    rel: Relationship,
    quarters: Sequence[Quarter],
    today: dt.date,
    on_quarter: Callable[[], None] | None = None,
) -> list[Table]:
    """The scorecard (quarter × party × behaviour, as `jw score` reports it), the triggers fired
    and the alignment flags the scorecard lists, for the scored quarters among `quarters`."""
    scores: list[Row] = []
    fired: list[Row] = []
    flags: list[Row] = []
    for q in quarters:
        card = score_quarter(rel, q, today)
        if on_quarter is not None:
            on_quarter()
        if not card.scored:
            continue
        for a in card.alignment:
            flags.append(
                (
                    card.quarter,
                    a.party,
                    a.behaviour,
                    a.spread,
                    score2(a.self_gap),
                    tuple(str(r) for r in a.peer_ratings),
                    a.self_rating,
                    a.misaligned,
                    a.gap_flagged,
                )
            )
        for p in card.parties:
            for b in p.behaviours:
                comps = [b.components.get(name) for name in COMPONENTS]
                scores.append(
                    (
                        card.quarter,
                        p.party,
                        p.name,
                        b.id,
                        b.title,
                        b.reported,
                        b.rag,
                        b.trend,
                        *(c.reported if c is not None else None for c in comps),
                        rate4(b.indicator_x),
                        *(rate4(b.parts.get(part)) for part in COST_PARTS),
                        b.confidence,
                        p.reported,
                        p.overall_rag,
                        card.reported_health,
                        card.health_rag,
                        card.as_of,
                        b.records,
                    )
                )
        for t in card.fired:  # at-risk triggers of an unfinished quarter have not fired
            fired.append(
                (
                    card.quarter,
                    t.trigger,
                    t.party,
                    t.metric,
                    t.value if isinstance(t.value, Decimal) else Decimal(t.value),
                    t.comparison,
                    t.threshold,
                    t.for_quarters,
                    t.level,
                    t.name,
                    t.action,
                    t.behaviours,
                    t.respond_by,
                    t.answered_by,
                )
            )
    return [
        Table("scorecard", "the ten behaviours per party and quarter", SCORECARD_COLUMNS, scores),
        Table("triggers", "escalation triggers fired, per quarter", TRIGGER_COLUMNS, fired),
        Table(
            "alignment",
            "behaviours the parties rate far apart (spread of 2 or more, self gap of 1.5 or more)",
            ALIGNMENT_COLUMNS,
            flags,
        ),
    ]


RATING_COLUMNS = _columns(
    ("quarter", "text"),
    ("assessor", "text"),
    ("party", "text"),
    ("behaviour", "text"),
    ("rating", "integer"),
    ("evidence", "list"),
    ("note", "text"),
)


def ratings_table(rel: Relationship, quarters: Sequence[Quarter]) -> Table:
    """Every rating of every assessment in `quarters`: who rated whom on what, and why."""
    wanted = set(quarters)
    rows: list[Row] = []
    entries = sorted(
        (e.assessment for e in rel.assessments if e.assessment.quarter in wanted),
        key=lambda a: (a.quarter, a.assessor),
    )
    for a in entries:
        for party, behaviours in a.ratings.items():
            for behaviour, r in behaviours.items():
                rows.append(
                    (str(a.quarter), a.assessor, party, behaviour, r.rating, tuple(r.evidence),
                     r.note)
                )  # fmt: skip
    return Table(
        "ratings", "each assessor's rating of each party's behaviours", RATING_COLUMNS, rows
    )


BASELINE_COLUMNS = _columns(
    ("service", "text"),
    ("party", "text"),
    ("annual", "money"),
    ("as_of", "date"),
    ("basis", "text"),
    ("breakdown", "text"),
    ("notes", "text"),
)
MARKET_COLUMNS = _columns(
    ("service", "text"),
    ("annual", "money"),
    ("source", "text"),
    ("date", "date"),
    ("notes", "text"),
)


def baseline_tables(rel: Relationship) -> list[Table]:
    """baselines.yaml's cost baselines (what each party paid before sharing) and market prices."""
    costs: list[Row] = []
    market: list[Row] = []
    if rel.baselines is not None:
        for c in rel.baselines.costs:
            parts = "; ".join(f"{k}: {v}" for k, v in (c.breakdown or {}).items()) or None
            costs.append((c.service, c.party, c.annual, c.as_of, c.basis, parts, c.notes))
        for m in rel.baselines.market:
            market.append((m.service, m.annual, m.source, m.date, m.notes))
    return [
        Table("baselines", "each service's annual cost to each party before sharing",
              BASELINE_COLUMNS, costs),
        Table("market", "market prices of the services, for comparison", MARKET_COLUMNS, market),
    ]  # fmt: skip


def quarters_covered(rel: Relationship, today: dt.date) -> list[Quarter]:
    """Every scored quarter up to the current one: from the quarter of `effective` on."""
    charter = rel.charter
    if charter is None:
        return []
    first = first_scored_quarter(charter)
    last = current_quarter(today, charter.fiscal_year_start)
    found: list[Quarter] = []
    q = first
    while q <= last:
        found.append(q)
        q = q.next()
    return found


def build_export(
    rel: Relationship,
    today: dt.date,
    quarter: Quarter | None = None,
    on_progress: ProgressCallback | None = None,
) -> Export:
    """Every table of `jw export`, for one quarter or every scored quarter (module docstring).

    `on_progress(done, total)` is called now and then (records, then quarters scored).
    """
    charter = rel.charter
    if charter is None:
        raise ValueError("export needs a loaded charter; validate the repository first")
    if quarter is None:
        quarters = quarters_covered(rel, today)
        as_of = today
    else:
        quarters = [quarter]
        as_of = min(quarter.end(charter.fiscal_year_start), today)
    total = len(rel.records) + len(quarters)
    tables = record_tables(rel, quarter, on_progress, total)
    scored = [len(rel.records)]

    def tick() -> None:
        scored[0] += 1
        if on_progress is not None:
            on_progress(scored[0], total)

    scorecard, triggers, flags = score_tables(rel, quarters, today, tick)
    computed = [
        scorecard,
        triggers,
        commitments_table(rel, as_of, quarter),
        kpis_table(rel, quarters),
        costs_table(rel, quarters),
        projects_table(rel, quarters),
        *savings_tables(rel, as_of),
        ratings_table(rel, quarters),
        flags,
        *baseline_tables(rel),
    ]
    if on_progress is not None:
        on_progress(total, total)
    return Export(
        relationship=charter.relationship,
        currency=charter.currency,
        as_of=as_of,
        quarter=str(quarter) if quarter is not None else None,
        quarters=tuple(str(q) for q in quarters),
        tables=(*computed, *tables),
    )

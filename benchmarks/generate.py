#!/usr/bin/env python3
"""Write a synthetic but realistic, valid relationship repository for the benchmarks.

    python benchmarks/generate.py OUT_DIR --records N [--seed S] [--quarters Q] [--parties P]
                                  [--ledgers] [--force]

The repository has a charter (parties, services, objectives, KPIs, an escalation ladder with
triggers), baselines, N record files of every kind spread over Q fiscal quarters in
records/<quarter>/<date>-<slug>.yaml, and one assessment per party per completed quarter. Every
reference resolves, so `jw --today 2026-11-29 validate` reports no errors; a few warnings are left
on purpose (a few overdue commitments, unevidenced claims and ratings), as real data has them.

The same seed gives the same bytes. Text is built with f-strings, not a YAML emitter, so 100,000
files take seconds. `--ledgers` also writes, for comparing against bean-check and hledger on
equivalent data, ledgers/money.beancount and ledgers/money.journal (hledger) with one transaction
per cost and saving record, and ledgers/all.* with one transaction per record of any kind (the
others move one `REC` unit), as many transactions as records. Only the standard library is used.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import json
import os
import random
import shutil
import sys
import time
from pathlib import Path

TODAY = dt.date(2026, 11, 29)
FISCAL_YEAR_START = 4
CURRENCY = "GBP"

BEHAVIOURS = [
    "objectives-met",
    "cost-optimisation",
    "objectives-aligned",
    "commercial-trust",
    "flexible-charter",
    "critical-friend",
    "innovation",
    "evidence-based",
    "peer-reputation",
    "internal-alignment",
]

# id, name, role; the order mixes roles so that any prefix has clients and a provider.
PARTY_POOL = [
    ("north", "North District Council", "client"),
    ("acme", "Acme Managed Services Ltd", "supplier"),
    ("south", "South Borough Council", "client"),
    ("east", "East Riding Council", "client"),
    ("nhs-trust", "Riverside NHS Foundation Trust", "partner"),
    ("west", "West Vale District Council", "client"),
    ("brightwave", "Brightwave Digital Ltd", "supplier"),
    ("central", "Central City Council", "client"),
    ("police", "Shire Constabulary", "partner"),
    ("harbour", "Harbour Town Council", "client"),
    ("kestrel", "Kestrel Facilities plc", "supplier"),
    ("valley", "Valley District Council", "client"),
    ("college", "Shire College", "partner"),
    ("uplands", "Uplands Borough Council", "client"),
]

SERVICE_POOL = [
    ("helpdesk", "ICT service desk"),
    ("networks", "Wide-area network"),
    ("hosting", "Data centre hosting"),
    ("payroll", "Payroll"),
    ("revenues", "Council tax and business rates"),
    ("benefits", "Housing benefit processing"),
    ("procurement", "Joint procurement"),
    ("legal", "Shared legal service"),
    ("hr", "HR advisory"),
    ("audit", "Internal audit"),
    ("fleet", "Fleet maintenance"),
    ("waste", "Waste collection"),
    ("building-control", "Building control"),
    ("parking", "Parking enforcement"),
    ("licensing", "Licensing"),
    ("cctv", "CCTV monitoring"),
    ("contact-centre", "Customer contact centre"),
    ("print", "Print and post"),
    ("gis", "Mapping and GIS"),
    ("records-mgmt", "Records management"),
]

# suffix, name, unit, direction, baseline, target, amber_within, decimals
KpiTemplate = tuple[str, str, str, str, float, float, float, int]
KPI_TEMPLATES: list[KpiTemplate] = [
    ("first-time-fix", "first-time fix rate", "percent", "higher", 64, 80, 5, 1),
    ("availability", "availability", "percent", "higher", 99.0, 99.8, 0.3, 2),
    ("abandoned", "calls abandoned", "percent", "lower", 12, 5, 2, 1),
    ("days-to-pay", "average days to pay", "days", "lower", 28, 15, 3, 1),
    ("satisfaction", "user satisfaction", "score out of 10", "higher", 6.5, 8.0, 0.5, 1),
    ("cost-per-case", "cost per case", "GBP", "lower", 48, 36, 4, 2),
    ("backlog", "cases in backlog", "cases", "lower", 900, 400, 100, 0),
    ("in-sla", "incidents resolved within SLA", "percent", "higher", 82, 95, 3, 1),
]

OBJECTIVE_POOL = [
    ("cut-cost", "Reduce the end-to-end cost of {s} by 15%", "Medium-term financial plan line 4.2"),
    ("resilience", "Make {s} resilient to the loss of a site", "Business continuity strategy"),
    ("digital-first", "Move {s} requests to digital channels", "Digital strategy theme 2"),
    ("customer", "Raise resident satisfaction with {s}", "Corporate plan priority 1"),
    ("skills", "Grow shared skills and cover in {s}", "Workforce strategy"),
    ("green", "Cut the carbon footprint of {s}", "Climate emergency action plan"),
]

# fmt: off
FIRST_NAMES = ["Asha", "Tom", "Priya", "Gareth", "Mei", "Olu", "Hannah", "Ravi", "Siobhan",
               "Daniel", "Fatima", "Ewan", "Chloe", "Marek", "Nia", "Joseph", "Leila", "Owen"]
LAST_NAMES = ["Patel", "Reed", "Shah", "Evans", "Chen", "Adeyemi", "Morgan", "Kumar", "Byrne",
              "Hughes", "Khan", "Fraser", "Wright", "Nowak", "Jones", "Okafor", "Ahmed", "Price"]

COST_CATEGORIES = ["staff recharge", "licences", "hardware", "accommodation share",
                   "contractor days", "support contract", "training", "travel"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
TOPICS = ["patching runbook", "out-of-hours cover", "licence true-up", "backlog clearance",
          "shared rota", "supplier onboarding", "data sharing agreement", "service catalogue",
          "capacity plan", "disaster recovery test", "channel shift", "invoice queries",
          "asset register", "risk register", "knowledge base", "triage process"]
POSITIVE = ["raised a risk early and brought options", "shared its cost model openly",
            "covered a peak in demand without being asked", "challenged a costly assumption",
            "proposed a cheaper way to meet the target", "kept every action from the last review"]
NEGATIVE = ["moved a deadline without notice", "sent figures the day of the meeting",
            "did not share the incident report", "escalated before talking to the lead",
            "missed an agreed action", "changed scope without agreement"]
NEUTRAL = ["asked for more time to review the figures", "proposed a change for next year",
           "restated its position on the contract terms"]
IDEAS = ["chatbot for password resets", "shared print contract", "automated invoice matching",
         "joint recruitment campaign", "self-service portal", "route optimisation",
         "predictive maintenance", "shared translation service", "open data feed",
         "robotic process automation for refunds", "cloud backup consolidation"]
DECISIONS = ["Agreed the action plan", "Accepted the revised forecast",
             "Deferred the decision to the next review", "Approved the change request",
             "Asked for a costed option", "Closed the action"]
# fmt: on


class Rec:
    """One record: its id, date (ordinal), quarter index and the YAML lines after `summary`."""

    __slots__ = (
        "corrects",
        "day",
        "evidence",
        "id",
        "kind",
        "lines",
        "quarter",
        "summary",
        "wants",
    )

    def __init__(
        self,
        day: int,
        rid: str,
        kind: str,
        summary: str,
        lines: list[str],
        quarter: int,
        wants: int = 0,
    ) -> None:
        self.day = day
        self.id = rid
        self.kind = kind
        self.summary = summary
        self.lines = lines
        self.quarter = quarter
        self.wants = wants  # how many evidence ids to cite, chosen once all records exist
        self.evidence: list[str] = []
        self.corrects: str | None = None  # a KPI id: this reading corrects the one before it


def quarter_of(day: dt.date) -> tuple[int, int]:
    months = day.year * 12 + day.month - 1 - (FISCAL_YEAR_START - 1)
    year, month0 = divmod(months, 12)
    return year, month0 // 3 + 1


def quarter_start(year: int, number: int) -> dt.date:
    month0 = FISCAL_YEAR_START - 1 + 3 * (number - 1)
    return dt.date(year + month0 // 12, month0 % 12 + 1, 1)


def previous_quarter(year: int, number: int) -> tuple[int, int]:
    return (year - 1, 4) if number == 1 else (year, number - 1)


def next_quarter(year: int, number: int) -> tuple[int, int]:
    return (year + 1, 1) if number == 4 else (year, number + 1)


def money(pennies: int) -> str:
    return f"{pennies // 100}.{pennies % 100:02d}"


def number(value: float, decimals: int) -> str:
    return f"{value:.{decimals}f}" if decimals else str(round(value))


def flow(items: list[str]) -> str:
    return "[" + ", ".join(items) + "]"


def account(*parts: str) -> str:
    return ":".join(p[0].upper() + p[1:] for p in parts)


class Generator:
    def __init__(self, records: int, seed: int, quarters: int, parties: int) -> None:
        self.n = records
        self.rng = random.Random(seed)
        self.seq = 0
        last = quarter_of(TODAY)
        labels = [last]
        for _ in range(quarters - 1):
            labels.append(previous_quarter(*labels[-1]))
        labels.reverse()
        self.quarters = labels
        self.qlabels = [f"{y}-Q{n}" for y, n in labels]
        self.qstart = [quarter_start(*q).toordinal() for q in labels]
        self.qend = [quarter_start(*next_quarter(*q)).toordinal() - 1 for q in labels]
        self.first_day = self.qstart[0]
        self.today = TODAY.toordinal()
        self.iso: dict[int, str] = {}
        # one amendment every three years or so, each of them a record
        self.version = min(2 + quarters // 12, records + 1)
        self._charter_vocabulary(parties)

    # -- the charter's vocabulary -------------------------------------------------------------

    def _charter_vocabulary(self, count: int) -> None:
        rng = self.rng
        pool = list(PARTY_POOL)
        for i in range(len(pool), count):
            pool.append((f"council-{i}", f"Council Number {i}", "client"))
        self.parties = pool[:count]
        self.party_ids = [p[0] for p in self.parties]
        self.clients = [p[0] for p in self.parties if p[2] == "client"]
        self.providers = [p[0] for p in self.parties if p[2] != "client"] or [self.party_ids[0]]
        self.people = {
            pid: [f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}" for _ in range(4)]
            for pid in self.party_ids
        }
        n_services = max(4, min(60, self.n // 4000))
        self.services: list[tuple[str, str, str, list[str]]] = []
        for i in range(n_services):
            sid, name = SERVICE_POOL[i % len(SERVICE_POOL)]
            if i >= len(SERVICE_POOL):
                lot = i // len(SERVICE_POOL) + 1
                sid, name = f"{sid}-{lot}", f"{name} (lot {lot})"
            provider = self.providers[i % len(self.providers)]
            others = [c for c in self.clients if c != provider] or [provider]
            clients = sorted(rng.sample(others, min(len(others), rng.randint(2, 4))))
            self.services.append((sid, name, provider, clients))
        self.service_ids = [s[0] for s in self.services]
        self.service_of = {s[0]: s for s in self.services}
        n_objectives = max(3, min(20, n_services // 2))
        self.objectives = []
        for i in range(n_objectives):
            stem, statement, business = OBJECTIVE_POOL[i % len(OBJECTIVE_POOL)]
            sid, sname = self.services[i % n_services][:2]
            self.objectives.append(
                (
                    f"{stem}-{sid}",
                    statement.format(s=sname),
                    business,
                    self.clients[i % len(self.clients)] if self.clients else self.party_ids[0],
                )
            )
        self.objective_ids = [o[0] for o in self.objectives]
        # Monthly readings: enough KPIs that measurements are a fifth of the records.
        n_kpis = max(4, min(400, round(0.2 * self.n / (3 * len(self.quarters)))))
        self.kpis: list[tuple[str, str, str, str, KpiTemplate]] = []
        combos = [(s, t) for t in KPI_TEMPLATES for s in self.services]
        for i in range(n_kpis):
            service, template = combos[i % len(combos)]
            kid = f"{service[0]}-{template[0]}"
            if i >= len(combos):
                kid += f"-{i // len(combos) + 1}"
            objective = self.objective_ids[i % len(self.objective_ids)]
            self.kpis.append((kid, service[1], service[2], objective, template))
        self.kpi_ids = [k[0] for k in self.kpis]
        self.projects: list[tuple[str, str, str]] = []
        for sid, _name, provider, _clients in self.services:
            for j in range(2):
                self.projects.append((f"{sid}-project-{j + 1}", sid, provider))
        self.projects_of: dict[str, list[str]] = {}
        for pid, sid, _owner in self.projects:
            self.projects_of.setdefault(sid, []).append(pid)
        self.baseline: dict[tuple[str, str], int] = {}
        for sid, _name, _provider, clients in self.services:
            for client in clients:
                self.baseline[(sid, client)] = rng.randrange(80_000, 900_000) * 100

    # -- helpers ------------------------------------------------------------------------------

    def date(self, day: int) -> str:
        text = self.iso.get(day)
        if text is None:
            text = self.iso[day] = dt.date.fromordinal(day).isoformat()
        return text

    def quarter_index(self, day: int) -> int:
        lo, hi = 0, len(self.qstart) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.qstart[mid] <= day:
                lo = mid
            else:
                hi = mid - 1
        return lo

    def random_day(self) -> int:
        # Relationships grow: later quarters hold somewhat more records than early ones.
        span = self.today - self.first_day
        return self.first_day + int(span * self.rng.random() ** 0.8)

    def new_id(self, day: int, slug: str) -> str:
        self.seq += 1
        return f"{self.date(day)}-{slug}-{self.seq:x}"

    def make(
        self, day: int, slug: str, kind: str, summary: str, lines: list[str], wants: int = 0
    ) -> Rec:
        return Rec(
            day, self.new_id(day, slug), kind, summary, lines, self.quarter_index(day), wants
        )

    def other_party(self, party: str) -> str:
        while True:
            other = self.rng.choice(self.party_ids)
            if other != party or len(self.party_ids) == 1:
                return other

    def attachment(self, folder: int) -> list[str]:
        roll = self.rng.random()
        if roll < 0.03:
            return [
                "attachments:",
                f"  - evidence/{self.qlabels[folder]}/minutes-{self.rng.randrange(4)}.md",
            ]
        if roll < 0.08:
            return ["attachments:", f"  - https://intranet.example.org/docs/{self.seq}"]
        return []

    # -- record kinds -------------------------------------------------------------------------

    def measurement(self) -> Rec:
        rng = self.rng
        day = self.random_day()
        q = self.quarter_index(day)
        kid, _sname, _owner, _objective, template = rng.choice(self.kpis)
        _suffix, name, unit, direction, base, target, _amber, decimals = template
        progress = q / max(1, len(self.quarters) - 1)
        span = target - base
        noise = abs(span) * 0.25 * (rng.random() * 2 - 1)
        value = max(0.0, base + span * progress * 0.9 + noise)
        if direction == "higher" and unit == "percent":
            value = min(value, 100.0)
        lines = [f"kpi: {kid}", f"period: {self.qlabels[q]}", f"value: {number(value, decimals)}"]
        summary = f"{MONTHS[(dt.date.fromordinal(day).month - 1)]} reading of {name}"
        correction = rng.random() < 0.01
        if correction:
            summary = f"Corrected {summary[0].lower()}{summary[1:]} after a data fix"
        rec = self.make(day, f"{kid}-reading", "measurement", summary, lines)
        if correction:
            rec.corrects = kid
        return rec

    def cost(self) -> Rec:
        rng = self.rng
        day = self.random_day()
        q = self.quarter_index(day)
        sid, sname, provider, clients = self.service_of[rng.choice(self.service_ids)]
        party = rng.choice(clients)
        monthly = self.baseline[(sid, party)] // 12
        category = rng.choice(COST_CATEGORIES)
        share = rng.randrange(5, 60)
        amount = max(100, monthly * share // 100 + rng.randrange(-5000, 5000))
        lines = [
            f"service: {sid}",
            f"party: {party}",
            f"period: {self.qlabels[q]}",
            f"amount: {money(amount)}",
        ]
        if rng.random() < 0.15:
            lines.append(f"project: {rng.choice(self.projects_of[sid])}")
        lines += self.attachment(q)
        month = MONTHS[dt.date.fromordinal(day).month - 1]
        summary = f"{month} {category} for {sname} charged by {provider}"
        return self.make(day, f"{sid}-{party}-cost", "cost", summary, lines)

    def observation(self) -> Rec:
        rng = self.rng
        day = self.random_day()
        party = rng.choice(self.party_ids)
        roll = rng.random()
        effect, phrases = (
            ("positive", POSITIVE)
            if roll < 0.55
            else ("negative", NEGATIVE)
            if roll < 0.8
            else ("neutral", NEUTRAL)
        )
        behaviours = rng.sample(BEHAVIOURS, rng.choice((1, 1, 2, 2, 3)))
        lines = [
            f"party: {party}",
            f"behaviours: {flow(behaviours)}",
            f"effect: {effect}",
            f"by: {self.other_party(party)}",
        ]
        summary = f"{party} {rng.choice(phrases)} on the {rng.choice(TOPICS)}"
        return self.make(
            day,
            f"{party}-{behaviours[0]}",
            "observation",
            summary,
            lines,
            wants=rng.choice((0, 0, 1, 1, 2)),
        )

    def meeting(self) -> Rec:
        rng = self.rng
        day = self.random_day()
        q = self.quarter_index(day)
        roll = rng.random()
        if roll < 0.8:
            kind, present = "check-in", rng.sample(self.party_ids, min(len(self.party_ids), 2))
        elif roll < 0.95:
            kind, present = "quarterly-review", list(self.party_ids)
        else:
            kind, present = "escalation", rng.sample(self.party_ids, min(len(self.party_ids), 3))
        lines = [f"type: {kind}", "attendees:"]
        for party in present:
            names = rng.sample(self.people[party], rng.randint(1, 2))
            lines.append(f"  {party}: {flow(names)}")
        if kind != "quarterly-review":
            lines.append(f"invited: {flow(present)}")
        decisions = rng.sample(DECISIONS, rng.randint(0, 3))
        if decisions:
            lines.append("decisions:")
            lines += [f"  - {d} on the {rng.choice(TOPICS)}" for d in decisions]
        lines += self.attachment(q)
        summary = f"{kind.replace('-', ' ').capitalize()} on the {rng.choice(TOPICS)}"
        return self.make(day, kind, "meeting", summary, lines)

    def claim(self) -> Rec:
        rng = self.rng
        day = self.random_day()
        party = rng.choice(self.party_ids)
        roll = rng.random()
        lines = [f"party: {party}"]
        wants = rng.randint(1, 3)
        if roll < 0.02:  # attachments instead of records
            wants = 0
            lines += ["attachments:", f"  - https://intranet.example.org/claims/{self.seq}"]
        elif roll < 0.03:  # a claim citing nothing: jw warns, as it should
            wants = 0
        summary = f"{party} delivered the {rng.choice(TOPICS)} ahead of plan"
        return self.make(day, f"{party}-claim", "claim", summary, lines, wants=wants)

    def lesson(self) -> Rec:
        rng = self.rng
        day = self.random_day()
        party = rng.choice(self.party_ids)
        services = rng.sample(self.service_ids, rng.randint(1, 2))
        lines = [f"party: {party}", f"services: {flow(services)}"]
        summary = f"Agree the {rng.choice(TOPICS)} before go-live, not after"
        return self.make(day, f"{party}-lesson", "lesson", summary, lines, wants=rng.choice((0, 1)))

    def commitment_chain(self) -> list[Rec]:
        rng = self.rng
        day = self.random_day()
        party = rng.choice(self.party_ids)
        due = day + rng.randint(14, 120)
        topic = rng.choice(TOPICS)
        lines = [
            f"party: {party}",
            f"to: {flow([self.other_party(party)])}",
            f"due: {self.date(due)}",
        ]
        roll = rng.random()
        if roll < 0.4:
            lines.append(f"kpi: {rng.choice(self.kpi_ids)}")
        elif roll < 0.7:
            lines.append(f"objective: {rng.choice(self.objective_ids)}")
        commitment = self.make(
            day,
            f"{party}-{topic.replace(' ', '-')}",
            "commitment",
            f"{party} to deliver the {topic}",
            lines,
        )
        chain = [commitment]

        def update(on: int, status: str, summary: str, extra: list[str] | None = None) -> None:
            on = min(max(on, day), self.today)
            lines = [f"commitment: {commitment.id}", f"status: {status}", *(extra or [])]
            chain.append(self.make(on, f"{party}-update", "update", summary, lines))

        if due > self.today:  # still open; some are already delivered
            if rng.random() < 0.3:
                update(rng.randint(day, self.today), "delivered", f"Delivered the {topic}")
            return chain
        roll = rng.random()
        if roll < 0.72:
            late = rng.random() < 0.12
            on = rng.randint(due + 1, due + 30) if late else rng.randint(day, due)
            update(on, "delivered", f"Delivered the {topic}")
        elif roll < 0.80:
            on = rng.randint(due + 1, due + 10)
            update(on, "missed", f"Missed the date for the {topic}")
            if rng.random() < 0.6:
                update(on + rng.randint(5, 40), "delivered", f"Delivered the {topic}, late")
        elif roll < 0.90:
            on = rng.randint(day, due)
            new_due = due + rng.randint(30, 90)
            update(
                on,
                "renegotiated",
                f"New date agreed for the {topic}",
                [f"new_due: {self.date(new_due)}"],
            )
            if new_due <= self.today:
                update(rng.randint(on, new_due + 10), "delivered", f"Delivered the {topic}")
        elif roll < 0.98:
            update(rng.randint(day, due), "withdrawn", f"The {topic} is no longer needed")
        # else: no update at all, so jw warns that it is overdue
        return chain

    def saving_chain(self) -> list[Rec]:
        rng = self.rng
        day = self.random_day()
        sid, sname, _provider, clients = self.service_of[rng.choice(self.service_ids)]
        party = rng.choice(clients)
        amount = rng.randrange(5_000, 120_000) * 100
        one_off = rng.random() < 0.2
        topic = rng.choice(TOPICS)
        chain: list[Rec] = []
        for stage in ("identified", "agreed", "implemented", "realised"):
            if chain:
                if rng.random() > 0.7:
                    break
                day += rng.randint(20, 150)
                if day > self.today:
                    break
                amount = amount * rng.randint(80, 105) // 100
            lines = [f"service: {sid}", f"party: {party}", f"amount: {money(amount)}"]
            if one_off:
                lines.append("one_off: true")
            lines.append(f"stage: {stage}")
            if chain:
                lines.append(f"saving: {chain[-1].id}")
            summary = f"Saving on {sname} from the {topic}, {stage}"
            chain.append(
                self.make(
                    day,
                    f"{sid}-saving",
                    "saving",
                    summary,
                    lines,
                    wants=1 if stage == "realised" else 0,
                )
            )
        return chain

    def innovation_chain(self) -> list[Rec]:
        rng = self.rng
        day = self.random_day()
        party = rng.choice(self.party_ids)
        idea = rng.choice(IDEAS)
        slug = idea.split()[0]
        chain: list[Rec] = []
        path = ["proposed"]
        if rng.random() < 0.6:
            path.append("trialled")
            roll = rng.random()
            if roll < 0.5:
                path.append("adopted")
            elif roll < 0.8:
                path.append("abandoned")
        for status in path:
            if chain:
                day += rng.randint(30, 180)
                if day > self.today:
                    break
            lines = [f"party: {party}", f"status: {status}"]
            if status == "abandoned":
                lines.append("lessons: The trial showed the volumes were too low to pay back.")
            if chain:
                lines.append(f"innovation: {chain[-1].id}")
            chain.append(
                self.make(
                    day,
                    f"{party}-{slug}-idea",
                    "innovation",
                    f"{idea.capitalize()}, {status}",
                    lines,
                    wants=1 if status == "trialled" else 0,
                )
            )
        return chain

    def escalation_chain(self) -> list[Rec]:
        rng = self.rng
        day = self.random_day()
        level = rng.choice((1, 1, 1, 2, 2, 3))
        parties = sorted(rng.sample(self.party_ids, min(2, len(self.party_ids))))
        topic = rng.choice(TOPICS)
        lines = [f"level: {level}", f"parties: {flow(parties)}"]
        if rng.random() < 0.6:
            lines.append(f"trigger: {rng.choice(TRIGGERS)[0]}")
        opened = self.make(
            day,
            f"level-{level}-{parties[0]}",
            "escalation",
            f"Escalated the {topic} to level {level}",
            lines,
            wants=1,
        )
        chain = [opened]
        closed_on = day + rng.randint(7, 60)
        if rng.random() < 0.85 and closed_on <= self.today:
            chain.append(
                self.make(
                    closed_on,
                    f"level-{level}-{parties[0]}-closed",
                    "escalation",
                    f"Escalation of the {topic} resolved",
                    [
                        *lines,
                        f"supersedes: {opened.id}",
                        "outcome: Remediation plan agreed and the first milestone met.",
                    ],
                )
            )
        return chain

    def amendments(self) -> list[Rec]:
        out = []
        count = self.version - 1
        span = self.today - self.first_day
        for i in range(count):
            day = self.first_day + span * (i + 1) // (count + 1)
            lines = [f"version: {i + 2}", f"agreed_by: {flow(self.party_ids)}"]
            out.append(
                self.make(
                    day,
                    f"charter-v{i + 2}",
                    "amendment",
                    f"Charter version {i + 2} agreed at the annual review",
                    lines,
                )
            )
        return out

    # -- the whole repository -----------------------------------------------------------------

    def records(self) -> list[Rec]:
        n = self.n
        out: list[Rec] = self.amendments()[:n]
        for make, share in (
            (self.commitment_chain, 0.16),
            (self.saving_chain, 0.05),
            (self.innovation_chain, 0.03),
            (self.escalation_chain, 0.01),
        ):
            budget = min(round(share * n), n - len(out))
            used = 0
            while used < budget:
                chain = make()[: budget - used]  # a cut chain only loses its later stages
                out += chain
                used += len(chain)
        standalone = (
            (self.meeting, 0.08),
            (self.claim, 0.04),
            (self.lesson, 0.03),
            (self.cost, 0.20),
            (self.observation, 0.17),
        )
        for make_one, share in standalone:
            for _ in range(min(round(share * n), n - len(out))):
                out.append(make_one())
        while len(out) < n:
            out.append(self.measurement())
        out.sort(key=lambda r: (r.day, r.id))
        self._cite(out)
        return out

    def _cite(self, ordered: list[Rec]) -> None:
        """Evidence and corrections point back in time, so they are chosen in date order."""
        rng = self.rng
        last_of_period: dict[tuple[str, str], str] = {}
        for i, rec in enumerate(ordered):
            if rec.kind == "measurement":
                kpi = rec.lines[0][len("kpi: ") :]
                period = rec.lines[1][len("period: ") :]
                # one live reading per KPI and period: a later monthly reading replaces the
                # earlier one (lifecycle.md), as the latest reading counted before
                if (kpi, period) in last_of_period:
                    rec.lines.append(f"supersedes: {last_of_period[kpi, period]}")
                last_of_period[kpi, period] = rec.id
            if rec.wants and i:
                lo = max(0, i - 400)
                picks = {ordered[rng.randrange(lo, i)].id for _ in range(rec.wants)}
                rec.evidence = sorted(picks)

    def render(self, rec: Rec) -> str:
        parts = [f"kind: {rec.kind}\ndate: {self.date(rec.day)}\nsummary: {rec.summary}\n"]
        if rec.lines:
            parts.append("\n".join(rec.lines) + "\n")
        if rec.evidence:
            parts.append("evidence:\n" + "".join(f"  - {e}\n" for e in rec.evidence))
        return "".join(parts)

    def charter(self) -> str:
        start = self.date(self.first_day)
        out = [
            "# Synthetic charter written by benchmarks/generate.py",
            "relationship: Shire Shared Services Alliance",
            f"version: {self.version}",
            f"effective: {start}",
            f"fiscal_year_start: {FISCAL_YEAR_START}",
            f"currency: {CURRENCY}",
            "",
            "parties:",
        ]
        for pid, name, role in self.parties:
            out += [
                f"  - id: {pid}",
                f"    name: {name}",
                f"    role: {role}",
                f"    lead: {self.people[pid][0]}",
            ]
        out += ["", "services:"]
        for sid, name, provider, clients in self.services:
            out += [
                f"  - id: {sid}",
                f"    name: {name}",
                f"    provider: {provider}",
                f"    clients: {flow(clients)}",
            ]
        out += ["", "objectives:"]
        end = self.date(self.today + 365)
        for oid, statement, business, owner in self.objectives:
            out += [
                f"  - id: {oid}",
                f"    statement: {statement}",
                f"    business_objective: {business}",
                f"    owner: {owner}",
                f"    due: {end}",
            ]
        out += ["", "kpis:"]
        for kid, sname, owner, objective, template in self.kpis:
            _suffix, name, unit, direction, base, target, amber, _decimals = template
            out += [
                f"  - id: {kid}",
                f"    name: {sname} {name}",
                f"    objective: {objective}",
                f"    owner: {owner}",
                f"    unit: {unit}",
                f"    direction: {direction}",
                f"    baseline: {base}",
                f"    target: {target}",
                f"    amber_within: {amber}",
                f"    due: {end}",
            ]
        out += [
            "",
            "governance:",
            "  check_in_every_days: 14",
            "  quarterly_review: true",
            "  review_within_days: 30",
            "  pack_due_days_before: 5",
            "  require_signed_commits: false",
            "",
            "scoring:",
            "  green_at: 3.5",
            "  amber_at: 2.5",
            "  weights: {indicator: 1, observations: 1, peer_rating: 1}",
            "  innovation_target_per_quarter: 1",
            "",
            "escalation:",
            "  levels:",
        ]
        for level, name, days, action in LEVELS:
            out += [
                f"    - level: {level}",
                f"      name: {name}",
                f"      respond_within_days: {days}",
                f"      action: {action}",
            ]
        out.append("  triggers:")
        for tid, metric, side, limit, quarters, level in TRIGGERS:
            out += [
                f"    - id: {tid}",
                f"      metric: {metric}",
                f"      {side}: {limit}",
                f"      for_quarters: {quarters}",
                f"      level: {level}",
            ]
        return "\n".join(out) + "\n"

    def baselines(self) -> str:
        as_of = self.date(self.first_day - 1)
        out = ["costs:"]
        for (sid, party), pennies in self.baseline.items():
            staff = pennies * 7 // 10
            rest = pennies - staff
            licences = rest // 2
            out += [
                f"  - service: {sid}",
                f"    party: {party}",
                f"    annual: {money(pennies)}",
                f"    as_of: {as_of}",
                "    basis: Staff, licences and accommodation share",
                f"    breakdown: {{staff: {money(staff)}, licences: {money(licences)}, "
                f"accommodation: {money(rest - licences)}}}",
            ]
        out.append("market:")
        for sid, _name, _provider, clients in self.services:
            total = sum(self.baseline[(sid, c)] for c in clients) * 9 // 10
            out += [
                f"  - service: {sid}",
                f"    annual: {money(total)}",
                "    source: Framework call-off benchmark, three quotes",
                f"    date: {as_of}",
            ]
        out.append("savings_targets:")
        for sid, *_rest in self.services:
            out += [
                f"  - service: {sid}",
                "    rate: 0.15",
                f"    by: {self.date(self.today + 365)}",
            ]
        out.append("budgets:")
        for i, (pid, sid, owner) in enumerate(self.projects):
            start = self.first_day + (self.today - self.first_day) * (i % 10) // 10
            out += [
                f"  - project: {pid}",
                f"    service: {sid}",
                f"    owner: {owner}",
                f"    budget: {money(self.rng.randrange(50_000, 900_000) * 100)}",
                "    tolerance: 0.10",
                f"    start: {self.date(start)}",
                f"    end: {self.date(start + 540)}",
            ]
        return "\n".join(out) + "\n"

    def assessments(self, ordered: list[Rec]) -> dict[str, str]:
        rng = self.rng
        about: dict[tuple[int, str], list[str]] = {}
        days = [rec.day for rec in ordered]
        for rec in ordered:
            if rec.kind == "observation":
                party = rec.lines[0][len("party: ") :]
                about.setdefault((rec.quarter, party), []).append(rec.id)
        files: dict[str, str] = {}
        for q, label in enumerate(self.qlabels):
            if self.qend[q] >= self.today:
                continue  # the quarter is not over: nobody has assessed it yet
            day = self.date(self.qend[q] - rng.randint(0, 14))
            for assessor in self.party_ids:
                out = [f"quarter: {label}", f"assessor: {assessor}", f"date: {day}", "ratings:"]
                for party in self.party_ids:
                    out.append(f"  {party}:")
                    # observations of the party that quarter, else the latest records before
                    # its end (a small repository has few observations)
                    known = bisect.bisect_right(days, self.qend[q])
                    pool = about.get((q, party)) or [
                        r.id for r in ordered[max(0, known - 20) : known]
                    ]
                    for behaviour in BEHAVIOURS:
                        rating = rng.choice((2, 3, 3, 4, 4, 4, 5))
                        if pool and rng.random() < 0.995:
                            cites = sorted({rng.choice(pool) for _ in range(rng.randint(1, 2))})
                            out.append(
                                f"    {behaviour}: {{rating: {rating}, evidence: {flow(cites)}}}"
                            )
                        else:  # a rating without evidence: kept, and flagged as a claim
                            out.append(f"    {behaviour}: {{rating: {rating}}}")
                files[f"assessments/{label}/{assessor}.yaml"] = "\n".join(out) + "\n"
        return files

    def ledgers(self, ordered: list[Rec], every_record: bool) -> tuple[str, str]:
        """Beancount and hledger texts: one transaction per cost and saving record, or, with
        `every_record`, one per record (the others move one `REC` unit between activity
        accounts), which makes a ledger with as many transactions as the repository has records.
        """
        start = self.date(self.first_day)
        bean = [f'option "operating_currency" "{CURRENCY}"', ""]
        journal = [f"commodity 1000.00 {CURRENCY}", "commodity 1. REC", ""]
        accounts: set[str] = set()
        txns_b: list[str] = []
        txns_h: list[str] = []
        for rec in ordered:
            money_kind = rec.kind in ("cost", "saving")
            if not (money_kind or every_record):
                continue
            fields = dict(
                line.split(": ", 1)
                for line in rec.lines
                if not line.startswith(" ") and ": " in line
            )
            if rec.kind == "cost":
                service, party = fields["service"], fields["party"]
                debit = account("Expenses", "Services", service, party)
                credit = account("Liabilities", "Payable", self.service_of[service][2])
                amount = f"{fields['amount']} {CURRENCY}"
            elif rec.kind == "saving":
                service, party = fields["service"], fields["party"]
                debit = account("Assets", "Savings", fields["stage"], service, party)
                credit = account("Income", "Savings", service)
                amount = f"{fields['amount']} {CURRENCY}"
            else:
                who = fields.get("party") or fields.get("kpi") or "all"
                debit = account("Assets", "Activity", rec.kind, who)
                credit = account("Equity", "Activity", rec.kind)
                amount = "1 REC"
            accounts.update((debit, credit))
            day = self.date(rec.day)
            txns_b.append(f'{day} * "{rec.id}" "{rec.summary}"\n  {debit}  {amount}\n  {credit}\n')
            txns_h.append(
                f"{day} * {rec.id} | {rec.summary}\n    {debit.lower()}  {amount}\n"
                f"    {credit.lower()}\n"
            )
        for name in sorted(accounts):
            bean.append(f"{start} open {name}")
            journal.append(f"account {name.lower()}")
        bean.append("")
        journal.append("")
        return (
            "\n".join(bean) + "\n" + "\n".join(txns_b),
            "\n".join(journal) + "\n" + "\n".join(txns_h),
        )


LEVELS = [
    (
        1,
        "Cup of coffee conversation",
        14,
        "Informal one-to-one between relationship leads; a course correction, not a confrontation.",
    ),
    (2, "Formal review", 30, "Put on the quarterly review agenda with a remediation plan."),
    (3, "Board escalation", 30, "Relationship board decides on remedies under the charter."),
]
TRIGGERS = [
    ("slipping-commitments", "on-time-rate", "below", "0.8", 1, 1),
    ("slipping-for-two-quarters", "on-time-rate", "below", "0.8", 2, 2),
    ("red-behaviour", "behaviour-score", "below", "2.5", 1, 2),
    ("red-kpis", "kpi-red-count", "above", "3", 2, 2),
    ("budget-overrun", "budget-overrun", "above", "0.1", 1, 3),
    ("unevidenced", "unevidenced-claims", "above", "10", 1, 1),
]


def write(
    out: Path, records: int, seed: int, quarters: int, parties: int, ledgers: bool = False
) -> dict[str, object]:
    started = time.perf_counter()
    gen = Generator(records, seed, quarters, parties)
    ordered = gen.records()
    out.mkdir(parents=True, exist_ok=True)
    (out / "charter.yaml").write_text(gen.charter(), encoding="utf-8")
    (out / "baselines.yaml").write_text(gen.baselines(), encoding="utf-8")
    for label in gen.qlabels:
        os.makedirs(out / "records" / label, exist_ok=True)
        evidence = out / "evidence" / label
        os.makedirs(evidence, exist_ok=True)
        for i in range(4):
            (evidence / f"minutes-{i}.md").write_text(f"# Minutes {label} #{i}\n")
    base = str(out / "records")
    render, labels = gen.render, gen.qlabels
    total = 0
    for rec in ordered:
        data = render(rec).encode("utf-8")
        total += len(data)
        with open(f"{base}/{labels[rec.quarter]}/{rec.id}.yaml", "wb") as handle:
            handle.write(data)
    assessments = gen.assessments(ordered)
    for rel, text in assessments.items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    if ledgers:
        (out / "ledgers").mkdir(exist_ok=True)
        for name, every_record in (("money", False), ("all", True)):
            bean, journal = gen.ledgers(ordered, every_record)
            (out / "ledgers" / f"{name}.beancount").write_text(bean, encoding="utf-8")
            (out / "ledgers" / f"{name}.journal").write_text(journal, encoding="utf-8")
    kinds: dict[str, int] = {}
    for rec in ordered:
        kinds[rec.kind] = kinds.get(rec.kind, 0) + 1
    stamp: dict[str, object] = {
        "records": records,
        "seed": seed,
        "quarters": quarters,
        "parties": parties,
        "ledgers": ledgers,
        "record_bytes": total,
        "assessments": len(assessments),
        "kinds": dict(sorted(kinds.items())),
        "kpis": len(gen.kpis),
        "services": len(gen.services),
        "seconds": round(time.perf_counter() - started, 2),
    }
    (out / ".generated.json").write_text(json.dumps(stamp, indent=1) + "\n", encoding="utf-8")
    return stamp


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder to write (must be empty or absent)")
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quarters", type=int, default=40)
    parser.add_argument("--parties", type=int, default=6)
    parser.add_argument(
        "--ledgers", action="store_true", help="also write ledgers/{money,all}.{beancount,journal}"
    )
    parser.add_argument("--force", action="store_true", help="replace OUT if it exists")
    args = parser.parse_args(argv)
    if args.records < 1 or args.quarters < 1 or args.parties < 2:
        parser.error("need --records >= 1, --quarters >= 1 and --parties >= 2")
    if args.out.exists() and any(args.out.iterdir()):
        if not args.force:
            parser.error(f"{args.out} is not empty; pass --force to replace it")
        shutil.rmtree(args.out)
    stamp = write(args.out, args.records, args.seed, args.quarters, args.parties, args.ledgers)
    kinds = stamp["kinds"]
    assert isinstance(kinds, dict)
    print(
        f"wrote {args.records} records to {args.out} in {stamp['seconds']} s: "
        + ", ".join(f"{k} {v}" for k, v in kinds.items()),
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

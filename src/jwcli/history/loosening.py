"""What a change to the charter or the baselines makes easier (lifecycle.md, "Loosening").

Each function compares two validated versions and returns one sentence per loosening, in the
order of the lifecycle's list. Audit makes them `agreed-change` notices when the parties agreed
the change and `breaking-change` errors when they did not; tightening is never reported.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from jwcli.model.baselines import Baselines, SavingsTarget
from jwcli.model.charter import Charter, Kpi
from jwcli.quarters import Quarter

# Quarters before and after any milestone, where only the final target is in force.
_FAR_PAST = Quarter(1, 1)
_FAR_FUTURE = Quarter(9998, 4)


def _quarters(labels: Iterable[str]) -> list[Quarter]:
    """The quarters where a target in force can change: each milestone's and the one after."""
    found = {_FAR_PAST, _FAR_FUTURE}
    for label in labels:
        q = Quarter.from_label(label)
        if q is not None:
            found |= {q, q.next()}
    return sorted(found)


def _kpi_easier(before: Kpi, after: Kpi) -> list[str]:
    if before.direction != after.direction:
        return []  # reported as a direction change
    problems = []
    higher = after.direction == "higher"
    labels = [str(m.by) for m in (*before.milestones, *after.milestones)]
    for quarter in _quarters(labels):
        was, by_was = before.target_for(quarter)
        now, by_now = after.target_for(quarter)
        if (now < was) if higher else (now > was):
            what = "target" if by_was is None and by_now is None else "target in force"
            where = "" if quarter in (_FAR_PAST, _FAR_FUTURE) else f" for {quarter}"
            problems.append(
                f"KPI `{after.id}` {what}{where} loosened from {was} to {now} "
                f"({after.direction} is better)"
            )
            break
    if after.amber_within > before.amber_within:
        problems.append(
            f"KPI `{after.id}` amber_within widened from {before.amber_within} to "
            f"{after.amber_within}"
        )
    if after.owner != before.owner:
        problems.append(f"KPI `{after.id}` owner changed from {before.owner} to {after.owner}")
    return problems


def charter_loosening(before: Charter, after: Charter, day: dt.date) -> list[str]:
    """The loosenings from `before` to `after`, committed on `day` (for `left` in the past)."""
    problems: list[str] = []
    new_parties = {p.id: p for p in after.parties}
    for party in before.parties:
        now = new_parties.get(party.id)
        if now is None:
            problems.append(f"party `{party.id}` removed (give it `left` instead)")
        elif now.left is not None and now.left != party.left and now.left < day:
            problems.append(f"party `{party.id}` given `left: {now.left}`, a date in the past")
    new_objectives = {o.id for o in after.objectives}
    problems += [
        f"objective `{o.id}` removed" for o in before.objectives if o.id not in new_objectives
    ]
    new_kpis = {k.id: k for k in after.kpis}
    for kpi in before.kpis:
        now_kpi = new_kpis.get(kpi.id)
        if now_kpi is None:
            problems.append(f"KPI `{kpi.id}` removed")
            continue
        if now_kpi.direction != kpi.direction:
            problems.append(
                f"KPI `{kpi.id}` direction changed from {kpi.direction} to {now_kpi.direction}"
            )
        problems += _kpi_easier(kpi, now_kpi)
    new_triggers = {t.id: t for t in after.escalation.triggers}
    for trigger in before.escalation.triggers:
        now_t = new_triggers.get(trigger.id)
        if now_t is None:
            problems.append(f"trigger `{trigger.id}` removed")
            continue
        name = f"trigger `{trigger.id}`"
        if now_t.metric != trigger.metric:
            problems.append(f"{name} metric changed from {trigger.metric} to {now_t.metric}")
        if trigger.below is not None and (now_t.below is None or now_t.below < trigger.below):
            problems.append(f"{name} fires later: `below` {trigger.below} -> {now_t.below}")
        if trigger.above is not None and (now_t.above is None or now_t.above > trigger.above):
            problems.append(f"{name} fires later: `above` {trigger.above} -> {now_t.above}")
        if now_t.for_quarters > trigger.for_quarters:
            problems.append(
                f"{name} for_quarters raised from {trigger.for_quarters} to {now_t.for_quarters}"
            )
        if now_t.level < trigger.level:
            problems.append(f"{name} level lowered from {trigger.level} to {now_t.level}")
    new_levels = {lv.level: lv for lv in after.escalation.levels}
    for level in before.escalation.levels:
        now_l = new_levels.get(level.level)
        if now_l is not None and now_l.respond_within_days > level.respond_within_days:
            problems.append(
                f"escalation level {level.level} respond_within_days raised from "
                f"{level.respond_within_days} to {now_l.respond_within_days}"
            )
    g0, g1 = before.governance, after.governance
    for key in ("check_in_every_days", "review_within_days", "measurement_grace_days"):
        was, now = getattr(g0, key), getattr(g1, key)
        if now > was:
            problems.append(f"governance.{key} raised from {was} to {now}")
    if g1.pack_due_days_before < g0.pack_due_days_before:
        problems.append(
            f"governance.pack_due_days_before lowered from {g0.pack_due_days_before} to "
            f"{g1.pack_due_days_before}"
        )
    for key in ("quarterly_review", "require_signed_commits"):
        if getattr(g0, key) and not getattr(g1, key):
            problems.append(f"governance.{key} turned off")
    s0, s1 = before.scoring, after.scoring
    for key in ("green_at", "amber_at", "innovation_target_per_quarter"):
        was, now = getattr(s0, key), getattr(s1, key)
        if now < was:
            problems.append(f"scoring.{key} lowered from {was} to {now}")
    if s0.weights != s1.weights:
        problems.append("scoring.weights changed")
    return problems


def _savings_easier(before: SavingsTarget, after: SavingsTarget) -> list[str]:
    problems = []
    labels = [str(m.by) for m in (*before.milestones, *after.milestones)]
    for quarter in _quarters(labels):
        was, _ = before.rate_for(quarter)
        now, _ = after.rate_for(quarter)
        if now < was:
            where = "" if quarter in (_FAR_PAST, _FAR_FUTURE) else f" for {quarter}"
            problems.append(
                f"savings target for `{after.service}`: rate in force{where} lowered from "
                f"{was} to {now}"
            )
            break
    if after.by > before.by:
        problems.append(
            f"savings target for `{after.service}` moved later, from {before.by} to {after.by}"
        )
    return problems


def baselines_loosening(before: Baselines, after: Baselines) -> list[str]:
    problems: list[str] = []
    new_targets = {t.service: t for t in after.savings_targets}
    for target in before.savings_targets:
        now = new_targets.get(target.service)
        if now is None:
            problems.append(f"savings target for `{target.service}` removed")
        else:
            problems += _savings_easier(target, now)
    new_budgets = {b.project: b for b in after.budgets}
    for budget in before.budgets:
        now_b = new_budgets.get(budget.project)
        if now_b is None:
            continue
        if Decimal(now_b.budget) > Decimal(budget.budget):
            problems.append(
                f"budget `{budget.project}` raised from {budget.budget} to {now_b.budget}"
            )
        if now_b.tolerance > budget.tolerance:
            problems.append(
                f"budget `{budget.project}` tolerance widened from {budget.tolerance} to "
                f"{now_b.tolerance}"
            )
    return problems


def fixed_fields_changed(before: Charter, after: Charter) -> list[str]:
    """`fiscal_year_start` and `effective` may not change after the first agreement."""
    return [
        f"`{key}` changed from {getattr(before, key)} to {getattr(after, key)}: it may not "
        "change once the charter is agreed (start a new charter instead)"
        for key in ("fiscal_year_start", "effective")
        if getattr(before, key) != getattr(after, key)
    ]

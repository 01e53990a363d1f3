"""Milestones are validated: quarter order, monotone toward the final target, before it is due
(lifecycle.md, "Milestones"); each error at the milestone's own line."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import CHARTER, jw, write_repo

TODAY = "2026-11-29"
KPI_END = "    amber_within: 5\n    due: 2027-03-31\n"  # the end of the KPI in CHARTER


def _charter(milestones: str, direction: str = "higher", target: int = 80) -> str:
    text = CHARTER.replace(KPI_END, KPI_END + milestones, 1)
    text = text.replace("direction: higher", f"direction: {direction}", 1)
    return text.replace("target: 80", f"target: {target}", 1)


def _line_of(text: str, needle: str) -> int:
    return text.splitlines().index(needle) + 1


def _run(root: Path) -> tuple[int, list[str]]:
    result = jw("-C", str(root), "--today", TODAY, "validate")
    return result.exit_code, [x for x in result.stdout.splitlines() if "milestone" in x]


def test_a_good_glide_path_passes(tmp_path: Path) -> None:
    text = _charter(
        "    milestones:\n"
        "      - {by: 2025-Q4, target: 70}\n"
        "      - {by: 2026-Q2, target: 75}\n"
        "      - {by: 2026-Q3, target: 75}\n"
    )
    code, lines = _run(write_repo(tmp_path, {"charter.yaml": text}))
    assert (code, lines) == (0, [])


def test_order_direction_and_due_are_errors_at_each_milestone(tmp_path: Path) -> None:
    text = _charter(
        "    milestones:\n"
        "      - by: 2026-Q1\n"
        "        target: 70\n"
        "      - by: 2025-Q4\n"  # not after 2026-Q1
        "        target: 65\n"  # below the previous milestone: not toward 80
        "      - by: 2026-Q4\n"  # the KPI is due 2027-03-31: fiscal 2026-Q4, not before it
        "        target: 85\n"  # beyond the final target
    )
    code, lines = _run(write_repo(tmp_path, {"charter.yaml": text}))
    assert code == 1
    by_2025 = _line_of(text, "      - by: 2025-Q4")
    target_65 = _line_of(text, "        target: 65")
    by_2026q4 = _line_of(text, "      - by: 2026-Q4")
    target_85 = _line_of(text, "        target: 85")
    # col 13: after "      - by: "; col 17: after "        target: "
    assert any(
        x.startswith(f"charter.yaml:{by_2025}:13: error:") and "not after" in x for x in lines
    )
    assert any(
        x.startswith(f"charter.yaml:{target_65}:17: error:")
        and "not between the previous milestone (70) and the final target 80" in x
        for x in lines
    ), lines
    assert any(
        x.startswith(f"charter.yaml:{target_85}:17: error:") and "final target 80" in x
        for x in lines
    ), lines
    assert any(
        x.startswith(f"charter.yaml:{by_2026q4}:13: error:") and "before 2026-Q4" in x
        for x in lines
    ), lines
    assert len(lines) == 4, lines


def test_a_lower_is_better_kpi_glides_down(tmp_path: Path) -> None:
    text = _charter(
        "    milestones:\n"
        "      - {by: 2025-Q4, target: 30}\n"
        "      - {by: 2026-Q2, target: 35}\n",  # rising again: away from the target
        direction="lower",
        target=20,
    )
    code, lines = _run(write_repo(tmp_path, {"charter.yaml": text}))
    assert code == 1
    assert len(lines) == 1 and "previous milestone (30) and the final target 20" in lines[0]


def test_savings_milestones_rise_to_the_rate_before_its_by(tmp_path: Path) -> None:
    baselines = """\
        savings_targets:
          - service: helpdesk
            rate: 0.15
            by: 2027-03-31
            milestones:
              - {by: 2025-Q4, rate: 0.05}
              - {by: 2026-Q2, rate: 0.2}
              - {by: 2026-Q4, rate: 0.15}
    """
    root = write_repo(tmp_path, {"baselines.yaml": baselines})
    result = jw("-C", str(root), "--today", TODAY, "validate")
    assert result.exit_code == 1
    lines = [x for x in result.stdout.splitlines() if "milestone" in x]
    # line 7: the 0.2 milestone (above the final 0.15); line 8: 2026-Q4 is the quarter of `by`
    # (0.15 on line 8 is judged against 0.05, the last good milestone: no second error)
    assert any(x.startswith("baselines.yaml:7:") and "final rate 0.15" in x for x in lines), lines
    assert any(x.startswith("baselines.yaml:8:") and "before 2026-Q4" in x for x in lines), lines
    assert len(lines) == 2, lines

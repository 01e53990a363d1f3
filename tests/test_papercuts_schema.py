"""`jw schema` says no where jw says no: every error case of the quality suite that a JSON Schema
can see, and the rules issue 12 item 9 lists, fed to both jw and jsonschema (they must agree)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import tests.test_quality_cases as q
from jwcli.checks.validate import validate
from jwcli.load.repo import load_repo
from jwcli.load.yamlsafe import YamlProblem, parse
from jwcli.write.schemas import schemas

SCHEMAS = schemas()
KIND_OF_FILE = {"charter.yaml": "charter", "baselines.yaml": "baselines"}


def _params(test: Any) -> list[tuple[Any, ...]]:
    """The parameter rows of one of the quality suite's parametrized tests."""
    (mark,) = [m for m in test.pytestmark if m.name == "parametrize"]
    return [row if isinstance(row, tuple) else (row,) for row in mark.args[1]]


Case = tuple[str, str, str]  # file, its text, an id for the report


def _cases() -> Iterator[tuple[Case, bool]]:
    """(case, jw must refuse it) for every quality case a schema can see (one file's content)."""
    rec, lesson, charter = q.REC, q.LESSON, q.CHARTER
    for file, old, new, *_ in _params(q.test_case1_unknown_or_misspelt_key_at_the_key):
        base = charter if file == "charter.yaml" else lesson
        yield (file, base.replace(old, new), f"case1-unknown-key-{new.strip()}"), True
    yield ("charter.yaml", charter.replace("    role: client\n", ""), "case1-missing-role"), True
    commitment = "kind: commitment\ndate: 2026-05-12\nparty: acme\nsummary: Patch it.\n"
    yield ("records/2026-05-12-promise.yaml", commitment, "case1-missing-due"), True
    for line3, *_ in _params(q.test_case1_wrong_type_or_null_for_a_required_field):
        yield (rec, lesson.replace("party: acme", line3), f"case1-type-{line3}"), True
    yield ("charter.yaml", charter.replace("version: 1\n", "version: two\n"), "case1-int"), True
    yield (rec, lesson.replace("date: 2026-05-12", "date: 42"), "case1-date-number"), True
    for (word,) in _params(q.test_case2_norway_words_stay_text):
        text = lesson.replace("summary: Patch on Tuesdays.", f"summary: {word}")
        yield (rec, text, f"case2-norway-{word}"), False
    for (word,) in _params(q.test_case2_yaml11_boolean_in_a_boolean_field_is_refused):
        text = charter.replace("require_signed_commits: false", f"require_signed_commits: {word}")
        yield ("charter.yaml", text, f"case2-bool-{word}"), True
    yield (
        (
            "charter.yaml",
            charter.replace("require_signed_commits: false", "require_signed_commits: true"),
            "case2-true",
        ),
        False,
    )
    saving = (
        "kind: saving\ndate: 2026-05-12\nservice: helpdesk\nparty: north\namount: 5000.00\n"
        "one_off: yes\nstage: agreed\nsummary: Licence consolidation.\n"
    )
    yield ("records/2026-05-12-saving.yaml", saving, "case2-one-off-yes"), True
    for written, _ in _params(q.test_case3_bad_dates):
        text = lesson.replace("date: 2026-05-12", f"date: {written}")
        yield (rec, text, f"case3-date-{written}"), True
    for amount, _ in _params(q.test_case4_bad_money):
        yield (
            ("records/2026-05-12-cost.yaml", q.COST.format(amount=amount), f"case4-{amount}"),
            True,
        )
    yield ("records/2026-05-12-cost.yaml", q.COST.format(amount="1200.50"), "case4-ok"), False
    for value, _ in _params(q.test_case4_a_number_written_as_text):
        path = "records/2026-07-02-ftf.yaml"
        yield (path, q.MEASUREMENT.format(value=value), f"case4-number-{value}"), True
    yield ("records/2026-07-02-ftf.yaml", q.MEASUREMENT.format(value="0123"), "case4-0123"), False
    for (text,) in _params(q.test_case5_a_record_that_is_not_a_mapping):
        yield (rec, text, f"case5-not-a-mapping-{text[:6]}"), True
    yield (
        (
            "charter.yaml",
            charter.replace(
                "  require_signed_commits: false\n", "  - require_signed_commits: false\n"
            ),
            "case5-list-for-mapping",
        ),
        True,
    )
    yield (
        (
            "charter.yaml",
            charter.replace("clients: [north]", "clients: {north: yes}"),
            "case5-mapping-for-list",
        ),
        True,
    )
    yield from _issue_cases()


def _issue_cases() -> Iterator[tuple[Case, bool]]:
    """The rules issue 12 found the schemas missing, each with the accepted side as a control."""
    b, c, rec = q.BASELINES, q.CHARTER, "records/2026-Q1/2026-05-12-x.yaml"
    target = "savings_targets:\n  - service: helpdesk\n    rate: {rate}\n    by: 2027-03-31\n"
    yield ("baselines.yaml", b.replace("tolerance: 0.10", "tolerance: -0.1"), "tol<0"), True
    yield ("baselines.yaml", b.replace("tolerance: 0.10", "tolerance: 0"), "tol=0"), False
    for rate, bad in (("0", True), ("1.5", True), ("1", False), ("0.2", False)):
        yield ("baselines.yaml", b + target.format(rate=rate), f"rate={rate}"), bad
    kpi_line = "    target: 80\n"
    for within, bad in (("-1", True), ("0", False), ("5", False)):
        text = c.replace(kpi_line, f"{kpi_line}    amber_within: {within}\n")
        yield ("charter.yaml", text, f"amber_within={within}"), bad
    below = "      below: 0.8\n"
    yield ("charter.yaml", c.replace(below, below + "      above: 0.9\n"), "both"), True
    yield ("charter.yaml", c.replace(below, ""), "neither"), True
    yield ("charter.yaml", c.replace(below, "      above: 0.9\n"), "above-only"), False
    yield ("charter.yaml", c.replace(below, below + "      above: null\n"), "above-null"), False
    update = (
        "kind: update\ndate: 2026-05-12\ncommitment: 2026-05-01-promise\nstatus: {status}\n"
        "summary: x\n"
    )
    promise = "records/2026-Q1/2026-05-01-promise.yaml"
    for status, new_due, bad in (
        ("delivered", "new_due: 2026-09-30\n", True),
        ("renegotiated", "new_due: 2026-09-30\n", False),
        ("renegotiated", "", True),
        ("delivered", "", False),
    ):
        text = update.format(status=status) + new_due
        yield (rec, text, f"update-{status}-{bool(new_due)}|{promise}"), bad
    idea = "kind: innovation\ndate: 2026-05-12\nparty: acme\nstatus: {status}\nsummary: x\n"
    yield (rec, idea.format(status="abandoned"), "abandoned-no-lessons"), True
    yield (rec, idea.format(status="abandoned") + "lessons: '  '\n", "abandoned-blank"), True
    text = idea.format(status="abandoned") + "lessons: Too dear.\n"
    yield (rec, text, "abandoned-lessons"), False
    yield (rec, idea.format(status="proposed"), "proposed"), False
    lesson = q.LESSON
    for link, bad in (
        ("/etc/passwd", True),
        ("~/notes.pdf", True),
        ("C:/x.pdf", True),
        ("http://example.org/x", True),
        ("ftp://example.org/x", True),
        ("docs/../../x.pdf", True),
        ("docs\\\\x.pdf", True),
        ("https://example.org/report.pdf", False),
        ("docs/report.pdf", False),
    ):
        yield (rec, lesson + f'attachments: ["{link}"]\n', f"attachment-{link}"), bad


COMMITMENT = "kind: commitment\ndate: 2026-05-01\nparty: acme\ndue: 2026-09-01\nsummary: y\n"


def _schema_says_no(file: str, text: str) -> bool:
    try:
        data, _ = parse(text)
    except YamlProblem:
        return True
    kind = KIND_OF_FILE.get(file, "record")
    validator = jsonschema.Draft202012Validator(
        SCHEMAS[kind], format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    return not validator.is_valid(_as_editor_sees(data))


def _as_editor_sees(value: Any) -> Any:
    """An editor reads numbers as floats; jw keeps them exact (Decimal)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _as_editor_sees(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_editor_sees(v) for v in value]
    return value


ALL = list(_cases())


@pytest.mark.parametrize(("case", "refused"), ALL, ids=[c[0][2] for c in ALL])
def test_jw_and_the_json_schema_agree(tmp_path: Path, case: Case, refused: bool) -> None:
    file, text, name = case
    files = {file: text}
    if "|" in name:  # an update needs its commitment in place to be judged on its own merits
        files[name.split("|")[1]] = COMMITMENT
    root = q.make_repo(tmp_path, files)
    (root / "docs").mkdir()
    (root / "docs/report.pdf").write_bytes(b"%PDF-1.4\n")
    rel = load_repo(root)
    found = [*rel.load_findings, *validate(rel, dt.date.fromisoformat(q.TODAY))]
    jw_errors = [f"{f.location()}: {f.message}" for f in found if f.is_error and f.path == file]
    assert bool(jw_errors) is refused, jw_errors
    assert _schema_says_no(file, text) is refused


def test_the_rules_are_kept_in_the_generated_schema() -> None:
    """Generated, not hand-written: the rules sit in the models' definitions as jw schema writes
    them, so fields other engineers add to the models still reach the schema."""
    budget = SCHEMAS["baselines"]["$defs"]["Budget"]["properties"]["tolerance"]
    assert budget["minimum"] == 0
    rate = SCHEMAS["baselines"]["$defs"]["SavingsTarget"]["properties"]["rate"]
    assert (rate["exclusiveMinimum"], rate["maximum"]) == (0, 1)
    assert "oneOf" in SCHEMAS["charter"]["$defs"]["Trigger"]

"""Messages in jw's words: `: ` inside a plain value, and out-of-range numbers (issue 12, 6)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import BASELINES, CHARTER, jw, write_repo

TODAY = "2026-06-20"


def _validate(tmp_path: Path, files: dict[str, str]) -> list[str]:
    root = write_repo(tmp_path / "rel", {"baselines.yaml": BASELINES, **files})
    result = jw("-C", str(root), "--today", TODAY, "validate")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    return [line for line in result.stdout.splitlines() if ": error: " in line]


def test_a_colon_in_a_plain_value_says_to_quote_it_where_the_value_starts(tmp_path: Path) -> None:
    charter = CHARTER.replace(
        "    business_objective: Medium-term financial plan line 4.2\n",
        "    business_objective: Plan 2026-30 priority 4: digital\n",
    )
    # `objectives:` is line 21 of tests.helpers.CHARTER, so business_objective is line 24;
    # `    business_objective: ` is 24 characters, so the value starts at column 25.
    assert charter.splitlines()[23].startswith("    business_objective: Plan")
    found = _validate(tmp_path, {"charter.yaml": charter})
    assert found == [
        "charter.yaml:24:25: error: YAML syntax: the value of `business_objective` contains "
        "`: `, which YAML reads as a new key; put the whole text in quotes: "
        'business_objective: "Plan 2026-30 priority 4: digital"'
    ]


def test_a_misindented_key_is_told_apart_from_text(tmp_path: Path) -> None:
    text = "kind: lesson\ndate: 2026-05-12\nparty: acme\nsummary: Patch on Tuesdays\n  notes: x\n"
    found = _validate(tmp_path, {"records/2026-Q1/2026-05-12-lesson.yaml": text})
    assert len(found) == 1
    assert found[0].startswith("records/2026-Q1/2026-05-12-lesson.yaml:5:")
    assert "fix its indentation" in found[0] and "put the whole text in quotes" in found[0]


@pytest.mark.parametrize(
    ("file", "old", "new", "words"),
    [
        ("baselines.yaml", "    tolerance: 0.10\n", "    tolerance: -0.1\n",
         "`tolerance` must be 0 or more; found `-0.1`"),
        ("baselines.yaml", "    rate: 0.2\n", "    rate: 0\n",
         "`rate` must be more than 0 and at most 1; found `0`"),
        ("baselines.yaml", "    rate: 0.2\n", "    rate: 1.5\n",
         "`rate` must be more than 0 and at most 1; found `1.5`"),
        ("charter.yaml", "    amber_within: 5\n", "    amber_within: -5\n",
         "`amber_within` must be 0 or more; found `-5`"),
        ("charter.yaml", "fiscal_year_start: 4\n", "fiscal_year_start: 13\n",
         "`fiscal_year_start` must be from 1 to 12; found `13`"),
        ("charter.yaml", "    - level: 2\n", "    - level: 0\n",
         "`level` must be 1 or more; found `0`"),
    ],
)  # fmt: skip
def test_out_of_range_numbers_name_the_field_and_the_range(
    tmp_path: Path, file: str, old: str, new: str, words: str
) -> None:
    text = {"charter.yaml": CHARTER, "baselines.yaml": BASELINES}[file]
    assert old in text
    found = _validate(tmp_path, {file: text.replace(old, new)})
    assert any(words in line for line in found), found
    assert not any("Input should" in line for line in found), found


def test_an_assessment_rating_out_of_range(tmp_path: Path) -> None:
    text = (
        "quarter: 2026-Q1\nassessor: north\ndate: 2026-06-15\n"
        "ratings:\n  acme:\n    innovation:\n      rating: 7\n"
    )
    found = _validate(tmp_path, {"assessments/2026-Q1/north.yaml": text})
    assert any(
        line.startswith("assessments/2026-Q1/north.yaml:7:")
        and "`rating` must be from 1 to 5; found `7`" in line
        for line in found
    ), found


def test_every_constraint_the_models_use_has_jws_own_words() -> None:
    """No Pydantic wording for any bound, length or pattern the models declare."""
    from decimal import Decimal

    from pydantic_core import ErrorDetails

    from jwcli.load.pydantic_errors import _message

    cases: list[tuple[str, dict[str, object], object]] = [
        ("greater_than_equal", {"ge": 0}, Decimal("-1")),
        ("greater_than", {"gt": 0}, Decimal(0)),
        ("less_than_equal", {"le": 5}, 6),
        ("less_than", {"lt": 1}, 1),
        ("too_short", {"min_length": 1, "actual_length": 0, "field_type": "List"}, []),
        ("too_long", {"max_length": 3, "actual_length": 4, "field_type": "List"}, [1, 2, 3, 4]),
        ("string_too_long", {"max_length": 3}, "abcd"),
        ("string_pattern_mismatch", {"pattern": "^[A-Z]{3}$"}, "gbp"),
        ("multiple_of", {"multiple_of": 0.01}, Decimal("0.001")),
        ("union_tag_invalid", {"discriminator": "'kind'", "tag": "lesosn",
                               "expected_tags": "'lesson', 'claim'"}, {}),
        ("union_tag_not_found", {"discriminator": "'kind'"}, {}),
    ]  # fmt: skip
    for kind, ctx, value in cases:
        error: ErrorDetails = {
            "type": kind,
            "loc": ("some_field",),
            "msg": "Input should be RAW",
            "input": value,
            "ctx": ctx,
        }
        message = _message(error)
        assert "RAW" not in message and "should" not in message, (kind, message)
    union = _message(
        {"type": "union_tag_invalid", "loc": (), "msg": "", "input": {},
         "ctx": {"discriminator": "'kind'", "tag": "lesosn", "expected_tags": "'lesson'"}}
    )  # fmt: skip
    assert union == "unknown kind `lesosn` (did you mean `lesson`?); expected one of 'lesson'"

"""`jw add`: quarter spellings, ids, did-you-mean, commitment completion (issue 12, 2 and 4)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from jwcli.completion import complete_commitments
from jwcli.load.yamlsafe import load_file
from tests.helpers import BASELINES, jw, rec, write_repo

TODAY = "2026-06-20"  # fiscal year from April: 2026-Q1 is April-June 2026, so last is 2025-Q4


def _repo(tmp_path: Path, extra: dict[str, str] | None = None) -> Path:
    files = {
        "baselines.yaml": BASELINES,
        "records/2026-Q1/2026-05-12-patching.yaml": rec(
            "commitment", "2026-05-12", party="acme", due="2026-06-30", summary="Patch it"
        ),
        **(extra or {}),
    }
    return write_repo(tmp_path / "rel", files)


def _add(root: Path, *args: str):  # type: ignore[no-untyped-def]
    return jw("-C", str(root), "--today", TODAY, "add", *args, "--no-commit")


@pytest.mark.parametrize(
    ("spelling", "label"),
    [
        ("2025-Q3", "2025-Q3"),
        ("2025Q3", "2025-Q3"),
        ("2025 q3", "2025-Q3"),
        ("Q3-2025", "2025-Q3"),
        ("q3 2025", "2025-Q3"),
        ("last", "2025-Q4"),
        ("current", "2026-Q1"),
    ],
)
def test_period_takes_every_quarter_spelling(tmp_path: Path, spelling: str, label: str) -> None:
    root = _repo(tmp_path)
    result = _add(
        root, "cost", "--service", "helpdesk", "--party", "north", "--period", spelling,
        "--amount", "1200.50", "--summary", "Licences",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert load_file(root / result.stdout.strip())[0]["period"] == label


def test_a_period_that_is_no_quarter_is_still_refused(tmp_path: Path) -> None:
    result = _add(
        _repo(tmp_path), "cost", "--service", "helpdesk", "--party", "north",
        "--period", "2025-Q5", "--amount", "1", "--summary", "x",
    )  # fmt: skip
    assert result.exit_code == 2
    assert "period" in result.stderr


@pytest.mark.parametrize(
    ("summary", "expected"),
    [
        # six words would end "-onto-the": the stop words go, the meaning stays
        ("Move the helpdesk rota onto the new platform", "move-the-helpdesk-rota"),
        ("Agree the budget for the", "agree-the-budget"),
        ("The", "the"),  # nothing but a stop word: kept rather than left empty
    ],
)
def test_ids_end_at_a_word_that_is_not_a_stop_word(
    tmp_path: Path, summary: str, expected: str
) -> None:
    root = _repo(tmp_path)
    result = _add(root, "lesson", "--party", "north", "--summary", summary)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"records/2026-Q1/{TODAY}-{expected}.yaml"


def test_a_generated_id_that_exists_gets_a_number(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    paths = []
    for _ in range(3):
        result = _add(root, "lesson", "--party", "north", "--summary", "Book rooms early")
        assert result.exit_code == 0, result.output
        paths.append(result.stdout.strip())
    base = f"records/2026-Q1/{TODAY}-book-rooms-early"
    assert paths == [f"{base}.yaml", f"{base}-2.yaml", f"{base}-3.yaml"]
    # an id chosen with --id is the person's choice: it is refused, never renumbered
    result = _add(
        root, "lesson", "--party", "north", "--summary", "x", "--id", "book-rooms-early-2"
    )
    assert result.exit_code == 1
    assert "already exists" in result.stderr


def test_a_numbered_id_still_fits_in_80_characters(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    word = "x" * 34
    # 2026-06-20- (11) + 34 + 1 + 34 = 80: the first id fits; `-2` would make 82, so the
    # second word goes and the id is 2026-06-20-xxx...-2 (11 + 34 + 2 = 47)
    first = _add(root, "lesson", "--party", "north", "--summary", f"{word} {word}")
    second = _add(root, "lesson", "--party", "north", "--summary", f"{word} {word}")
    assert Path(first.stdout.strip()).stem == f"{TODAY}-{word}-{word}"
    assert Path(second.stdout.strip()).stem == f"{TODAY}-{word}-2"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["lesson", "--party", "nrth", "--summary", "x"],
         "unknown party `nrth` (did you mean `north`?)"),
        (["measurement", "--kpi", "first-time-fx", "--period", "last", "--value", "1",
          "--summary", "x"], "(did you mean `first-time-fix`?)"),
        (["lesson", "--party", "north", "--services", "helpdsk", "--summary", "x"],
         "(did you mean `helpdesk`?)"),
        (["update", "--commitment", "2026-05-12-patchin", "--status", "delivered"],
         "(did you mean `2026-05-12-patching`?)"),
        (["observation", "--party", "acme", "--behaviours", "inovation", "--effect",
          "positive", "--summary", "x"], "(did you mean `innovation`?)"),
    ],
)  # fmt: skip
def test_a_misspelt_id_suggests_the_nearest(tmp_path: Path, args: list[str], words: str) -> None:
    result = _add(_repo(tmp_path), *args)
    assert result.exit_code == 2, result.output
    assert words in result.stderr


def test_validate_suggests_the_nearest_party(tmp_path: Path) -> None:
    root = _repo(
        tmp_path, {"records/2026-Q1/2026-05-01-x.yaml": rec("lesson", "2026-05-01", party="sooth")}
    )
    result = jw("-C", str(root), "--today", TODAY, "validate")
    assert result.exit_code == 1
    assert "unknown party `sooth` (did you mean `south`?)" in result.stdout


def test_score_suggests_the_nearest_party(tmp_path: Path) -> None:
    result = jw("-C", str(_repo(tmp_path)), "--today", TODAY, "score", "--party", "akme")
    assert result.exit_code == 2
    assert "(did you mean `acme`?)" in result.stderr


def test_commitment_ids_are_completed_newest_first_with_their_summary(tmp_path: Path) -> None:
    root = _repo(
        tmp_path,
        {
            "records/2026-Q1/2026-06-01-rota.yaml": "kind: commitment\ndate: 2026-06-01\n"
            "party: north\ndue: 2026-07-01\nsummary: Share the rota\n",
            "records/2026-Q1/2026-06-02-lesson.yaml": rec("lesson", "2026-06-02", party="north"),
        },
    )
    ctx = SimpleNamespace(parent=SimpleNamespace(parent=None, params={"repo": str(root)}))
    assert complete_commitments(ctx, "") == [
        ("2026-06-01-rota", "Share the rota"),
        ("2026-05-12-patching", ""),  # JSON flow style: no `summary:` line to show
    ]
    assert complete_commitments(ctx, "2026-05") == [("2026-05-12-patching", "")]
    done = subprocess.run(
        [str(Path(sys.executable).parent / "jw")],
        env={
            **os.environ,
            "_JW_COMPLETE": "complete_bash",
            "COMP_WORDS": f"jw add update -C {root} --commitment 2026-06",
            "COMP_CWORD": "6",
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.stdout.split() == ["2026-06-01-rota"], done.stderr

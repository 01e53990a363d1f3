"""The cases every release must handle (shared/spec/quality.md, cases 1-11 and 14).

Each case runs `jw validate` on a small repository and checks four things: the exit code (1 for
data errors, 0 where the input must be accepted), the exact `path:line:col` of the finding
(worked out by hand from the text written here: lines and columns are 1-based, the column of a
value is the column of its first character, quote included), a distinctive part of the message,
and that no file was changed. Cases 12, 13 and 15 (jw add, git, jw audit) live with those
commands' tests.
"""

from __future__ import annotations

import json
import os
import stat
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from jwcli.load.repo import load_repo
from jwcli.load.yamlsafe import MAX_BYTES, YamlProblem, parse
from jwcli.model.records import RECORD_KINDS
from tests.helpers import AGREEMENT, AGREEMENT_PATH, jw, snapshot, write_repo

TODAY = "2026-11-29"

# Line numbers are written down because the tests below count on them.
CHARTER = """\
relationship: Quality Test Alliance
version: 1
effective: 2025-04-01
currency: GBP
parties:
  - id: north
    name: North District Council
    role: client
  - id: acme
    name: Acme Managed Services Ltd
    role: supplier
services:
  - id: helpdesk
    name: ICT service desk
    provider: acme
    clients: [north]
objectives:
  - id: cut-cost
    statement: Reduce the cost of ICT support by 15%
    business_objective: Financial plan line 4.2
    owner: north
    due: 2027-03-31
kpis:
  - id: first-time-fix
    name: First-time fix rate
    objective: cut-cost
    owner: acme
    unit: percent
    direction: higher
    baseline: 64
    target: 80
    due: 2027-03-31
governance:
  require_signed_commits: false
escalation:
  levels:
    - level: 1
      name: Cup of coffee conversation
      respond_within_days: 14
      action: Informal one-to-one.
  triggers:
    - id: slipping-commitments
      metric: on-time-rate
      below: 0.8
      level: 1
"""
# line  5 parties:            line  6 `  - id: north`       line  8 `    role: client`
# line 15 `    provider: acme` line 26 `    objective: cut-cost`
# line 34 `  require_signed_commits: false`                 line 45 `      level: 1`

BASELINES = """\
budgets:
  - project: dc-migration
    service: helpdesk
    owner: acme
    budget: 100000.00
    tolerance: 0.10
    start: 2025-06-01
    end: 2026-09-30
"""

# A record that raises no finding of its own: the control in every test that changes one thing.
LESSON = """\
kind: lesson
date: 2026-05-12
party: acme
summary: Patch on Tuesdays.
"""
REC = "records/2026-Q2/2026-05-12-lesson.yaml"


def make_repo(tmp_path: Path, files: dict[str, str | bytes] | None = None) -> Path:
    """A clean repository (charter, baselines, one lesson) with `files` added or replaced."""
    base: dict[str, str | bytes] = {
        "charter.yaml": CHARTER,
        "baselines.yaml": BASELINES,
        REC: LESSON,
        # its calendar-year charter files 2025-04-01 under 2025-Q2
        AGREEMENT_PATH.replace("2025-Q1", "2025-Q2"): AGREEMENT.replace(
            "north, south, acme", "north, acme"
        ),
    }
    base.update(files or {})
    return write_repo(tmp_path / "repo", base, charter=False)


def validate(root: Path, fmt: str = "text", snap: Callable[[Path], Any] = snapshot) -> Any:
    """Run `jw validate` and check the promises every case shares: no traceback, nothing written."""
    before = snap(root)
    result = jw("-C", str(root), "--today", TODAY, "validate", "--format", fmt)
    assert snap(root) == before, "jw validate changed, added or removed a file"
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    assert "internal error" not in result.stderr, result.stderr
    return result


def snapshot_without_reading_specials(root: Path) -> dict[str, object]:
    """Like helpers.snapshot, but a FIFO or symlink is recorded by what it is, never opened."""
    found: dict[str, object] = {}
    for folder, dirs, names in os.walk(root):
        for name in names + [d for d in dirs if (Path(folder) / d).is_symlink()]:
            path = Path(folder) / name
            rel = path.relative_to(root).as_posix()
            if path.is_symlink():
                found[rel] = ("symlink", os.readlink(path))
            elif path.is_file():
                found[rel] = path.read_bytes()
            else:
                found[rel] = ("special", stat.S_IFMT(path.lstat().st_mode))
    return found


def errors(result: Any) -> list[str]:
    return [line for line in result.stdout.splitlines() if ": error: " in line]


def assert_only_error(result: Any, location: str, *fragments: str) -> str:
    """Exit 1 with exactly one error, at `location`, whose message holds every fragment."""
    found = errors(result)
    assert result.exit_code == 1, result.stdout + result.stderr
    assert len(found) == 1, result.stdout
    line = found[0]
    assert line.startswith(f"{location}: error: "), line
    for fragment in fragments:
        assert fragment in line, line
    return line


def assert_error(result: Any, location: str, *fragments: str) -> None:
    """Exit 1 and, among possibly several errors, one at `location` holding every fragment."""
    assert result.exit_code == 1, result.stdout + result.stderr
    here = [line for line in errors(result) if line.startswith(f"{location}: error: ")]
    assert any(all(f in line for f in fragments) for line in here), result.stdout


def assert_clean(result: Any) -> None:
    assert result.exit_code == 0, result.stdout + result.stderr
    assert errors(result) == [], result.stdout


def test_the_base_repository_is_clean(tmp_path: Path) -> None:
    """Every other test changes one thing in this repository, so it must start without findings."""
    result = validate(make_repo(tmp_path))
    assert_clean(result)
    assert result.stdout == ""
    assert "4 files checked: 0 errors, 0 warnings" in result.stderr


# --- 1. duplicate keys, unknown keys, missing fields, wrong types ----------------------------


def test_case1_duplicate_key_names_both_lines(tmp_path: Path) -> None:
    text = LESSON + "party: north\n"  # `party` at line 3, again at line 5
    result = validate(make_repo(tmp_path, {REC: text}))
    assert_only_error(result, f"{REC}:5:1", "duplicate key `party`", "line 3", "line 5")


def test_case1_duplicate_key_in_a_nested_mapping(tmp_path: Path) -> None:
    # A second `name` after line 7 becomes line 8, indented 4: column 5.
    charter = CHARTER.replace(
        "    name: North District Council\n",
        "    name: North District Council\n    name: North Council\n",
    )
    result = validate(make_repo(tmp_path, {"charter.yaml": charter}))
    assert_only_error(result, "charter.yaml:8:5", "duplicate key `name`", "line 7", "line 8")


@pytest.mark.parametrize(
    ("file", "old", "new", "location", "message"),
    [
        # a misspelt optional key on a record: line 5, at the key (column 1)
        (REC, LESSON, LESSON + "evidnce: []\n", "5:1", "unknown field `evidnce`"),
        # misspelt inside governance (line 34, indented 2: the key is at column 3)
        (
            "charter.yaml",
            "  require_signed_commits: false\n",
            "  require_signed_commit: false\n",
            "34:3",
            "unknown field `require_signed_commit`",
        ),
    ],
    ids=["record", "nested"],
)
def test_case1_unknown_or_misspelt_key_at_the_key(
    tmp_path: Path, file: str, old: str, new: str, location: str, message: str
) -> None:
    base = CHARTER if file == "charter.yaml" else LESSON
    result = validate(make_repo(tmp_path, {file: base.replace(old, new)}))
    line = assert_only_error(result, f"{file}:{location}", message)
    assert "did you mean" in line  # both are one letter away from a real field


def test_case1_missing_field_at_the_parent(tmp_path: Path) -> None:
    commitment = "kind: commitment\ndate: 2026-05-12\nparty: acme\nsummary: Patch it.\n"
    # The party at line 6 (`  - id: north`, its mapping starts at column 5) loses `role`.
    charter = CHARTER.replace("    role: client\n", "")
    result = validate(
        make_repo(
            tmp_path, {"records/2026-05-12-promise.yaml": commitment, "charter.yaml": charter}
        )
    )
    # A record missing `due`: its parent is the whole document, at 1:1.
    assert_error(result, "records/2026-05-12-promise.yaml:1:1", "missing required field `due`")
    assert_error(result, "charter.yaml:6:5", "missing required field `role`")
    assert len(errors(result)) == 2


@pytest.mark.parametrize(
    ("line3", "col", "message"),
    [
        ("party:", 7, "found nothing"),  # null: the empty value sits just after `party:`
        ("party:   # who?", 7, "found nothing"),
        ("party: 42", 8, "found a number"),
        ("party: [acme]", 8, "found a list"),
        ("party: {id: acme}", 8, "found a mapping"),
        ("party: true", 8, "found true/false"),
    ],
    ids=["null", "null-with-comment", "number", "list", "mapping", "boolean"],
)
def test_case1_wrong_type_or_null_for_a_required_field(
    tmp_path: Path, line3: str, col: int, message: str
) -> None:
    text = LESSON.replace("party: acme", line3)
    result = validate(make_repo(tmp_path, {REC: text}))
    assert_only_error(result, f"{REC}:3:{col}", message)


def test_case1_wrong_type_for_a_date_and_a_whole_number(tmp_path: Path) -> None:
    charter = CHARTER.replace("version: 1\n", "version: two\n")  # line 2, value at column 10
    text = LESSON.replace("date: 2026-05-12", "date: 42")  # line 2, value at column 7
    result = validate(make_repo(tmp_path, {"charter.yaml": charter, REC: text}))
    assert_error(result, "charter.yaml:2:10", "expected a whole number", "`two`")
    assert_error(result, f"{REC}:2:7", "expected a date written YYYY-MM-DD, found a number")


# --- 2. YAML 1.1 booleans: text stays text; `yes` is not a boolean ---------------------------


@pytest.mark.parametrize("word", ["no", "NO", "No", "on", "off", "yes", "y", "n", "Off"])
def test_case2_norway_words_stay_text(tmp_path: Path, word: str) -> None:
    charter = CHARTER.replace("    name: North District Council\n", f"    name: {word}\n")
    text = LESSON.replace("summary: Patch on Tuesdays.", f"summary: {word}")
    root = make_repo(tmp_path, {"charter.yaml": charter, REC: text})
    assert_clean(validate(root))
    rel = load_repo(root)
    assert rel.charter is not None
    assert rel.charter.parties[0].name == word
    assert rel.records["2026-05-12-lesson"].record.summary == word


@pytest.mark.parametrize("word", ["yes", "no", "on", "off", "Yes", "y"])
def test_case2_yaml11_boolean_in_a_boolean_field_is_refused(tmp_path: Path, word: str) -> None:
    # `  require_signed_commits: ` is 2 + 22 + 2 = 26 characters: the value is at line 34, col 27.
    charter = CHARTER.replace("require_signed_commits: false", f"require_signed_commits: {word}")
    result = validate(make_repo(tmp_path, {"charter.yaml": charter}))
    assert_only_error(result, "charter.yaml:34:27", f"`{word}` is not a boolean", "true or false")


def test_case2_yes_for_a_saving_one_off_is_refused(tmp_path: Path) -> None:
    saving = (
        "kind: saving\n"
        "date: 2026-05-12\n"
        "service: helpdesk\n"
        "party: north\n"
        "amount: 5000.00\n"
        "one_off: yes\n"  # line 6, `one_off: ` is 9 characters: column 10
        "stage: agreed\n"
        "summary: Licence consolidation.\n"
    )
    result = validate(make_repo(tmp_path, {"records/2026-05-12-saving.yaml": saving}))
    assert_only_error(
        result, "records/2026-05-12-saving.yaml:6:10", "`yes` is not a boolean", "true or false"
    )


def test_case2_true_and_false_are_booleans(tmp_path: Path) -> None:
    charter = CHARTER.replace("require_signed_commits: false", "require_signed_commits: true")
    root = make_repo(tmp_path, {"charter.yaml": charter})
    assert_clean(validate(root))
    rel = load_repo(root)
    assert rel.charter is not None and rel.charter.governance.require_signed_commits is True


# --- 3. impossible or malformed dates --------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("2026-02-30", "`2026-02-30` is not a real calendar date"),
        ("2026-13-45", "`2026-13-45` is not a real calendar date"),
        ("2026-1-1", "`2026-1-1` is not a date: write it YYYY-MM-DD"),
        ("01/02/2026", "`01/02/2026` is not a date: write it YYYY-MM-DD"),
        ("2026-05-12T09:00", "`2026-05-12T09:00` is not a date"),
        ("12 May 2026", "`12 May 2026` is not a date"),
        # Pydantic's lax mode would read 0 as 1970-01-01.
        ("0", "expected a date written YYYY-MM-DD, found a number"),
    ],
)
def test_case3_bad_dates(tmp_path: Path, written: str, message: str) -> None:
    text = LESSON.replace("date: 2026-05-12", f"date: {written}")  # line 2, value at column 7
    result = validate(make_repo(tmp_path, {REC: text}))
    assert_only_error(result, f"{REC}:2:7", message)


# --- 4. money and numbers --------------------------------------------------------------------

COST = """\
kind: cost
date: 2026-05-12
service: helpdesk
party: north
period: 2026-Q1
amount: {amount}
summary: Licences.
"""  # `amount` is line 6; `amount: ` is 8 characters, so the value is at column 9


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("1,200.50", "`1,200.50` is not an amount"),
        ("€12", "`€12` is not an amount"),
        ("12 GBP", "`12 GBP` is not an amount"),
        ("1e3", "`1e3` is not an amount"),
        ("1.2E+3", "`1.2E+3` is not an amount"),
        (".inf", "`.inf` is not an amount"),
        ("-.inf", "`-.inf` is not an amount"),
        (".nan", "`.nan` is not an amount"),
        ("12.345", "`12.345` has more than 2 decimal places"),
        ("0.001", "`0.001` has more than 2 decimal places"),
        ('"1200.50"', "`1200.50` is not an amount"),  # a number written as (quoted) text
        ("true", "expected a number, found true/false"),
    ],
)
def test_case4_bad_money(tmp_path: Path, amount: str, message: str) -> None:
    path = "records/2026-05-12-cost.yaml"
    result = validate(make_repo(tmp_path, {path: COST.format(amount=amount)}))
    assert_only_error(result, f"{path}:6:9", message)


MEASUREMENT = """\
kind: measurement
date: 2026-07-02
kpi: first-time-fix
period: 2026-Q2
value: {value}
summary: Quarter two actual.
"""  # `value` is line 5; `value: ` is 7 characters, so the value is at column 8


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("'82.5'", "`82.5` is not a number"),
        ("eighty", "`eighty` is not a number"),
        ("82.5%", "`82.5%` is not a number"),
        ("1e3", "`1e3` is not a number"),
        (".inf", "`.inf` is not a number"),
        ("0x1F", "`0x1F` is not a number"),
    ],
)
def test_case4_a_number_written_as_text(tmp_path: Path, value: str, message: str) -> None:
    path = "records/2026-07-02-ftf.yaml"
    result = validate(make_repo(tmp_path, {path: MEASUREMENT.format(value=value)}))
    assert_only_error(result, f"{path}:5:8", message)


def test_case4_money_is_kept_exact(tmp_path: Path) -> None:
    """Through float, 12345678901234567.89 would become 12345678901234568."""
    path = "records/2026-05-12-cost.yaml"
    root = make_repo(tmp_path, {path: COST.format(amount="12345678901234567.89")})
    assert_clean(validate(root))
    record = load_repo(root).records["2026-05-12-cost"].record
    assert record.amount == Decimal("12345678901234567.89")  # type: ignore[union-attr]
    assert str(record.amount) == "12345678901234567.89"  # type: ignore[union-attr]


def test_case4_leading_zero_is_not_octal(tmp_path: Path) -> None:
    """YAML 1.1 reads 0123 as 83; YAML 1.2 core as 123."""
    path = "records/2026-07-02-ftf.yaml"
    root = make_repo(tmp_path, {path: MEASUREMENT.format(value="0123")})
    assert_clean(validate(root))
    record = load_repo(root).records["2026-07-02-ftf"].record
    assert record.value == Decimal(123)  # type: ignore[union-attr]


# --- 5. empty files, several documents, a list where a mapping belongs ----------------------


@pytest.mark.parametrize(
    "content",
    [b"", b"\n\n", b"# nothing here yet\n# still nothing\n", b"\xef\xbb\xbf"],
    ids=["empty", "blank-lines", "comments-only", "bom-only"],
)
def test_case5_empty_or_comment_only_record(tmp_path: Path, content: bytes) -> None:
    result = validate(make_repo(tmp_path, {REC: content}))
    assert_only_error(result, f"{REC}:1:1", "file is empty (or holds only comments)")


def test_case5_empty_charter(tmp_path: Path) -> None:
    result = validate(make_repo(tmp_path, {"charter.yaml": "# to be written\n"}))
    assert_only_error(result, "charter.yaml:1:1", "file is empty")


def test_case5_several_documents_in_one_file(tmp_path: Path) -> None:
    text = LESSON + "---\n" + LESSON  # the second `---` is line 5
    result = validate(make_repo(tmp_path, {REC: text}))
    assert_only_error(result, f"{REC}:5:1", "a second document starts here (`---`)")


def test_case5_several_documents_with_explicit_start(tmp_path: Path) -> None:
    text = "---\n" + LESSON + "...\n---\nkind: lesson\n"  # the second `---` is line 7
    result = validate(make_repo(tmp_path, {REC: text}))
    assert_only_error(result, f"{REC}:7:1", "a second document starts here")


@pytest.mark.parametrize(
    "text",
    ["- kind: lesson\n- date: 2026-05-12\n", "Patch on Tuesdays.\n", "42\n"],
    ids=["list", "text", "number"],
)
def test_case5_a_record_that_is_not_a_mapping(tmp_path: Path, text: str) -> None:
    result = validate(make_repo(tmp_path, {REC: text}))
    assert_only_error(result, f"{REC}:1:1", "a record must be a mapping")


def test_case5_a_list_where_a_mapping_belongs(tmp_path: Path) -> None:
    # `governance:` (line 33) followed by a list item at line 34, column 3.
    charter = CHARTER.replace(
        "  require_signed_commits: false\n", "  - require_signed_commits: false\n"
    )
    result = validate(make_repo(tmp_path, {"charter.yaml": charter}))
    assert_only_error(result, "charter.yaml:34:3", "expected a mapping", "found a list")


def test_case5_a_mapping_where_a_list_belongs(tmp_path: Path) -> None:
    # `clients: [north]` at line 16 becomes `clients: {north: yes}`; the value is at column 14.
    charter = CHARTER.replace("clients: [north]", "clients: {north: yes}")
    result = validate(make_repo(tmp_path, {"charter.yaml": charter}))
    assert_only_error(result, "charter.yaml:16:14", "expected a list", "found a mapping")


# --- 6. anchors, aliases, merge keys, alias bombs, tags --------------------------------------


@pytest.mark.parametrize(
    ("text", "location", "message"),
    [
        (LESSON.replace("party: acme", "party: &who acme"), "3:8", "anchor `&who` is not allowed"),
        (LESSON.replace("party: acme", "party: *who"), "3:8", "alias `*who` is not allowed"),
        (LESSON + "<<: {notes: shared}\n", "5:1", "merge key `<<` is not allowed"),
        (LESSON.replace("date: 2026-05-12", "date: !!str 2026-05-12"), "2:7", "tag `!!str`"),
        (LESSON.replace("party: acme", "party: !custom acme"), "3:8", "tag `!custom`"),
        (
            LESSON + "notes: !!python/object/apply:os.system ['touch pwned']\n",
            "5:8",
            "tag `!!python/object/apply:os.system` is not allowed",
        ),
        (LESSON + "tags: !!set {a, b}\n", "5:7", "tag `!!set`"),
    ],
    ids=["anchor", "alias", "merge-key", "str-tag", "local-tag", "python-tag", "set-tag"],
)
def test_case6_anchors_aliases_merge_keys_and_tags(
    tmp_path: Path, text: str, location: str, message: str
) -> None:
    root = make_repo(tmp_path, {REC: text})
    result = validate(root)
    assert_only_error(result, f"{REC}:{location}", message)
    assert not (root / "pwned").exists()


def billion_laughs(levels: int = 9) -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels):
        prev, name = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_case6_alias_bomb_is_refused_in_milliseconds(tmp_path: Path) -> None:
    """9 levels of 9 aliases expand to 9**9 (387 million) strings if anything follows them."""
    bomb = billion_laughs()
    assert len(bomb) < 1000
    root = make_repo(tmp_path, {REC: bomb})
    started = time.perf_counter()
    result = validate(root)
    elapsed = time.perf_counter() - started
    # Refused at its first anchor: `a: &a` puts the anchor at line 1, column 4.
    assert_only_error(result, f"{REC}:1:4", "anchor `&a` is not allowed")
    # The spec asks for milliseconds; one second is a loose bound for a slow test machine.
    assert elapsed < 1.0


def test_case6_alias_bomb_refused_by_the_loader_itself() -> None:
    started = time.perf_counter()
    with pytest.raises(YamlProblem) as caught:
        parse(billion_laughs())
    assert time.perf_counter() - started < 0.1
    assert (caught.value.line, caught.value.col, caught.value.rule) == (1, 4, "yaml-anchor")


# --- 7. encodings, control characters, tabs, unterminated quotes; CRLF and BOM accepted ------

LESSON_CAFE = LESSON.replace("Patch on Tuesdays.", "Met at the café.")
# line 4 is `summary: Met at the café.`: `summary: ` is 9 characters and `Met at the caf` 14, so
# `é` is column 24.


@pytest.mark.parametrize(
    ("content", "location", "message"),
    [
        (LESSON_CAFE.encode("latin-1"), "4:24", "byte 0xe9 is not valid UTF-8"),
        (LESSON_CAFE.encode("cp1252"), "4:24", "may be Latin-1 or Windows-1252"),
        (LESSON_CAFE.encode("utf-16"), "1:1", "UTF-16"),  # with a byte-order mark
        (LESSON_CAFE.encode("utf-32"), "1:1", "UTF-16 (or UTF-32)"),
        # Without a BOM, `k\0i\0...`: the first NUL is the second byte of line 1.
        (LESSON_CAFE.encode("utf-16-le"), "1:2", "NUL byte (the file may be UTF-16"),
        (LESSON_CAFE.encode("utf-16-be"), "1:1", "NUL byte (the file may be UTF-16"),
        # `summary: Pat` is 12 characters: the inserted character is column 13 of line 4.
        (LESSON.replace("Patch", "Pat\x00ch").encode(), "4:13", "a NUL byte"),
        (LESSON.replace("Patch", "Pat\x07ch").encode(), "4:13", "control character U+0007"),
        (LESSON.replace("Patch", "Pat\x1b[2Jch").encode(), "4:13", "control character U+001B"),
        (LESSON.replace("Patch", "Pat\x7fch").encode(), "4:13", "control character U+007F"),
        # Line breaks to libyaml (YAML 1.1), not to editors: they would shift every line after.
        (LESSON.replace("Patch", "Pat\u0085ch").encode(), "4:13", "line separator U+0085"),
        (LESSON.replace("Patch", "Pat\u2028ch").encode(), "4:13", "line separator U+2028"),
        # In a comment, U+2029 would turn `party: north` into data: `# see ` is 6 characters.
        (
            (LESSON + "# see\u2029party: north\n").encode(),
            "5:6",
            "line separator U+2029",
        ),
        # A byte-order mark past the start of the file: invisible, so refused where it is.
        (
            LESSON.replace("Patch", "Pat\ufeffch").encode(),
            "4:13",
            "byte-order mark (U+FEFF, invisible) inside the file",
        ),
        # Written as an escape in double quotes: refused at the opening quote (line 4, col 10).
        (
            LESSON.replace("Patch on Tuesdays.", '"Patch \\e[31m on Tuesdays"').encode(),
            "4:10",
            "writes U+001B, a control or invalid character",
        ),
        (
            LESSON.replace("Patch on Tuesdays.", '"Patch\\0"').encode(),
            "4:10",
            "writes U+0000",
        ),
    ],
    ids=[
        "latin-1",
        "windows-1252",
        "utf-16-bom",
        "utf-32-bom",
        "utf-16-le",
        "utf-16-be",
        "nul",
        "bell",
        "escape",
        "delete",
        "next-line",
        "line-separator",
        "paragraph-separator-in-comment",
        "bom-inside",
        "escaped-escape",
        "escaped-nul",
    ],
)
def test_case7_encodings_and_control_characters(
    tmp_path: Path, content: bytes, location: str, message: str
) -> None:
    result = validate(make_repo(tmp_path, {REC: content}))
    assert_only_error(result, f"{REC}:{location}", message)


@pytest.mark.parametrize(
    ("text", "location"),
    [
        ("kind: meeting\ndate: 2026-05-12\ntype: check-in\nattendees:\n\tnorth: [Ann]\n", "5:1"),
        ("kind: lesson\ndate: 2026-05-12\nparty: acme\nservices:\n  \t- helpdesk\n", "5:3"),
    ],
    ids=["tab-first", "tab-after-spaces"],
)
def test_case7_tab_indentation(tmp_path: Path, text: str, location: str) -> None:
    result = validate(make_repo(tmp_path, {REC: text}))
    assert_only_error(result, f"{REC}:{location}", "tab used for indentation")


def test_case7_tab_after_a_colon_is_accepted(tmp_path: Path) -> None:
    """YAML 1.2 allows a tab as separation after `key:`; a person's editor may put one there."""
    text = LESSON.replace("party: acme", "party:\tacme")
    root = make_repo(tmp_path, {REC: text})
    assert_clean(validate(root))
    assert load_repo(root).records["2026-05-12-lesson"].record.party == "acme"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("summary", "col"),
    [('"Patch on Tuesdays.', 10), ("'Patch on Tuesdays.", 10)],
    ids=["double", "single"],
)
def test_case7_unterminated_quote_points_where_it_opened(
    tmp_path: Path, summary: str, col: int
) -> None:
    # The quote opens on line 4 after `summary: ` (9 characters) and is never closed.
    text = LESSON.replace("Patch on Tuesdays.", summary) + "notes: more\n"
    result = validate(make_repo(tmp_path, {REC: text}))
    assert_only_error(result, f"{REC}:4:{col}", "YAML syntax", "a quote is not closed")


def test_case7_crlf_and_bom_are_accepted(tmp_path: Path) -> None:
    content = b"\xef\xbb\xbf" + LESSON.replace("\n", "\r\n").encode()
    charter = b"\xef\xbb\xbf" + CHARTER.replace("\n", "\r\n").encode()
    root = make_repo(tmp_path, {REC: content, "charter.yaml": charter})
    assert_clean(validate(root))
    rel = load_repo(root)
    record = rel.records["2026-05-12-lesson"].record
    assert record.summary == "Patch on Tuesdays."  # no stray \r
    assert rel.charter is not None and rel.charter.relationship == "Quality Test Alliance"


def test_case7_crlf_and_bom_keep_positions(tmp_path: Path) -> None:
    """A BOM is not a column and `\\r` is not a line: an error is at the same place as with LF."""
    text = LESSON.replace("date: 2026-05-12", "date: 2026-02-30")
    content = b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode()
    result = validate(make_repo(tmp_path, {REC: content}))
    assert_only_error(result, f"{REC}:2:7", "`2026-02-30` is not a real calendar date")


# --- 8. files over the size cap --------------------------------------------------------------


def test_case8_a_file_over_the_cap_is_refused_before_parsing(tmp_path: Path) -> None:
    # Starts with a NUL and invalid UTF-8: if it were decoded or parsed, those would be reported.
    content = b"\x00\xff" + b"kind: lesson\n" * (MAX_BYTES // 13 + 1)
    assert len(content) > MAX_BYTES == 1024 * 1024
    result = validate(make_repo(tmp_path, {REC: content}))
    line = assert_only_error(result, f"{REC}:1:1", "over the 1,048,576-byte limit")
    assert f"file is {len(content):,} bytes" in line
    assert "NUL" not in result.stdout and "UTF-8" not in result.stdout


def test_case8_a_file_of_exactly_the_cap_is_read(tmp_path: Path) -> None:
    padding = MAX_BYTES - len(LESSON) - len("notes: \n")
    content = (LESSON + "notes: " + "x" * padding + "\n").encode()
    assert len(content) == MAX_BYTES
    assert_clean(validate(make_repo(tmp_path, {REC: content})))


def test_case8_an_oversized_charter_is_refused(tmp_path: Path) -> None:
    content = CHARTER.encode() + b"# " + b"padding " * (MAX_BYTES // 8)
    result = validate(make_repo(tmp_path, {"charter.yaml": content}))
    assert_only_error(result, "charter.yaml:1:1", "over the 1,048,576-byte limit")


@contextmanager
def fifo_watch(path: Path) -> Iterator[list[bool]]:
    """Make `path` a FIFO and record whether anyone opens it for reading while the block runs.

    A reader of a FIFO blocks until a writer comes; the watcher is that writer, so a regression
    that reads the file fails the test instead of hanging it.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(path)
    opened: list[bool] = []
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            try:
                fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:  # ENXIO: nobody has it open for reading
                time.sleep(0.005)
                continue
            opened.append(True)
            os.close(fd)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    try:
        yield opened
    finally:
        done.set()
        thread.join(timeout=5)


def test_case8_a_record_that_is_not_a_regular_file_is_never_opened(tmp_path: Path) -> None:
    root = make_repo(tmp_path)
    fifo = root / "records" / "2026-05-13-pipe.yaml"
    with fifo_watch(fifo) as opened:
        result = validate(root, snap=snapshot_without_reading_specials)
    assert_only_error(result, "records/2026-05-13-pipe.yaml:1:1", "not a regular file")
    assert opened == []


# --- 9. record ids: unique across folders, valid file names ----------------------------------


def test_case9_same_id_in_two_folders_names_both_paths(tmp_path: Path) -> None:
    first = "records/2026-Q1/2026-05-12-patch.yaml"
    second = "records/2026-Q2/2026-05-12-patch.yaml"
    result = validate(make_repo(tmp_path, {first: LESSON, second: LESSON}))
    # Folders are read in sorted order, so the second one is the duplicate.
    assert_only_error(result, f"{second}:1:1", "`2026-05-12-patch` is used twice", first, second)


@pytest.mark.parametrize(
    "name",
    ["Bad_Name", "ab", "2026-05-12 lunch", "2026-05-12-Patch", "x" * 81, "café-notes"],
)
def test_case9_a_file_name_that_is_not_a_valid_id(tmp_path: Path, name: str) -> None:
    path = f"records/{name}.yaml"
    result = validate(make_repo(tmp_path, {path: LESSON}))
    assert_only_error(result, f"{path}:1:1", f"`{name}` is not a valid record id", "3-80")


def test_case9_a_yml_file_is_refused_and_other_files_ignored(tmp_path: Path) -> None:
    files = {"records/2026-05-13-x.yml": LESSON, "records/README.txt": "Not a record: ignored.\n"}
    result = validate(make_repo(tmp_path, files))
    assert_only_error(result, "records/2026-05-13-x.yml:1:1", "must end in `.yaml`")


def test_case9_exactly_80_and_3_characters_are_valid_ids(tmp_path: Path) -> None:
    files = {f"records/{'a' * 80}.yaml": LESSON, "records/abc.yaml": LESSON}
    assert_clean(validate(make_repo(tmp_path, files)))


# --- 10. dangling references and unknown kinds -----------------------------------------------

COMMITMENT = """\
kind: commitment
date: 2026-05-01
party: acme
due: 2026-12-31
summary: Roll out the patching runbook.
"""
COMMITMENT_PATH = "records/2026-05-01-runbook.yaml"


@pytest.mark.parametrize(
    ("text", "location", "message"),
    [
        # party: `party: ` is 7 characters, value at column 8 of line 3
        (COMMITMENT.replace("party: acme", "party: nobody"), "3:8", "unknown party `nobody`"),
        # a party in a list: `to: [north, ` is 12 characters, so `nowhere` is at column 13
        (COMMITMENT + "to: [north, nowhere]\n", "6:13", "unknown party `nowhere`"),
        (COMMITMENT + "objective: no-obj\n", "6:12", "unknown objective `no-obj`"),
        (COMMITMENT + "kpi: no-kpi\n", "6:6", "unknown KPI `no-kpi`"),
        (
            "kind: cost\ndate: 2026-05-12\nservice: no-service\nparty: north\nperiod: 2026-Q1\n"
            "amount: 10.00\nsummary: Spend.\n",
            "3:10",
            "unknown service `no-service`",
        ),
        (
            "kind: cost\ndate: 2026-05-12\nservice: helpdesk\nparty: north\nperiod: 2026-Q1\n"
            "amount: 10.00\nproject: no-project\nsummary: Spend.\n",
            "7:10",
            "unknown project `no-project`; known: dc-migration",
        ),
        (
            "kind: update\ndate: 2026-05-12\ncommitment: 2026-01-01-missing\nstatus: delivered\n"
            "summary: Done.\n",
            "3:13",
            "`2026-01-01-missing` names no record in records/",
        ),
        (
            "kind: escalation\ndate: 2026-05-12\nlevel: 1\nparties: [north]\ntrigger: no-trigger\n"
            "summary: Raised.\n",
            "5:10",
            "unknown trigger `no-trigger`; known: slipping-commitments",
        ),
        # evidence: `evidence: [2026-05-01-runbook, ` is 10 + 1 + 18 + 2 = 31 characters
        (
            "kind: claim\ndate: 2026-05-12\nparty: acme\nsummary: Done.\n"
            "evidence: [2026-05-01-runbook, no-such-record]\n",
            "5:32",
            "`no-such-record` names no record in records/",
        ),
        # behaviour: `behaviours: [innovation, ` is 25 characters, `telepathy` at column 26
        (
            "kind: observation\ndate: 2026-05-12\nparty: acme\n"
            "behaviours: [innovation, telepathy]\neffect: positive\nsummary: Seen.\n",
            "4:26",
            "the text `telepathy` is not allowed here; expected one of 'objectives-met'",
        ),
        (LESSON + "supersedes: 2026-01-01-gone\n", "5:13", "`2026-01-01-gone` names no record"),
        (
            "kind: escalation\ndate: 2026-05-12\nlevel: 7\nparties: [north]\nsummary: Raised.\n",
            "3:8",
            "level 7 is not on the charter's escalation ladder",
        ),
        (
            "kind: meeting\ndate: 2026-05-12\ntype: check-in\nattendees:\n  north: [Ann]\n"
            "  martians: [Zork]\nsummary: Met.\n",
            "6:3",
            "unknown party `martians` in attendees",
        ),
    ],
    ids=[
        "party",
        "party-in-list",
        "objective",
        "kpi",
        "service",
        "project",
        "commitment",
        "trigger",
        "evidence",
        "behaviour",
        "supersedes",
        "escalation-level",
        "attendee-party",
    ],
)
def test_case10_dangling_reference_in_a_record(
    tmp_path: Path, text: str, location: str, message: str
) -> None:
    path = "records/2026-05-12-subject.yaml"
    root = make_repo(tmp_path, {COMMITMENT_PATH: COMMITMENT, path: text})
    result = validate(root)
    assert_only_error(result, f"{path}:{location}", message)


def test_case10_project_without_any_baselines(tmp_path: Path) -> None:
    text = (
        "kind: cost\ndate: 2026-05-12\nservice: helpdesk\nparty: north\nperiod: 2026-Q1\n"
        "amount: 10.00\nproject: dc-migration\nsummary: Spend.\n"
    )
    root = make_repo(tmp_path, {"records/2026-05-12-spend.yaml": text})
    (root / "baselines.yaml").unlink()
    result = validate(root)
    assert_only_error(
        result, "records/2026-05-12-spend.yaml:7:10", "project `dc-migration` has no budget"
    )


def test_case10_reference_to_the_wrong_kind_of_record(tmp_path: Path) -> None:
    update = (
        "kind: update\ndate: 2026-05-13\ncommitment: 2026-05-12-lesson\nstatus: delivered\n"
        "summary: Done.\n"
    )
    result = validate(make_repo(tmp_path, {"records/2026-05-13-done.yaml": update}))
    assert_only_error(
        result,
        "records/2026-05-13-done.yaml:3:13",
        "`2026-05-12-lesson` is a lesson record, but `commitment` must name a commitment",
    )


@pytest.mark.parametrize(
    ("old", "new", "location", "message"),
    [
        ("    provider: acme\n", "    provider: acne\n", "15:15", "unknown party `acne`"),
        ("    clients: [north]\n", "    clients: [north, east]\n", "16:22", "unknown party `east`"),
        ("    objective: cut-cost\n", "    objective: cut-costs\n", "26:16", "unknown objective"),
        ("      level: 1\n", "      level: 3\n", "45:14", "names level 3, which is not in"),
    ],
    ids=["service-provider", "service-client", "kpi-objective", "trigger-level"],
)
def test_case10_dangling_reference_in_the_charter(
    tmp_path: Path, old: str, new: str, location: str, message: str
) -> None:
    # provider: 4 + `provider: ` (10) = column 15; clients: 4 + `clients: [north, ` (17) = 22;
    # objective: 4 + `objective: ` (11) = 16; trigger level: 6 + `level: ` (7) = 14.
    assert old in CHARTER
    result = validate(make_repo(tmp_path, {"charter.yaml": CHARTER.replace(old, new)}))
    assert_only_error(result, f"charter.yaml:{location}", message)


def test_case10_dangling_references_in_an_assessment(tmp_path: Path) -> None:
    assessment = (
        "quarter: 2026-Q1\n"
        "assessor: north\n"
        "date: 2026-06-20\n"
        "ratings:\n"
        "  acme:\n"
        "    innovation: {rating: 4, evidence: [no-such-record]}\n"
        "  zed:\n"
        "    innovation: {rating: 3, evidence: [2026-05-12-lesson]}\n"
    )
    path = "assessments/2026-Q1/north.yaml"
    result = validate(make_repo(tmp_path, {path: assessment}))
    # `    innovation: {rating: 4, evidence: [` is 4 + 35 = 39 characters: the id is column 40.
    assert_error(result, f"{path}:6:40", "`no-such-record` names no record")
    assert_error(result, f"{path}:7:3", "unknown party `zed`")
    assert len(errors(result)) == 2


def test_case10_unknown_record_kind_lists_the_valid_ones(tmp_path: Path) -> None:
    text = LESSON.replace("kind: lesson", "kind: memo")  # value at line 1, column 7
    result = validate(make_repo(tmp_path, {REC: text}))
    line = assert_only_error(result, f"{REC}:1:7", "unknown record kind `memo`; valid kinds:")
    for kind in RECORD_KINDS:
        assert kind in line
    assert len(RECORD_KINDS) == 12


def test_case10_missing_kind_lists_the_valid_ones(tmp_path: Path) -> None:
    text = LESSON.replace("kind: lesson\n", "")
    result = validate(make_repo(tmp_path, {REC: text}))
    line = assert_only_error(result, f"{REC}:1:1", "missing required field `kind`; one of:")
    assert all(kind in line for kind in RECORD_KINDS)


# --- 11. attachments: inside the repository, regular files, never read ----------------------

ATTACHED = "records/2026-05-12-attached.yaml"


def attaching(path: str) -> str:
    # The item is line 6; `  - ` is 4 characters, so the quoted path starts at column 5.
    return LESSON + f"attachments:\n  - '{path}'\n"


def _symlink_file(root: Path) -> None:
    (root / "docs").mkdir(exist_ok=True)
    os.symlink(root.parent / "outside" / "secret.txt", root / "docs" / "link.txt")


def _symlink_inside(root: Path) -> None:
    (root / "docs").mkdir(exist_ok=True)
    os.symlink(root / "docs" / "report.pdf", root / "docs" / "alias.pdf")


def _symlink_dir(root: Path) -> None:
    os.symlink(root.parent / "outside", root / "shared")


def _directory(root: Path) -> None:
    (root / "docs" / "minutes").mkdir(parents=True)


def _nothing(root: Path) -> None:
    pass


@pytest.mark.parametrize(
    ("attachment", "setup", "message"),
    [
        ("/etc/passwd", _nothing, "not an absolute or home path"),
        ("~/secret.txt", _nothing, "not an absolute or home path"),
        ("C:/Users/ann/report.pdf", _nothing, "not an absolute or home path"),
        ("../outside/secret.txt", _nothing, "must not leave the repository (`..`)"),
        ("docs/../../outside/secret.txt", _nothing, "must not leave the repository"),
        ("docs/../docs/report.pdf", _nothing, "must not leave the repository"),
        ("docs\\report.pdf", _nothing, "write `/` between folders"),
        ("docs/link.txt", _symlink_file, "goes through a symbolic link"),
        ("docs/alias.pdf", _symlink_inside, "goes through a symbolic link"),
        ("shared/secret.txt", _symlink_dir, "goes through a symbolic link"),
        ("docs/missing.pdf", _nothing, "does not exist"),
        ("docs/minutes", _directory, "is not a regular file"),
        ("http://example.org/report.pdf", _nothing, "links must start with https://"),
        ("file:///etc/passwd", _nothing, "links must start with https://"),
    ],
    ids=[
        "absolute",
        "home",
        "drive",
        "dotdot",
        "dotdot-deep",
        "dotdot-back-inside",
        "backslash",
        "symlink-out",
        "symlink-in",
        "symlinked-folder",
        "missing",
        "directory",
        "http",
        "file-url",
    ],
)
def test_case11_attachment_refused(
    tmp_path: Path, attachment: str, setup: Callable[[Path], None], message: str
) -> None:
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.txt").write_text("not for jw\n")
    root = make_repo(tmp_path, {ATTACHED: attaching(attachment), "docs/report.pdf": "%PDF\n"})
    setup(root)
    result = validate(root)
    assert_only_error(result, f"{ATTACHED}:6:5", f"attachment `{attachment}`", message)
    assert "not for jw" not in result.output


@pytest.mark.parametrize(
    ("attachment", "fifo"),
    [
        ("docs/pipe", "repo/docs/pipe"),
        ("../outside/pipe", "outside/pipe"),
        ("docs/pipe-link", "outside/pipe"),
    ],
    ids=["fifo-inside", "dotdot-to-fifo", "symlink-to-fifo"],
)
def test_case11_attachments_are_never_read(tmp_path: Path, attachment: str, fifo: str) -> None:
    """Only `lstat` looks at attachments (by design): a FIFO target shows no one opened it."""
    root = make_repo(tmp_path, {ATTACHED: attaching(attachment), "docs/report.pdf": "%PDF\n"})
    if attachment == "docs/pipe-link":
        os.symlink(tmp_path / fifo, root / "docs" / "pipe-link")
    with fifo_watch(tmp_path / fifo) as opened:
        result = validate(root, snap=snapshot_without_reading_specials)
    assert errors(result) and errors(result)[0].startswith(f"{ATTACHED}:6:5: error: ")
    assert len(errors(result)) == 1
    assert opened == []


def test_case11_an_escaped_nul_in_an_attachment_is_refused_by_the_loader(tmp_path: Path) -> None:
    """`"a\\0b"` would reach `os.lstat`, which raises on a NUL: refused before any check runs."""
    text = LESSON + 'attachments: ["docs/report.pdf\\0.txt"]\n'  # `attachments: [` is 14
    root = make_repo(tmp_path, {ATTACHED: text, "docs/report.pdf": "%PDF\n"})
    assert_only_error(validate(root), f"{ATTACHED}:5:15", "writes U+0000")


def test_case11_good_attachments_are_accepted(tmp_path: Path) -> None:
    text = LESSON + (
        "attachments:\n  - docs/report.pdf\n  - ./docs/report.pdf\n"
        "  - https://intranet.example.org/minutes/2026-05-12\n"
    )
    root = make_repo(tmp_path, {ATTACHED: text, "docs/report.pdf": "%PDF\n"})
    assert_clean(validate(root))


# --- 14. data is inert and intact in jw's own output -----------------------------------------

HOSTILE = {
    "script": "<script>alert(1)</script>",
    "template": "{{ 7*7 }}",
    "pipe": "a | b | c",
    "markup": "[/bold][red]x[/red]",
    "newline": "line one\nline two",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_case14_hostile_text_is_intact_in_json(tmp_path: Path, name: str) -> None:
    data = HOSTILE[name]
    # A JSON string is valid YAML double-quoted text: the value is exactly `data`. The date field
    # refuses it and quotes it back in the message, at line 2 column 7.
    text = LESSON.replace("date: 2026-05-12", f"date: {json.dumps(data)}")
    result = validate(make_repo(tmp_path, {REC: text}), fmt="json")
    assert result.exit_code == 1
    payload = json.loads(result.stdout)
    assert payload["errors"] == 1
    (finding,) = payload["findings"]
    assert (finding["path"], finding["line"], finding["col"]) == (REC, 2, 7)
    assert finding["message"] == f"`{data}` is not a date: write it YYYY-MM-DD, e.g. 2026-05-12"
    assert "49" not in result.stdout  # never rendered as a template


@pytest.mark.parametrize("name", sorted(set(HOSTILE) - {"newline"}))
def test_case14_hostile_text_is_intact_in_text_output(tmp_path: Path, name: str) -> None:
    data = HOSTILE[name]
    text = LESSON.replace("date: 2026-05-12", f"date: {json.dumps(data)}")
    result = validate(make_repo(tmp_path, {REC: text}))
    assert_only_error(result, f"{REC}:2:7", f"`{data}` is not a date")
    assert "49" not in result.stdout
    assert "\x1b" not in result.output  # no colour or markup was interpreted


def test_case14_hostile_keys_are_intact(tmp_path: Path) -> None:
    # An unknown key quoted back at the key (line 5, column 1), with and without JSON.
    text = LESSON + '"[/bold]{{ 7*7 }}<b>|": x\n'
    root = make_repo(tmp_path, {REC: text})
    assert_only_error(validate(root), f"{REC}:5:1", "unknown field `[/bold]{{ 7*7 }}<b>|`")
    payload = json.loads(validate(root, fmt="json").stdout)
    assert payload["findings"][0]["message"].startswith("unknown field `[/bold]{{ 7*7 }}<b>|`")


def test_case14_newline_in_data_cannot_forge_a_finding_line(tmp_path: Path) -> None:
    forged = "x\nrecords/forged.yaml:1:1: error: forged"
    text = LESSON.replace("date: 2026-05-12", f"date: {json.dumps(forged)}")
    result = validate(make_repo(tmp_path, {REC: text}))
    assert result.exit_code == 1
    assert not any(line.startswith("records/forged.yaml") for line in result.stdout.splitlines())
    assert len(result.stdout.splitlines()) == 1


def test_a_record_file_that_is_a_symbolic_link_is_refused_not_read(tmp_path: Path) -> None:
    # A link leading out of the repository would have its content quoted back in messages.
    secret = tmp_path / "outside.yaml"
    secret.write_text("kind: lesson\ndate: 2026-05-12\nsummary: SECRET-OUTSIDE-TEXT\nparty: acme\n")
    root = make_repo(tmp_path / "repo", {})
    link = root / "records" / "2026-05-12-linked.yaml"
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(secret)
    result = validate(root)
    assert result.exit_code == 1
    assert "records/2026-05-12-linked.yaml:1:1: error: a symbolic link" in result.stdout
    assert "SECRET-OUTSIDE-TEXT" not in result.stdout + result.stderr

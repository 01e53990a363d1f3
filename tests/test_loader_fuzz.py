"""Fuzzing the loader (shared/spec/quality.md): random bytes and random YAML give values, models
or located problems, never another exception; valid YAML keeps its YAML 1.2 core meaning; the
pure-Python fallback reads what libyaml reads.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jwcli.checks.validate import validate
from jwcli.load.repo import load_record, load_repo
from jwcli.load.yamlsafe import HAVE_LIBYAML, YamlProblem, decode, parse
from jwcli.model.findings import Finding
from jwcli.model.records import RECORD_KINDS
from tests.helpers import BASELINES, CHARTER

FUZZ = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TODAY = dt.date(2026, 11, 29)

# --- checking what comes out -----------------------------------------------------------------


def assert_plain(value: Any) -> None:
    """The loader's whole vocabulary: mappings with text keys, lists, and core scalars."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            assert all(isinstance(key, str) for key in item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        else:
            assert item is None or isinstance(item, bool | int | Decimal | str), type(item)
            if isinstance(item, Decimal):
                assert item.is_finite()


def assert_problem(problem: YamlProblem) -> None:
    assert isinstance(problem.line, int) and problem.line >= 1
    assert isinstance(problem.col, int) and problem.col >= 1
    assert problem.message.strip()
    assert "\n" not in problem.message


def parse_or_problem(text: str, *, pure_python: bool = False) -> Any:
    """Parse; return the value, or the YamlProblem. Any other exception fails the test."""
    try:
        value, marks = parse(text, marks=True, pure_python=pure_python)
    except YamlProblem as problem:
        assert_problem(problem)
        return problem
    assert_plain(value)
    assert marks is not None and () in marks
    for line, col, key_line, key_col in marks.values():
        assert line >= 1 and col >= 1 and key_line >= 0 and key_col >= 0
    return value


def assert_findings(findings: list[Finding]) -> None:
    for finding in findings:
        assert isinstance(finding, Finding)
        assert finding.message.strip()
        assert finding.severity in ("error", "warning")
        assert isinstance(finding.line, int) and finding.line >= 1, finding
        assert isinstance(finding.col, int) and finding.col >= 1, finding


# --- what goes in ----------------------------------------------------------------------------

# Scalars people write, and the ones YAML 1.1, PyYAML, Pydantic or a terminal would misread.
TRICKY = [
    "no", "NO", "on", "off", "yes", "y", "~", "null", "Null", "", "true", "True", "FALSE",
    "0123", "0o17", "0x1F", "1e3", "1E-3", ".inf", "-.inf", ".nan", "1.10", "-0", "+1", "+.5",
    "1.", "12:30", "2026-02-30", "2026-05-12", "2026-Q1", "1_000", "1,200.50", "€12", "12.345",
    "12345678901234567.89", "9" * 4400, "acme", "north", "helpdesk", "first-time-fix",
    "2026-05-12-lesson", "'quoted'", "'it''s'", '"dq"', '"\\e[31m"', '"\\0"', '"\\u00e9"',
    '"\\ud800"', '"\\x85"', "&a x", "*a", "!!str x", "!!python/object/apply:os.system ['id']",
    "!local x", "<<", "---", "...", "|", ">-", "- a", "? k", "[a, b]", "{a: 1}", "[", "{", "]",
    "#c", "'unterminated", '"unterminated', "a: b", "%", "@x", "`x", "x\ty", "\t", "é", "日本",
    "\u2028", "\x85", "\x1b[2J", "\x00", "\ufeff", "<script>", "{{ 7*7 }}", "[/bold]", "a | b",
]  # fmt: skip
KEYS = [
    "kind", "date", "summary", "party", "due", "amount", "value", "period", "to", "evidence",
    "attachments", "status", "commitment", "kpi", "service", "services", "behaviours", "effect",
    "attendees", "type", "level", "parties", "version", "agreed_by", "stage", "one_off", "notes",
    "supersedes", "tags", "saving", "innovation", "lessons", "new_due", "project", "objective",
    "trigger", "outcome", "by", "invited", "decisions", "<<", "? x", "'q'", "[k]", "x", "kind",
]  # fmt: skip
# Pieces of YAML syntax, glued at random.
TOKENS = [
    *TRICKY, *KEYS, ": ", ":", "- ", "-", "\n", "\r\n", "\r", "  ", "    ", "\t", ", ", "&", "*",
    "!", "!!", "'", '"', "\\", "#", "? ", "%YAML 1.1\n", "%TAG ! tag:x,2000:\n", "--- ", "|\n",
    ">\n", "|-\n  ", "[", "]", "{", "}",
]  # fmt: skip

yamlish_text = st.lists(st.sampled_from(TOKENS) | st.text(max_size=4), max_size=50).map("".join)


def render(node: Any, indent: int) -> str:
    """Block YAML for a tree of ("map", [(key, node)]) / ("list", [node]) / scalar text."""
    pad = " " * indent
    if isinstance(node, str):
        return " " + node + "\n"
    kind, items = node
    if not items:
        return " {}\n" if kind == "map" else " []\n"
    out = ["\n"]
    for item in items:
        if kind == "map":
            key, value = item
            out.append(f"{pad}{key}:" + render(value, indent + 2))
        else:
            out.append(f"{pad}-" + render(item, indent + 2))
    return "".join(out)


scalar_text = st.sampled_from(TRICKY) | st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=8
)
tree = st.recursive(
    scalar_text,
    lambda children: (
        st.tuples(st.just("map"), st.lists(st.tuples(st.sampled_from(KEYS), children), max_size=5))
        | st.tuples(st.just("list"), st.lists(children, max_size=4))
    ),
    max_leaves=20,
)


@st.composite
def structured_text(draw: st.DrawFn) -> str:
    """A block-style document, now and then with a token pushed into it at a random place."""
    items = draw(st.lists(st.tuples(st.sampled_from(KEYS), tree), min_size=1, max_size=8))
    text = "".join(f"{key}:" + render(value, 2) for key, value in items)
    for _ in range(draw(st.integers(0, 2))):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(TOKENS)) + text[at:]
    return text


# A good value for every record field (ids from tests.helpers' CHARTER and BASELINES).
GOOD = {
    "date": "2026-05-12",
    "summary": "Patched the estate.",
    "evidence": "[2026-05-01-runbook]",
    "attachments": "[https://example.org/minutes]",
    "tags": "[urgent, q1]",
    "notes": "Free text.",
    "supersedes": "2026-05-01-runbook",
    "party": "acme",
    "due": "2026-06-30",
    "to": "[north, south]",
    "objective": "cut-cost",
    "kpi": "first-time-fix",
    "commitment": "2026-05-01-runbook",
    "new_due": "2026-07-31",
    "period": "2026-Q1",
    "quarter": "2026-Q1",
    "value": "82.5",
    "service": "helpdesk",
    "amount": "10.00",
    "project": "dc-migration",
    "behaviours": "[innovation, critical-friend]",
    "effect": "positive",
    "by": "north",
    "lessons": "Smaller pilots.",
    "innovation": "2026-05-01-runbook",
    "services": "[helpdesk]",
    "type": "check-in",
    "attendees": "{north: [Ann Lee], acme: [Raj Patel]}",
    "invited": "[north, acme]",
    "decisions": "[Go ahead]",
    "one_off": "true",
    "stage": "agreed",
    "saving": "2026-05-01-runbook",
    "level": "1",
    "parties": "[north, acme]",
    "trigger": "slipping-commitments",
    "outcome": "Resolved.",
    "version": "2",
    "agreed_by": "[north, south, acme]",
}
STATUS = {"update": "delivered", "innovation": "adopted"}
BAD_ATTACHMENTS = [
    "['../secret']", "['/etc/passwd']", "[records]", "['~/x']", "['a\\\\b']", "[missing.pdf]",
    "['http://x']", "['']", "[.]", '["a\\0b"]', '["\\e[2J"]', "['" + "x/" * 3000 + "']",
]  # fmt: skip


@st.composite
def record_text(draw: st.DrawFn) -> str:
    """Shaped like a record: its kind's fields, mostly good values, some tricky ones or noise."""
    kind = draw(st.sampled_from([*RECORD_KINDS, *RECORD_KINDS, "memo", "", "[commitment]", "Kind"]))
    model = RECORD_KINDS.get(kind, RECORD_KINDS["commitment"])
    lines = [f"kind: {kind}"] if draw(st.integers(0, 9)) else []
    for name, field in model.model_fields.items():
        if name == "kind" or not draw(st.integers(0, 9) if field.is_required() else st.booleans()):
            continue
        good = STATUS.get(kind, "delivered") if name == "status" else GOOD[name]
        if name == "attachments" and draw(st.booleans()):
            good = draw(st.sampled_from(BAD_ATTACHMENTS))
        if draw(st.integers(0, 9)):
            lines.append(f"{name}: {good}")
        else:
            lines.append(f"{name}:" + render(draw(tree), 2).rstrip("\n"))
    if not draw(st.integers(0, 4)):
        key, value = draw(st.sampled_from(KEYS)), draw(tree)
        lines.append(f"{key}:" + render(value, 2).rstrip("\n"))
    draw(st.randoms()).shuffle(lines)
    text = "\n".join(lines) + "\n"
    if not draw(st.integers(0, 4)):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(TOKENS)) + text[at:]
    return text


# --- never an exception ----------------------------------------------------------------------


@FUZZ
@given(st.binary(max_size=600))
def test_random_bytes_decode_to_text_or_a_problem(data: bytes) -> None:
    try:
        text = decode(data)
    except YamlProblem as problem:
        assert_problem(problem)
        return
    # Strict UTF-8, one leading byte-order mark dropped; anything else was a problem.
    assert text == data.decode("utf-8").removeprefix("\ufeff")
    assert "\x00" not in text
    parse_or_problem(text)
    parse_or_problem(text, pure_python=True)


@FUZZ
@given(st.lists(st.sampled_from([t.encode() for t in TOKENS]) | st.binary(max_size=3), max_size=40))
def test_yamlish_bytes_decode_and_parse_or_give_a_problem(chunks: list[bytes]) -> None:
    data = b"".join(chunks)
    try:
        text = decode(data)
    except YamlProblem as problem:
        assert_problem(problem)
        return
    parse_or_problem(text)
    parse_or_problem(text, pure_python=True)


@FUZZ
@given(yamlish_text)
def test_yamlish_text_parses_to_values_or_a_problem(text: str) -> None:
    parse_or_problem(text)
    parse_or_problem(text, pure_python=True)


@FUZZ
@given(structured_text())
def test_structured_yaml_parses_to_values_or_a_problem(text: str) -> None:
    parse_or_problem(text)
    parse_or_problem(text, pure_python=True)


@pytest.fixture(scope="module")
def fuzz_repo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One repository reused across examples; each example rewrites the record under test."""
    root = tmp_path_factory.mktemp("fuzz-repo")
    (root / "charter.yaml").write_text(CHARTER, encoding="utf-8")
    (root / "baselines.yaml").write_text(BASELINES, encoding="utf-8")
    (root / "records").mkdir()
    (root / "records" / "2026-05-01-runbook.yaml").write_text(
        "kind: commitment\ndate: 2026-05-01\nparty: acme\ndue: 2026-12-31\nsummary: Runbook.\n",
        encoding="utf-8",
    )
    yield root


SUBJECT = "records/2026-05-12-subject.yaml"


@FUZZ
@given(record_text())
def test_record_files_give_a_model_or_findings(fuzz_repo: Path, text: str) -> None:
    (fuzz_repo / SUBJECT).write_text(text, encoding="utf-8")
    findings: list[Finding] = []
    record = load_record(fuzz_repo, SUBJECT, findings)
    # A record comes back exactly when its file raised no finding.
    assert (record is None) == bool(findings), findings
    assert all(f.path == SUBJECT and f.severity == "error" for f in findings)
    if record is not None:
        assert record.kind in RECORD_KINDS


@FUZZ
@given(record_text())
def test_validating_a_repository_with_a_fuzzed_record_never_raises(
    fuzz_repo: Path, text: str
) -> None:
    (fuzz_repo / SUBJECT).write_text(text, encoding="utf-8")
    rel = load_repo(fuzz_repo)
    findings = validate(rel, TODAY)
    assert_findings(findings)
    assert {f.path for f in findings if f.is_error} <= {SUBJECT}


@FUZZ
@given(st.one_of(yamlish_text, structured_text()))
def test_validating_a_repository_with_fuzzed_yaml_never_raises(fuzz_repo: Path, text: str) -> None:
    (fuzz_repo / SUBJECT).write_text(text, encoding="utf-8")
    rel = load_repo(fuzz_repo)
    findings = validate(rel, TODAY)
    assert_findings(findings)
    # The other files are fine, so every error (if any) is in the fuzzed one.
    assert {f.path for f in findings if f.is_error} <= {SUBJECT}


CHARTER_LINES = CHARTER.splitlines(keepends=True)
VALUE_LINES = [i for i, line in enumerate(CHARTER_LINES) if re.search(r": \S", line)]


@FUZZ
@given(st.lists(st.tuples(st.sampled_from(VALUE_LINES), scalar_text), min_size=1, max_size=3))
def test_a_charter_with_tricky_values_validates_or_gives_findings(
    fuzz_repo: Path, changes: list[tuple[int, str]]
) -> None:
    lines = list(CHARTER_LINES)
    for index, value in changes:
        key = lines[index].split(": ", 1)[0]
        lines[index] = f"{key}: {value}\n"
    charter = fuzz_repo / "charter.yaml"
    try:
        charter.write_text("".join(lines), encoding="utf-8")
        (fuzz_repo / SUBJECT).unlink(missing_ok=True)
        findings = validate(load_repo(fuzz_repo), TODAY)
        assert_findings(findings)
    finally:
        charter.write_text(CHARTER, encoding="utf-8")


# --- YAML 1.2 core meaning -------------------------------------------------------------------

# The oracle, from the YAML 1.2 core schema as jw narrows it (data-format.md): only these become
# non-text; exponents, .inf/.nan, octal/hex and sexagesimal forms stay text.
INT_RE = re.compile(r"[-+]?[0-9]+")
DECIMAL_RE = re.compile(r"[-+]?(\.[0-9]+|[0-9]+\.[0-9]*)")
NULLS = {"", "~", "null", "Null", "NULL"}
BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}


def expected(plain: str) -> Any:
    if plain in NULLS:
        return None
    if plain in BOOLS:
        return BOOLS[plain]
    if INT_RE.fullmatch(plain):
        return int(plain)
    if DECIMAL_RE.fullmatch(plain):
        return Decimal(plain)
    return plain


digits = st.text("0123456789", min_size=1, max_size=12)
sign = st.sampled_from(["", "-", "+"])
plain_int = st.tuples(sign, digits).map("".join)
plain_decimal = st.one_of(
    st.tuples(sign, digits, st.text("0123456789", max_size=6)).map(
        lambda t: f"{t[0]}{t[1]}.{t[2]}"
    ),
    st.tuples(sign, digits).map(lambda t: f"{t[0]}.{t[1]}"),
)
# Text that is safe unquoted in block context: starts with a letter or digit, no `: ` or ` #`.
plain_word = st.text(
    st.characters(categories=["L", "N"]) | st.sampled_from(list(".-_/()%+=é")), min_size=1
).filter(lambda s: s[0].isalnum())
plain_text = st.one_of(
    st.sampled_from(
        [
            "no",
            "NO",
            "on",
            "off",
            "yes",
            "Y",
            "1e3",
            "1E+3",
            ".inf",
            "-.inf",
            ".nan",
            "0x1F",
            "0o17",
            "12:30",
            "1_000",
            "2026-05-12",
            "2026-02-30",
            "1.2.3",
            "TrUe",
            "nULL",
            "+",
            "-.",
        ]
    ),
    st.lists(plain_word, min_size=1, max_size=4).map(" ".join),
)
plain_scalar = st.one_of(
    plain_int,
    plain_decimal,
    st.sampled_from(sorted(BOOLS)),
    st.sampled_from(sorted(NULLS - {""})),
    plain_text,
)


def single_quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


quoted_text = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cc", "Cs", "Zl", "Zp"]), max_size=20
).filter(
    lambda s: (
        "\ufeff" not in s
        and "\ufffe" not in s
        and "\uffff" not in s
        # bidirectional controls are refused on purpose (they can make text read other than it is)
        and not any("\u202a" <= c <= "\u202e" or "\u2066" <= c <= "\u2069" for c in s)
    )
)
key_name = st.from_regex(r"[a-z][a-z0-9_]{0,11}", fullmatch=True)


@FUZZ
@given(st.dictionaries(key_name, plain_scalar, min_size=1, max_size=12))
def test_plain_scalars_have_yaml_12_core_meaning(mapping: dict[str, str]) -> None:
    text = "".join(f"{key}: {value}\n" for key, value in mapping.items())
    for pure in (False, True):
        value, marks = parse(text, marks=True, pure_python=pure)
        assert value.keys() == mapping.keys()
        assert marks is not None
        for line, (key, written) in enumerate(mapping.items(), start=1):
            got, want = value[key], expected(written)
            assert type(got) is type(want), (written, got)
            assert got == want, (written, got)
            if isinstance(want, Decimal):
                # The very digits written: 1.10 stays 1.10, never 1.1 (no float on the way).
                assert got.as_tuple() == want.as_tuple()
            # The value starts after `key: `; the key at column 1 of its line.
            assert marks[(key,)] == (line, len(key) + 3, line, 1)


@FUZZ
@given(st.dictionaries(key_name, quoted_text, min_size=1, max_size=8), st.booleans())
def test_quoted_scalars_are_always_text(mapping: dict[str, str], double: bool) -> None:
    def quote(text: str) -> str:
        if double:
            return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
        return single_quoted(text)

    text = "".join(f"{key}: {quote(value)}\n" for key, value in mapping.items())
    for pure in (False, True):
        value, _ = parse(text, pure_python=pure)
        assert value == mapping
        assert all(type(v) is str for v in value.values())


@FUZZ
@given(st.lists(plain_scalar, min_size=1, max_size=10))
def test_flow_and_block_lists_mean_the_same(items: list[str]) -> None:
    block = "items:\n" + "".join(f"  - {item}\n" for item in items)
    flow_items = [item for item in items if item]
    flow = "items: [" + ", ".join(flow_items) + "]\n"
    want = [expected(item) for item in items]
    assert parse(block)[0] == {"items": want}
    assert parse(flow)[0] == {"items": [expected(item) for item in flow_items]}


# --- the pure-Python fallback reads the same as libyaml --------------------------------------

SAME_VALUES = {
    "tab-after-key": "kind: lesson\ndate:\t2026-05-12\nparty:\tacme\n",
    "tab-after-key-in-list": "items:\n  - name:\tx\n    note:\ty\n",
    "tab-in-quotes": "a: 'x\ty'\nb: \"x\\ty\"\n",
    "tab-in-block-scalar": "notes: |\n  a\tb\nmore: >\n  c\td\n",
    "nested": "a:\n  b:\n    - 1\n    - {c: d, e: [1, 2.50, true, ~]}\n",
    "crlf": "a: 1\r\nb: two\r\nc:\r\n  - x\r\n",
    "block-scalars": "a: |\n  line1\n  line2\nb: >-\n  folded\n  text\nc: |+\n  kept\n\n",
    "comments": "# head\na: 1 # one\nb: 'x # not a comment'\n",
    "norway": "a: no\nb: NO\nc: on\nd: yes\ne: 0123\nf: 1e3\ng: 12:30\nh: 1.10\n",
    "empty-values": "a:\nb: ~\nc: ''\nd: []\ne: {}\n",
    "unicode": "name: Café Zürich 日本\n",
    "yaml-directive": "%YAML 1.1\n---\na: 1\n",
    "explicit-end": "---\na: 1\n...\n",
    "multiline-plain": "summary: one\n  two\n  three\n",
    "big-int": "n: " + "9" * 5000 + "\n",
}
SAME_PROBLEMS = {
    "duplicate-key": ("a: 1\nb: 2\na: 3\n", 3, 1),
    "duplicate-nested": ("a:\n  x: 1\n  x: 2\n", 3, 3),
    "anchor": ("a: &x 1\n", 1, 4),
    "alias": ("a: *x\n", 1, 4),
    "tag": ("a: !!int 1\n", 1, 4),
    "merge-key": ("a: 1\n<<: {b: 2}\n", 2, 1),
    "second-document": ("a: 1\n---\nb: 2\n", 2, 1),
    "unterminated-double": ('a: "x\nb: 2\n', 1, 4),
    "unterminated-single": ("a: 'x\nb: 2\n", 1, 4),
    "bad-indentation": ("a:\n  b: 1\n c: 2\n", 3, 2),
    "unclosed-flow-list": ("a: [1, 2\nb: 3\n", 2, 2),
    "unclosed-flow-map": ("a: {b: 1\n", 2, 1),
    "value-in-value": ("a: b: c\n", 1, 4),  # where the quote goes (issue 12)
    "missing-colon": ("a: 1\nb\nc: 2\n", 3, 1),
    "tab-indentation": ("a:\n\tb: 1\n", 2, 1),
    "tab-after-dash": ("to:\n  -\tnorth\n", 2, 4),
    "list-as-key": ("[a]: 1\n", 1, 1),
    "stray-list-item": ("a: 1\n- b\n", 2, 1),
    "escaped-control": ('a: 1\nb: "\\e[31m"\n', 2, 4),
    "nul": ("a: 1\nb: x\x00y\n", 2, 5),
    "empty": ("# nothing\n", 1, 1),
    "bom-inside": ("a: 1\n\ufeffb: 2\n", 2, 1),
    "line-separator-in-comment": ("a: 1 # x\u2028b: 2\n", 1, 9),  # `a: 1 # x` is 8
}


@pytest.mark.parametrize("text", list(SAME_VALUES.values()), ids=list(SAME_VALUES))
def test_pure_python_gives_the_same_values(text: str) -> None:
    c_value, c_marks = parse(text, marks=True)
    py_value, py_marks = parse(text, marks=True, pure_python=True)
    assert py_value == c_value
    assert py_marks == c_marks
    assert_plain(c_value)


def test_the_reference_path_is_libyaml() -> None:
    """The comparisons above only mean something when libyaml is what `parse` normally uses."""
    assert HAVE_LIBYAML


def test_some_values_for_the_record() -> None:
    """A few of the comparisons above, with the meaning spelt out."""
    assert parse(SAME_VALUES["tab-after-key"])[0] == {
        "kind": "lesson",
        "date": "2026-05-12",
        "party": "acme",
    }
    assert parse(SAME_VALUES["norway"])[0] == {
        "a": "no",
        "b": "NO",
        "c": "on",
        "d": "yes",
        "e": 123,
        "f": "1e3",
        "g": "12:30",
        "h": Decimal("1.10"),
    }
    assert parse(SAME_VALUES["big-int"])[0] == {"n": "9" * 5000}  # past int()'s digit limit


@pytest.mark.parametrize(
    ("text", "line", "col"), list(SAME_PROBLEMS.values()), ids=list(SAME_PROBLEMS)
)
def test_pure_python_gives_the_same_problem_positions(text: str, line: int, col: int) -> None:
    with pytest.raises(YamlProblem) as c_problem:
        parse(text)
    with pytest.raises(YamlProblem) as py_problem:
        parse(text, pure_python=True)
    assert (c_problem.value.line, c_problem.value.col) == (line, col)
    assert (py_problem.value.line, py_problem.value.col) == (line, col)
    assert py_problem.value.rule == c_problem.value.rule


@pytest.mark.xfail(
    strict=True,
    reason="PyYAML's scanner takes only spaces as separation; libyaml also takes tabs inside a "
    "line. The fallback refuses what libyaml accepts (reported to the lead).",
)
@pytest.mark.parametrize(
    "text",
    [
        "summary: Patch\ton Tuesdays\n",
        "summary: Patch\t# a comment\n",
        "summary: Patch\t\n",
        "to: [north,\tsouth]\n",
        "'a b':\tx\n",
    ],
    ids=["inside-value", "before-comment", "trailing", "in-flow-list", "after-quoted-key"],
)
def test_pure_python_takes_tabs_as_separation_like_libyaml(text: str) -> None:
    assert parse(text, pure_python=True)[0] == parse(text)[0]


@pytest.mark.xfail(
    strict=True,
    reason="the fallback's `key:<tab>` rewrite also rewrites such lines inside block scalars "
    "(reported to the lead)",
)
def test_pure_python_keeps_tabs_inside_block_scalars() -> None:
    text = "notes: |\n  owner:\tacme\n"
    assert parse(text)[0] == {"notes": "owner:\tacme\n"}
    assert parse(text, pure_python=True)[0] == {"notes": "owner:\tacme\n"}

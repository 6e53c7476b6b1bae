"""Deal files record their format version, and old ones keep loading with the same meaning and the same money.

The frozen corpus (``tests/corpus/format1``) holds deal files exactly as valueshare wrote them before files
recorded their format (format 1): the shipped examples as they were, and deals that together use every mechanism
and every option of the model. Each is valued by today's engine and compared with the figures recorded when the
corpus was made (``tests/corpus/record.py``, whose docstring says when, and only when, they may be recorded
again). A format-1 file goes through every real step up to ``CURRENT_FORMAT`` (``valueshare.format2``, then
``valueshare.format3``: ``tests/test_format3.py`` has the format-2 corpus). The machinery itself is tested with a
step of the test's own from the current format to the next (``NEXT``), inside ``formats.migration_steps``: the
tests are written in terms of ``CURRENT_FORMAT``, so that a new format needs no edit here.
"""

from __future__ import annotations

import importlib.util
import json
import math
import os
import stat
import threading
from pathlib import Path
from typing import Any

import pytest
import yaml
from register_support import Clock, fee_deal

from valueshare import formats
from valueshare.engine.valuation import value_deal
from valueshare.errors import DealInvalid
from valueshare.formats import (
    CURRENT_FORMAT,
    FORMAT_KEY,
    MIGRATIONS,
    Migrated,
    Step,
    current_format,
    migrate,
    migration_note,
    migration_steps,
    upgrade_file,
)
from valueshare.register import service
from valueshare.register.records import Headlines, NewVersion, checksum
from valueshare.register.repository import InMemoryRepository
from valueshare.register.sql import open_register
from valueshare.scenario import (
    deal_from_data,
    deal_from_file_content,
    deal_from_yaml,
    deal_to_data,
    deal_to_yaml,
    example_paths,
    load_deal,
    new_deal_data,
    new_deal_yaml,
    read_deal,
    read_deal_content,
    read_deal_data,
)
from valueshare.sharing import partner_yaml

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"

_spec = importlib.util.spec_from_file_location("corpus_record", CORPUS / "record.py")
assert _spec is not None and _spec.loader is not None
record = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(record)

FIGURES: dict[str, Any] = json.loads(record.FIGURES.read_text(encoding="utf-8"))
CORPUS_FILES = record.corpus_files()
RELATIVE = 1e-9
#: The shipped examples when files began to record their format (``git show 77c1efe:scenarios/<name>``): the corpus
#: holds them as they were then. Examples added later have no format-1 copy.
FORMAT_1_EXAMPLES = ("academic-study-consent.yaml", "ai-imaging-device.yaml", "pharma-genomic-discovery.yaml",
                     "rwd-network-teaching-trust.yaml")
#: The format after the current one, which the machinery's tests reach with a test-only step (``Marking``).
NEXT = CURRENT_FORMAT + 1
#: A format no valueshare has written yet.
NEWER = CURRENT_FORMAT + 4


def real_steps(first: int = 1) -> str:
    """What a note lists for a file of format ``first`` migrated by the real steps: each one's numbers and words."""
    return "; ".join(f"{n} to {n + 1}: {MIGRATIONS[n].description}" for n in range(first, CURRENT_FORMAT))


#: What a note lists for the test-only step.
MARKED = f"{CURRENT_FORMAT} to {NEXT}: marks the description (a test step)"


def first_key_line(text: str) -> str:
    """The first line of a YAML file that is not a comment or blank."""
    return next(line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#"))


# -- the frozen corpus -----------------------------------------------------------------------------------------------

def assert_same_figures(got: Any, want: Any, where: str = "") -> None:
    """Every figure equal: numbers to ``RELATIVE`` (and within a billionth of a pound or share of zero), the rest
    (statuses, positions, which figures have no value) exactly."""
    if isinstance(want, dict):
        assert isinstance(got, dict) and sorted(got) == sorted(want), f"{where}: {sorted(got)} != {sorted(want)}"
        for key in want:
            assert_same_figures(got[key], want[key], f"{where}.{key}" if where else key)
    elif isinstance(want, list):
        assert isinstance(got, list) and len(got) == len(want), f"{where}: {len(got)} values, recorded {len(want)}"
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            assert_same_figures(g, w, f"{where}[{i}]")
    elif isinstance(want, float) or (isinstance(want, int) and not isinstance(want, bool)):
        assert isinstance(got, (int, float)) and not isinstance(got, bool), f"{where}: {got!r}, recorded {want!r}"
        assert math.isclose(got, want, rel_tol=RELATIVE, abs_tol=1e-9), f"{where}: {got!r}, recorded {want!r}"
    else:
        assert got == want, f"{where}: {got!r}, recorded {want!r}"


def test_the_corpus_and_its_figures_cover_the_same_files():
    assert sorted(p.name for p in CORPUS_FILES) == sorted(FIGURES)
    assert {p.suffix for p in CORPUS_FILES} == {".yaml", ".json"}


def test_the_corpus_holds_every_shipped_example_as_it_was_before_files_recorded_their_format():
    names = {p.name for p in CORPUS_FILES}
    assert set(FORMAT_1_EXAMPLES) <= names and set(FORMAT_1_EXAMPLES) <= {p.name for p in example_paths()}


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name)
def test_a_format_1_file_values_to_its_recorded_figures(path: Path):
    loaded = read_deal(path)
    assert FORMAT_KEY not in path.read_text(encoding="utf-8")  # frozen as format 1 files were: no key
    assert (loaded.migrated.from_version, loaded.migrated.to_version) == (1, CURRENT_FORMAT)
    assert_same_figures(record.figures_of(loaded.deal), FIGURES[path.name])


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: p.name)
def test_a_format_1_file_reads_back_equal_from_what_the_writers_write(path: Path):
    deal = load_deal(path)
    assert deal_from_yaml(deal_to_yaml(deal)) == deal
    assert deal_from_data(json.loads(json.dumps(deal_to_data(deal)))) == deal
    assert deal_from_file_content(json.dumps(deal_to_data(deal)).encode(), "deal.json") == deal


def test_the_corpus_uses_every_mechanism_every_distribution_and_every_section():
    deals = [load_deal(p) for p in CORPUS_FILES]
    kinds, inner, dists, options = set(), set(), set(), set()
    for deal in deals:
        for term in deal.terms:
            kinds.add(term.kind)
            for t in getattr(term, "terms", []):
                inner.add(t.kind)
        dists |= {u.distribution.dist for u in deal.uncertainty}
        data = deal_to_data(deal)
        options |= {key for key, value in data.items() if value not in ({}, [], None)}
    everything = {"access_fee", "subscription", "milestone", "royalty", "revenue_share", "equity",
                  "nhs_price_discount", "in_kind_benefit"}
    assert kinds == everything | {"consent_to_commercialise"}
    assert inner == everything  # a consent clause holding every commercial mechanism
    assert dists == {"fixed", "uniform", "triangular", "pert", "normal", "lognormal"}
    for section in ("patient_benefit", "economic_growth", "fair_share", "contribution_value", "negotiation",
                    "uncertainty", "variants", "route_to_market"):
        assert section in options, section
    royalties = [t for d in deals for t in d.terms if t.kind == "royalty"]
    assert any(t.cap_gbp and t.term_years and t.territory == "uk" and len(t.tiers) > 1 for t in royalties)
    in_kind = [t for d in deals for t in d.terms if t.kind == "in_kind_benefit"]
    assert {t.partner_cost_gbp_per_year is None for t in in_kind} == {True, False}
    assert any(t.kind == "subscription" and t.escalation_rate > 0 for d in deals for t in d.terms)
    assert any(v.shared for d in deals for v in d.variants)


# -- reading the key -------------------------------------------------------------------------------------------------

def test_a_file_without_the_key_is_format_1_and_is_migrated_and_reported_once():
    migrated = migrate({"name": "Deal"})
    every_step = tuple(MIGRATIONS[n] for n in range(1, CURRENT_FORMAT))  # each real step once, in order
    assert (migrated.from_version, migrated.to_version, migrated.steps_applied) == (1, CURRENT_FORMAT, every_step)
    assert migrated.changed and migrated.note("deal.yaml") == (
        f"deal.yaml: written in format 1, read as format {CURRENT_FORMAT} ({real_steps()})")
    assert real_steps().startswith(f"1 to 2: {MIGRATIONS[1].description}; 2 to 3: {MIGRATIONS[2].description}")
    current = migrate({FORMAT_KEY: CURRENT_FORMAT, "name": "Deal"})
    assert current == Migrated({"name": "Deal"}, CURRENT_FORMAT, CURRENT_FORMAT, ())
    assert current.note("deal.yaml") is None
    for path in example_paths():  # the shipped examples are written in the current format
        assert read_deal(path).note is None, path.name


def test_the_key_is_read_and_removed_before_the_deal_is_validated():
    data = deal_to_data(fee_deal(1000))
    assert list(data)[0] == FORMAT_KEY and data[FORMAT_KEY] == CURRENT_FORMAT
    loaded = read_deal_data(data)
    assert loaded.deal == fee_deal(1000) and loaded.migrated.from_version == CURRENT_FORMAT
    assert FORMAT_KEY not in loaded.deal.model_dump()  # a file's property, not a field of the deal
    assert FORMAT_KEY in data  # the caller's data is left as it was


def test_a_newer_format_is_refused_naming_the_field_the_version_and_the_newest_readable():
    with pytest.raises(DealInvalid) as caught:
        deal_from_yaml(f"format_version: {NEWER}\nname: Deal\n", "deal.yaml")
    assert str(caught.value) == (f"deal.yaml: format_version: this file is format {NEWER}, written by a newer "
                                 f"valueshare; this valueshare reads formats 1 to {CURRENT_FORMAT}: upgrade valueshare")
    assert [p.path for p in caught.value.problems] == ["format_version"]


@pytest.mark.parametrize("value, says", [
    (True, "this is true (true/false)"), (False, "this is false (true/false)"), ("1", "this is text ('1')"),
    (1.5, "this is 1.5"), (1.0, "this is 1.0"), (None, "it is empty"), ([1], "this is a list"),
    (0, "must be 1 or more (formats are numbered from 1); this is 0"),
    (-1, "must be 1 or more (formats are numbered from 1); this is -1"),
])
def test_a_format_version_that_is_not_a_whole_number_of_1_or_more_is_one_clear_problem(value: Any, says: str):
    data = {**deal_to_data(fee_deal(1000)), FORMAT_KEY: value}
    for read in (lambda: deal_from_data(data, "deal.json"),
                 lambda: deal_from_file_content(json.dumps(data).encode(), "deal.json"),
                 lambda: deal_from_yaml(yaml.safe_dump(data), "deal.yaml")):
        with pytest.raises(DealInvalid) as caught:
            read()
        assert len(caught.value.problems) == 1
        problem = caught.value.problems[0]
        assert problem.path == "format_version" and says in problem.message
        if not isinstance(value, int) or isinstance(value, bool):
            assert problem.message.startswith("must be a whole number")


def test_a_bad_format_version_is_reported_alone_since_the_rest_cannot_be_read_in_an_unknown_format():
    with pytest.raises(DealInvalid) as caught:
        deal_from_data({FORMAT_KEY: NEWER, "terms": "lots"})
    assert [p.path for p in caught.value.problems] == ["format_version"]


def test_a_variant_cannot_change_the_format_version():
    data = deal_to_data(fee_deal(1000))
    data["variants"] = [{"name": "V", "overrides": {"format_version": CURRENT_FORMAT}}]
    with pytest.raises(DealInvalid, match=r"variants\[0\]\.overrides: format_version: is not a field"):
        deal_from_data(data)


# -- the writers -----------------------------------------------------------------------------------------------------

def test_every_writer_writes_the_format_version_first():
    deal = load_deal(example_paths()[0])
    assert list(deal_to_data(deal))[0] == FORMAT_KEY
    assert deal_to_yaml(deal).startswith(f"{FORMAT_KEY}: {CURRENT_FORMAT}\n")
    assert list(new_deal_data())[0] == FORMAT_KEY
    assert first_key_line(new_deal_yaml()) == f"{FORMAT_KEY}: {CURRENT_FORMAT}"
    assert first_key_line(partner_yaml(deal)) == f"{FORMAT_KEY}: {CURRENT_FORMAT}"
    assert service.text_of(deal, "yaml").startswith(f"{FORMAT_KEY}: {CURRENT_FORMAT}\n")
    assert list(json.loads(service.text_of(deal, "json")))[0] == FORMAT_KEY


def test_the_shipped_examples_record_the_current_format_and_their_frozen_format_1_copies_still_load():
    # The examples moved on to format 2's defaults (cash terms, tax, the expected base case...) and format 3's names;
    # their format-1 copies keep the meaning they had, which the corpus's recorded figures check.
    shipped = {path.name: path for path in example_paths()}
    for path in shipped.values():
        assert first_key_line(path.read_text(encoding="utf-8")) == f"{FORMAT_KEY}: {CURRENT_FORMAT}", path.name
    for name in FORMAT_1_EXAMPLES:
        old = load_deal(CORPUS / "format1" / name)
        assert old.name == load_deal(shipped[name]).name, name


def test_the_format_key_is_not_an_input_the_comparisons_or_the_form_see():
    from valueshare.compare import compare
    from valueshare.sensitivity import base_data

    deal = load_deal(example_paths()[0])
    assert FORMAT_KEY not in base_data(deal) and FORMAT_KEY not in type(deal).model_fields
    assert compare([("file", deal), ("again", deal_from_yaml(deal_to_yaml(deal)))]).inputs == []


# -- migration steps -------------------------------------------------------------------------------------------------

def test_the_migrations_are_numbered_from_1_and_each_says_in_one_line_what_it_changes():
    assert sorted(MIGRATIONS) == list(range(1, CURRENT_FORMAT))
    assert current_format() == CURRENT_FORMAT
    for step in MIGRATIONS.values():
        assert step.description and "\n" not in step.description


class Marking:
    """A test-only step from the current format to the next (``NEXT``): adds a mark to the description, counting
    how often it ran."""

    MARK = f" [format {NEXT}]"

    def __init__(self) -> None:
        self.calls = 0
        self.step = Step("marks the description (a test step)", self.apply)

    def apply(self, data: dict[str, Any]) -> dict[str, Any]:
        self.calls += 1
        data["description"] = data.get("description", "") + self.MARK
        return data


def test_a_step_migrates_old_data_once_and_leaves_the_callers_data_alone():
    marking = Marking()
    data = {FORMAT_KEY: CURRENT_FORMAT, "name": "Deal", "description": "Old"}
    migrated = migrate(data, steps={**MIGRATIONS, CURRENT_FORMAT: marking.step})
    assert migrated == Migrated({"name": "Deal", "description": "Old" + Marking.MARK}, CURRENT_FORMAT, NEXT,
                                (marking.step,))
    assert marking.calls == 1 and data == {FORMAT_KEY: CURRENT_FORMAT, "name": "Deal", "description": "Old"}
    assert migrated.note("deal.yaml") == migration_note(migrated, "deal.yaml") == (
        f"deal.yaml: written in format {CURRENT_FORMAT}, read as format {NEXT} ({MARKED})")
    # A format-1 file goes through every step, in order: the real ones, then the test's.
    every = migrate({"name": "Deal", "description": "Old"}, steps={**MIGRATIONS, CURRENT_FORMAT: marking.step})
    assert (every.from_version, every.to_version) == (1, NEXT)
    assert every.steps_applied == (*(MIGRATIONS[n] for n in range(1, CURRENT_FORMAT)), marking.step)
    assert every.data["description"] == "Old" + Marking.MARK and marking.calls == 2
    assert current_format() == CURRENT_FORMAT  # a step passed as an argument holds for that call only


def test_inside_migration_steps_every_loader_migrates_an_old_file_once_and_says_so_once(tmp_path: Path):
    marking = Marking()
    path = tmp_path / "deal.yaml"
    path.write_text(deal_to_yaml(load_deal(example_paths()[1])), encoding="utf-8")  # in the current format
    old = load_deal(path)
    with migration_steps({CURRENT_FORMAT: marking.step}):
        assert current_format() == NEXT
        loaded = read_deal(path)
        assert marking.calls == 1
        assert loaded.deal.description == old.description + Marking.MARK
        assert loaded.deal.model_copy(update={"description": old.description}) == old
        assert loaded.note == f"{path}: written in format {CURRENT_FORMAT}, read as format {NEXT} ({MARKED})"
        # What the writers write now is the next format: it reads back without migrating again.
        text = deal_to_yaml(loaded.deal)
        assert text.startswith(f"{FORMAT_KEY}: {NEXT}\n")
        again = read_deal_content(text.encode(), "again.yaml")
        assert again.deal == loaded.deal and again.note is None and marking.calls == 1
        assert deal_from_file_content(path.read_bytes(), "upload.yaml") == loaded.deal  # an upload too
        assert marking.calls == 2
    assert current_format() == CURRENT_FORMAT
    with pytest.raises(DealInvalid, match=f"this file is format {NEXT}, written by a newer valueshare"):
        deal_from_yaml(text)


def test_migration_steps_hold_for_their_own_thread_only():
    marking = Marking()
    seen: list[int] = []
    with migration_steps({CURRENT_FORMAT: marking.step}):
        thread = threading.Thread(target=lambda: seen.append(current_format()))
        thread.start()
        thread.join()
        assert current_format() == NEXT
    assert seen == [CURRENT_FORMAT]


def test_migration_steps_must_be_numbered_without_a_gap():
    with pytest.raises(ValueError, match="no gap"), migration_steps({NEXT: Marking().step}):
        pass  # pragma: no cover


# -- upgrade_file ----------------------------------------------------------------------------------------------------

def copy_of(name: str, folder: Path) -> Path:
    path = folder / name
    path.write_bytes((CORPUS / "format1" / name).read_bytes())
    return path


def test_upgrading_a_format_1_yaml_file_writes_the_migrated_deal_with_the_key_first(tmp_path: Path):
    path = copy_of("ai-imaging-device.yaml", tmp_path)
    os.chmod(path, 0o640)
    result = upgrade_file(path)
    assert (result.path, result.from_version, result.to_version, result.changed) == (path, 1, CURRENT_FORMAT, True)
    after = path.read_text(encoding="utf-8")
    assert after.startswith(f"{FORMAT_KEY}: {CURRENT_FORMAT}\n")
    assert load_deal(path) == load_deal(CORPUS / "format1" / "ai-imaging-device.yaml")  # the same deal
    assert read_deal(path).note is None  # and no longer migrated when read
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]  # no temporary file left
    assert result.line() == f"{path}: upgraded from format 1 to format {CURRENT_FORMAT}"
    # Once it records the current format, there is nothing to do and the file is not touched.
    again = upgrade_file(path)
    assert not again.changed and path.read_text(encoding="utf-8") == after


def test_upgrading_a_json_file_writes_json_with_the_key_first(tmp_path: Path):
    path = copy_of("consent-every-term.json", tmp_path)
    assert upgrade_file(path).changed
    data = json.loads(path.read_text(encoding="utf-8"))
    assert list(data)[0] == FORMAT_KEY and data[FORMAT_KEY] == CURRENT_FORMAT
    assert load_deal(path) == load_deal(CORPUS / "format1" / "consent-every-term.json")


def test_upgrading_a_yaml_file_that_does_not_start_with_a_plain_section_writes_it_out(tmp_path: Path):
    path = tmp_path / "flow.yaml"
    deal = fee_deal(1000)
    old = {k: v for k, v in deal_to_data(deal).items() if k != FORMAT_KEY}
    path.write_text("---\n" + yaml.safe_dump(old, default_flow_style=True), encoding="utf-8")
    assert upgrade_file(path).changed
    assert first_key_line(path.read_text(encoding="utf-8")) == f"{FORMAT_KEY}: {CURRENT_FORMAT}"
    assert load_deal(path) == deal_from_data(old)


def test_upgrading_with_a_step_writes_the_migrated_deal_in_the_newest_format(tmp_path: Path):
    marking = Marking()
    path = copy_of("every-mechanism.yaml", tmp_path)
    with migration_steps({CURRENT_FORMAT: marking.step}):
        result = upgrade_file(path)
        assert (result.from_version, result.to_version, result.changed) == (1, NEXT, True)
        assert result.line() == f"{path}: upgraded from format 1 to format {NEXT}"
        text = path.read_text(encoding="utf-8")
        assert text.startswith(f"{FORMAT_KEY}: {NEXT}\n")
        calls = marking.calls
        loaded = read_deal(path)
        assert loaded.note is None and marking.calls == calls  # the file is in the newest format: nothing to do
        assert loaded.deal.description.endswith(Marking.MARK) and not loaded.deal.description.endswith(
            Marking.MARK * 2)


@pytest.mark.parametrize("text", [
    f"format_version: {NEWER}\nname: Deal\n",
    "format_version: true\nname: Deal\n",
    "name: Deal\nnhs: {name: A, kind: trust}\n",  # partner and use missing
    "name: [unclosed\n",
])
def test_an_invalid_file_is_left_exactly_as_it_was(tmp_path: Path, text: str):
    path = tmp_path / "deal.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DealInvalid):
        upgrade_file(path)
    assert path.read_text(encoding="utf-8") == text
    assert [p.name for p in tmp_path.iterdir()] == ["deal.yaml"]


def test_a_failed_write_leaves_the_file_as_it_was_and_no_temporary_file(tmp_path: Path, monkeypatch):
    path = copy_of("minimal.yaml", tmp_path)
    before = path.read_bytes()
    replaced: list[tuple[str, str]] = []

    def failing_replace(source: str, target: str) -> None:
        replaced.append((str(source), str(target)))
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(formats.os, "replace", failing_replace)
    with pytest.raises(OSError):
        upgrade_file(path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["minimal.yaml"]
    # The new text went to a temporary file beside the deal file, to be swapped in with one os.replace.
    [(source, target)] = replaced
    assert Path(source).parent == tmp_path and Path(target) == path.resolve()


def test_upgrading_through_a_link_rewrites_the_file_it_points_to(tmp_path: Path):
    path = copy_of("minimal.yaml", tmp_path)
    link = tmp_path / "link.yaml"
    link.symlink_to(path.name)
    assert upgrade_file(link).changed
    assert link.is_symlink() and first_key_line(path.read_text(encoding="utf-8")) == f"{FORMAT_KEY}: {CURRENT_FORMAT}"


# -- the register ----------------------------------------------------------------------------------------------------

def old_release_text(deal: Any) -> str:
    """A deal's YAML as valueshare wrote it before deal files recorded their format (no ``format_version``)."""
    data = {k: v for k, v in deal_to_data(deal).items() if k != FORMAT_KEY}
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def save_as_an_old_release(repo: Any, deal: Any, key: str = "old-deal") -> str:
    text = old_release_text(deal)
    new = NewVersion("Ana", "saved by an earlier release", text, "yaml", deal.name, deal.nhs.name,
                     deal.partner.name, Headlines.of(value_deal(deal)))
    repo.add_version(key, new, None)
    return text


@pytest.fixture(params=["memory", "sqlite"])
def repo(request: pytest.FixtureRequest, tmp_path: Path):
    if request.param == "memory":
        yield InMemoryRepository(clock=Clock())
        return
    opened = open_register(str(tmp_path / "register.sqlite"), clock=Clock())
    try:
        yield opened
    finally:
        opened.close()


def test_a_new_version_stores_its_format_version_in_its_text(repo: Any):
    service.save(repo, fee_deal(1000), author="Ana", note="first", base_version=None)
    service.save(repo, fee_deal(2000), author="Bo", note="json", base_version=1, content_format="json")
    assert repo.version("test-deal", 1).content.startswith(f"{FORMAT_KEY}: {CURRENT_FORMAT}\n")
    assert list(json.loads(repo.version("test-deal", 2).content))[0] == FORMAT_KEY
    assert service.open_version(repo, "test-deal", 2).deal == fee_deal(2000)


def test_a_version_saved_without_the_key_opens_as_format_1_and_is_never_rewritten(repo: Any):
    deal = fee_deal(1500)
    text = save_as_an_old_release(repo, deal)
    opened = service.open_version(repo, "old-deal")
    assert opened.deal == deal_from_yaml(text) and opened.text == text
    assert value_deal(opened.deal).to_dict() == value_deal(deal).to_dict()  # the same money
    assert opened.note == (f"register: deal 'old-deal' version 1: written in format 1, read as format {CURRENT_FORMAT} "
                           f"({real_steps()})")
    assert opened.migrated is not None and opened.migrated.from_version == 1
    marking = Marking()
    with migration_steps({CURRENT_FORMAT: marking.step}):
        migrated = service.open_version(repo, "old-deal", 1)
        assert migrated.deal.description == deal.description + Marking.MARK and marking.calls == 1
        assert migrated.note == (f"register: deal 'old-deal' version 1: written in format 1, read as format {NEXT} "
                                 f"({real_steps()}; {MARKED})")
        assert migrated.text == text
        service.diff(repo, "old-deal", 1, 1)
    stored = repo.version("old-deal", 1)
    assert stored.content == text and stored.sha256 == checksum(text)  # migrated when read, never rewritten
    assert service.verify(repo).problems == []
    # A version saved now, on top of the old one, records the format; both verify.
    service.save(repo, fee_deal(1600), author="Bo", note="now", base_version=1, key="old-deal")
    assert repo.version("old-deal", 2).content.startswith(f"{FORMAT_KEY}: {CURRENT_FORMAT}\n")
    assert service.verify(repo).problems == [] and repo.version("old-deal", 1).content == text


def test_restoring_an_old_version_saves_it_again_recording_the_format(repo: Any):
    save_as_an_old_release(repo, fee_deal(1000))
    service.save(repo, fee_deal(2000), author="Bo", note="up", base_version=1, key="old-deal")
    service.restore(repo, "old-deal", 1, author="Cy", note="back")
    assert repo.version("old-deal", 3).content.startswith(f"{FORMAT_KEY}: {CURRENT_FORMAT}\n")
    restored = service.open_version(repo, "old-deal", 3)
    assert restored.deal == service.open_version(repo, "old-deal", 1).deal and restored.note is None


def test_an_empty_field_whose_default_is_not_empty_is_written_and_reads_back_empty():
    # A format-1 equity term is read with equity_discount_rate empty ("each party's own rate", as format 1 valued
    # it), where format 2's default is an equity rate: leaving the empty field out of the file would change it.
    deal = load_deal(CORPUS / "format1" / "every-mechanism.yaml")
    equity = next(t for t in deal.terms if t.kind == "equity")
    assert equity.equity_discount_rate is None
    text = deal_to_yaml(deal)
    assert "equity_discount_rate: null" in text
    assert deal_from_yaml(text) == deal
    assert value_deal(deal_from_yaml(text)).to_dict() == value_deal(deal).to_dict()

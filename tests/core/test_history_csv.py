"""Reading Toggl's detailed CSV export and planning its import (``_core.history_csv``): values in, values out."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from toggl_api import TogglClient, TogglProject, TogglTag, TogglTracker
from toggl_api._core.coverage import Coverage
from toggl_api._core.history_csv import (
    CsvImportError,
    CsvRow,
    imported_id,
    parse_csv,
    parse_duration,
    plan_import,
)
from toggl_api._core.models import TogglTask, TogglWorkspaceUser

BERLIN = ZoneInfo("Europe/Berlin")
UTC = timezone.utc
HEADER = (
    "User,Email,Client,Project,Task,Description,Billable,Start date,Start time,End date,End time,Duration,Tags,"
    "Amount (USD)"
)
NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)
WS = 7


def _file(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def _row(**cells: str) -> str:
    values = {
        "User": "Demo User", "Email": "demo@example.com", "Client": "Acme Corp", "Project": "Website Redesign",
        "Task": "", "Description": "Code review", "Billable": "No", "Start date": "2025-12-03",
        "Start time": "09:00:00", "End date": "2025-12-03", "End time": "10:30:00", "Duration": "01:30:00",
        "Tags": "", "Amount (USD)": "",
    }  # fmt: skip
    values.update({k.replace("_", " "): v for k, v in cells.items()})
    return ",".join(f'"{v}"' if "," in v else v for v in values.values())


# -- reading ----------------------------------------------------------------------------------------------


def test_local_times_become_utc_in_the_given_zone() -> None:
    (row,) = parse_csv(_file(_row()), tz=BERLIN).rows
    assert (row.start, row.stop) == (datetime(2025, 12, 3, 8, tzinfo=UTC), datetime(2025, 12, 3, 9, 30, tzinfo=UTC))


def test_summer_times_use_the_summer_offset() -> None:
    (row,) = parse_csv(_file(_row(Start_date="2025-07-01", End_date="2025-07-01")), tz=BERLIN).rows
    assert row.start == datetime(2025, 7, 1, 7, tzinfo=UTC)


def test_columns_are_read_by_name_in_any_order() -> None:
    text = "Start time,Description,Start date,Duration\n09:00:00,Reordered,2025-12-03,00:45:00\n"
    (row,) = parse_csv(text, tz=UTC).rows
    assert (row.description, row.start, row.stop - row.start) == (
        "Reordered",
        datetime(2025, 12, 3, 9, tzinfo=UTC),
        timedelta(minutes=45),
    )


def test_a_bom_in_bytes_is_ignored() -> None:
    (row,) = parse_csv(b"\xef\xbb\xbf" + _file(_row()).encode(), tz=BERLIN).rows
    assert row.email == "demo@example.com"


def test_a_bom_in_text_is_ignored() -> None:
    (row,) = parse_csv("\ufeff" + _file(_row()), tz=BERLIN).rows
    assert row.user == "Demo User"


def test_quoted_descriptions_keep_commas_quotes_and_accents() -> None:
    line = _row().replace("Code review", '"Workshop, Zürich ""kick-off"""')
    (row,) = parse_csv(_file(line), tz=BERLIN).rows
    assert row.description == 'Workshop, Zürich "kick-off"'


def test_tags_are_split_on_comma_space() -> None:
    (row,) = parse_csv(_file(_row(Tags="review, deep-work")), tz=BERLIN).rows
    assert row.tags == ("review", "deep-work")


def test_us_dates_are_detected_when_a_day_exceeds_twelve() -> None:
    rows = parse_csv(_file(_row(Start_date="12/03/2025", End_date="12/03/2025"),
                           _row(Start_date="12/15/2025", End_date="12/15/2025")), tz=UTC)  # fmt: skip
    assert (rows.date_format, rows.rows[0].start.date().isoformat()) == ("MM/DD/YYYY", "2025-12-03")


def test_ambiguous_dates_ask_for_date_format() -> None:
    with pytest.raises(CsvImportError, match="date_format"):
        parse_csv(_file(_row(Start_date="03/04/2025", End_date="03/04/2025")), tz=UTC)


def test_an_explicit_day_first_format_settles_ambiguous_dates() -> None:
    text = _file(_row(Start_date="03/04/2025", End_date="03/04/2025"))
    (row,) = parse_csv(text, tz=UTC, date_format="DD/MM/YYYY").rows
    assert row.start.date().isoformat() == "2025-04-03"


def test_dotted_day_first_dates_are_read() -> None:
    (row,) = parse_csv(_file(_row(Start_date="03.12.2025", End_date="03.12.2025")), tz=UTC).rows
    assert row.start.date().isoformat() == "2025-12-03"


def test_an_unknown_date_format_name_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="date_format must be one of"):
        parse_csv(_file(_row()), tz=UTC, date_format="YYYY/DD/MM")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("01:30:00", timedelta(hours=1, minutes=30)),
        ("1:30:00", timedelta(hours=1, minutes=30)),
        ("0:05", timedelta(minutes=5)),
        ("27:00:05", timedelta(hours=27, seconds=5)),
        ("1.50", timedelta(hours=1, minutes=30)),
        ("0,25", timedelta(minutes=15)),
    ],
    ids=["classic", "improved", "improved-short", "over-a-day", "decimal", "decimal-comma"],
)
def test_durations_in_every_format_toggl_writes(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


def test_a_garbage_duration_is_a_value_error_saying_the_formats() -> None:
    with pytest.raises(ValueError, match="HH:MM:SS"):
        parse_duration("90 min")


def test_without_end_columns_the_duration_gives_the_stop() -> None:
    text = "Description,Start date,Start time,Duration\nShort,2025-12-03,09:00:00,1.25\n"
    (row,) = parse_csv(text, tz=UTC).rows
    assert row.stop == datetime(2025, 12, 3, 10, 15, tzinfo=UTC)


@pytest.mark.parametrize(("word", "expected"), [("Yes", True), ("No", False), ("はい", True), ("いいえ", False)])
def test_billable_words_of_known_languages(word: str, expected: bool) -> None:
    (row,) = parse_csv(_file(_row(Billable=word)), tz=UTC).rows
    assert row.billable is expected


def test_billable_words_can_be_given() -> None:
    (row,) = parse_csv(_file(_row(Billable="Tak")), tz=UTC, billable_words=("Tak", "Nie")).rows
    assert row.billable is True


def test_an_unknown_billable_word_names_line_and_column() -> None:
    with pytest.raises(CsvImportError, match=r"line 3, column 'Billable'.*billable_words") as info:
        parse_csv(_file(_row(), _row(Billable="Tak")), tz=UTC)
    assert (info.value.line, info.value.column) == (3, "Billable")


def test_a_bad_time_names_line_and_column() -> None:
    with pytest.raises(CsvImportError, match=r"line 2, column 'Start time'"):
        parse_csv(_file(_row(Start_time="9 o'clock")), tz=UTC)


def test_an_entry_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(CsvImportError, match="ends before it starts"):
        parse_csv(_file(_row(End_time="08:00:00")), tz=UTC)


def test_bad_rows_can_be_skipped_and_reported() -> None:
    parsed = parse_csv(_file(_row(), _row(Start_time="soon"), _row()), tz=UTC, skip_bad_rows=True)
    assert len(parsed.rows) == 2
    assert [(p.line, p.column) for p in parsed.problems] == [(3, "Start time")]


def test_a_header_without_start_columns_is_refused() -> None:
    with pytest.raises(CsvImportError, match="lacks required columns"):
        parse_csv("Project,Description\nX,Y\n", tz=UTC)


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(CsvImportError, match="empty"):
        parse_csv("", tz=UTC)


def test_bytes_that_are_not_utf8_are_refused() -> None:
    with pytest.raises(CsvImportError, match="not UTF-8"):
        parse_csv(_file(_row(Description="Caf\xe9")).encode("latin-1"), tz=UTC)


def test_tz_must_be_a_tzinfo() -> None:
    with pytest.raises(TypeError, match="ZoneInfo"):
        parse_csv(_file(_row()), tz="Europe/Berlin")  # type: ignore[arg-type]


# -- planning ---------------------------------------------------------------------------------------------


def _csv_row(**changes: object) -> CsvRow:
    start = datetime(2025, 12, 3, 8, tzinfo=UTC)
    values: dict[str, object] = {
        "line": 2,
        "start": start,
        "stop": start + timedelta(hours=1),
        "description": "Code review",
        "project": "Website Redesign",
        "client": "Acme Corp",
    }
    values.update(changes)
    return CsvRow(**values)  # type: ignore[arg-type]


PROJECTS = [TogglProject(11, "Website Redesign", workspace=WS, client=5), TogglProject(12, "Research", workspace=WS)]


def test_imported_ids_are_negative_and_stable() -> None:
    row = _csv_row()
    first = imported_id(WS, row.start, row.stop, row.description, row.project)
    assert first < 0
    assert first == imported_id(WS, row.start, row.stop, row.description, row.project)


def test_imported_ids_differ_by_description() -> None:
    row = _csv_row()
    assert imported_id(WS, row.start, row.stop, "a", row.project) != imported_id(WS, row.start, row.stop, "b", "")


def test_names_map_to_cached_project_tag_task_and_user() -> None:
    plan = plan_import(
        [_csv_row(tags=("review",), task="Wireframes", email="demo@example.com")],
        workspace_id=WS,
        now=NOW,
        projects=PROJECTS,
        tags=[TogglTag(21, "review", workspace=WS)],
        tasks=[TogglTask(31, "Wireframes", workspace=WS, project=11)],
        users=[TogglWorkspaceUser(41, "Demo User", workspace=WS, user=99, email="demo@example.com")],
    )
    (entry,) = plan.entries
    assert (entry.project, [t.id for t in entry.tags], entry.task, entry.user) == (11, [21], 31, 99)


def test_unknown_names_are_reported_and_the_entry_kept_without_them() -> None:
    plan = plan_import([_csv_row(project="Nowhere", tags=("new-tag",))], workspace_id=WS, now=NOW, projects=PROJECTS)
    (entry,) = plan.entries
    assert (plan.unknown_projects, plan.unknown_tags) == ({"Nowhere"}, {"new-tag"})
    assert (entry.project, entry.extra["csv_project"], entry.tag_names()) == (None, "Nowhere", ["new-tag"])


def test_projects_of_the_same_name_are_told_apart_by_client() -> None:
    projects = [*PROJECTS, TogglProject(13, "Website Redesign", workspace=WS, client=6)]
    clients = [TogglClient(5, "Acme Corp", workspace=WS), TogglClient(6, "Globex", workspace=WS)]
    plan = plan_import([_csv_row(client="Globex")], workspace_id=WS, now=NOW, projects=projects, clients=clients)
    assert plan.entries[0].project == 13


def test_rows_in_a_range_covered_by_api_data_are_skipped_and_counted() -> None:
    row = _csv_row()
    coverage = Coverage().add(row.start - timedelta(days=1), row.start + timedelta(days=1), NOW - timedelta(days=90))
    plan = plan_import([row, _csv_row(start=row.start - timedelta(days=5))], workspace_id=WS, now=NOW,
                       coverage=coverage)  # fmt: skip
    assert (plan.skipped_covered, len(plan.entries)) == (1, 1)


def test_rows_starting_with_a_cached_api_entry_are_skipped() -> None:
    row = _csv_row()
    api = TogglTracker(3_700_000_000, "Code review", workspace=WS, start=row.start, stop=row.stop)
    plan = plan_import([row], workspace_id=WS, now=NOW, cached_entries=[api])
    assert (plan.skipped_known, plan.entries) == (1, ())


def test_an_api_entry_of_another_workspace_does_not_skip_a_row() -> None:
    row = _csv_row()
    api = TogglTracker(3_700_000_000, "Code review", workspace=WS + 1, start=row.start, stop=row.stop)
    assert len(plan_import([row], workspace_id=WS, now=NOW, cached_entries=[api]).entries) == 1


def test_the_same_row_twice_is_one_entry() -> None:
    assert len(plan_import([_csv_row(), _csv_row(line=3)], workspace_id=WS, now=NOW).entries) == 1


def test_planned_entries_are_ordinary_stopped_trackers_of_the_workspace() -> None:
    (entry,) = plan_import([_csv_row(billable=True)], workspace_id=WS, now=NOW).entries
    assert (entry.workspace, entry.running(), entry.duration, entry.billable, entry.timestamp) == (
        WS,
        False,
        timedelta(hours=1),
        True,
        NOW,
    )


def test_twelve_hour_times_are_read() -> None:
    (row,) = parse_csv(_file(_row(Start_time="09:00 PM", End_time="10:30 PM")), tz=UTC).rows
    assert row.start == datetime(2025, 12, 3, 21, tzinfo=UTC)


def test_an_impossible_date_names_line_and_column() -> None:
    with pytest.raises(CsvImportError, match=r"line 2, column 'Start date'"):
        parse_csv(_file(_row(Start_date="2025-02-30")), tz=UTC, date_format="YYYY-MM-DD")


def test_one_bad_date_among_good_ones_is_named_by_line() -> None:
    text = _file(_row(), _row(Start_date="2025-13-03"), _row())
    with pytest.raises(CsvImportError, match=r"line 3, column 'Start date'"):
        parse_csv(text, tz=UTC)

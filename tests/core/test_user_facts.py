"""What the cache remembers of ``GET /me``: read back exactly, garbage read as unknown."""

from __future__ import annotations

import pytest

from toggl_api._core.user_facts import UserFacts


def test_facts_from_me_survive_the_stored_form() -> None:
    facts = UserFacts.from_me({"id": 5, "timezone": "Europe/Paris", "default_workspace_id": 9, "email": "x@y"})

    assert UserFacts.from_json(facts.to_json()) == UserFacts(5, "Europe/Paris", 9)


def test_fields_of_the_wrong_type_are_unknown() -> None:
    assert UserFacts.from_me({"id": True, "timezone": 3, "default_workspace_id": "9"}) == UserFacts()


@pytest.mark.parametrize("stored", [None, "", "{not json", "[1, 2]", '{"timezone": ""}'])
def test_nothing_or_garbage_stored_is_all_unknown(stored: str | None) -> None:
    assert UserFacts.from_json(stored) == UserFacts()

"""Every text column of every table is declared narrative or plain in one place (calldesk.rules.free_text)."""

from __future__ import annotations

from sqlalchemy import String, Text, TypeDecorator
from sqlmodel import SQLModel

import calldesk.models  # noqa: F401  (registers every table in the metadata)
from calldesk.rules.abuse import NARRATIVE_FIELDS, scrub_narrative
from calldesk.rules.free_text import FORM_NAMES, FREE_TEXT
from calldesk.store.db.audit import audit_value


def _text_columns() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for table in SQLModel.metadata.sorted_tables:
        for column in table.columns:
            kind = column.type.impl if isinstance(column.type, TypeDecorator) else column.type  # AutoString
            if isinstance(kind, String | Text) or column.type.python_type is str:
                found.setdefault(table.name, set()).add(column.name)
    return found


def test_every_text_column_of_every_table_is_classified() -> None:
    columns = _text_columns()
    assert len(columns) >= 10  # the metadata really was read
    unclassified = {f"{table}.{name}" for table, names in columns.items() for name in names
                    if table not in FREE_TEXT or name not in (FREE_TEXT[table].narrative | FREE_TEXT[table].plain
                                                              | FREE_TEXT[table].forms)}
    assert not unclassified, f"declare these in calldesk/rules/free_text.py: {sorted(unclassified)}"


def test_the_classification_names_only_real_columns_each_once() -> None:
    columns = _text_columns()
    for table, kinds in FREE_TEXT.items():
        declared = [*kinds.narrative, *kinds.plain, *kinds.forms]
        assert len(declared) == len(set(declared)), table
        assert set(declared) <= columns.get(table, set()), table
        assert kinds.placeheld <= kinds.narrative, table
    assert all(table in FREE_TEXT and column in FREE_TEXT[table].narrative for table, column in FORM_NAMES)


def test_narrative_fields_come_from_the_classification_and_include_the_outcome() -> None:
    for name in ("claim", "evidence", "steps_taken", "response", "outcome", "alleged_violation", "followup_done",
                 "followup_pending", "close_reason", "done", "pending"):
        assert name in NARRATIVE_FIELDS
    for table, kinds in FREE_TEXT.items():
        for column in kinds.narrative:
            assert FORM_NAMES.get((table, column), column) in NARRATIVE_FIELDS
    for plain in ("caller_name", "phone", "category", "school", "routing_notes"):
        assert plain not in NARRATIVE_FIELDS
    assert scrub_narrative({"outcome": "referred to the hotline", "phone": "2135550142"}) == {
        "outcome": "", "phone": "2135550142"}


def test_the_audit_trail_fingerprints_every_narrative_and_the_draft_form() -> None:
    for name in (*NARRATIVE_FIELDS, "form"):
        assert audit_value(name, "the caller said her uncle hit him").startswith("[text ")
    assert audit_value("caller_name", "Maria Gomez") != "Maria Gomez"  # personal: never verbatim in the trail

"""Every example file of the contract parses into the model named like its schema."""

from __future__ import annotations

import pytest

from sety_console.api import models
from tests.contract import example, example_schemas, operations

PAIRS = example_schemas()


def test_every_example_file_is_covered() -> None:
    stems = {stem for stem, _ in PAIRS}
    assert len(stems) >= 45
    assert "create-incident-response" in stems


@pytest.mark.parametrize(("stem", "schema"), PAIRS)
def test_example_parses_into_its_model(stem: str, schema: str) -> None:
    model = getattr(models, schema)
    parsed = model.model_validate(example(stem))
    assert isinstance(parsed, model)
    if issubclass(model, models.RequestModel):
        assert parsed.body() == _without_nulls(example(stem))


def test_docs_example_with_obfuscated_email_parses() -> None:
    """The docs' own response has a non-address in subject.email; it must still parse."""
    parsed = models.CreateIncidentResponse.model_validate(example("create-incident-response"))
    assert (
        parsed.incident.subject.email == example("create-incident-response")["incident"]["subject"]["email"]
    )
    assert parsed.incident.incident_id == "inc_a1b2c3d4e5f6g7h8"


def test_every_schema_has_a_model() -> None:
    from tests.contract import spec

    missing = [name for name in spec()["components"]["schemas"] if not hasattr(models, name)]
    assert missing == []


def test_27_operations() -> None:
    assert len(operations()) == 27


def _without_nulls(value: object) -> object:
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


def test_timestamps_keep_four_digit_years() -> None:
    """Found by schemathesis: a year before 1000 must still be written YYYY (RFC 3339)."""
    from datetime import UTC, datetime

    assert models.format_timestamp(datetime(405, 5, 23, 23, 59, 59, 999_000, tzinfo=UTC)) == (
        "0405-05-23T23:59:59.999Z"
    )


@pytest.mark.parametrize("where", ["subject", "location"])
def test_subject_and_location_refuse_unknown_fields_in_requests(where: str) -> None:
    """2026-12-06: `Subject` and `Location` are `additionalProperties: false`, like every request schema."""
    body = example("createIncident.request")
    body[where] = {**body[where], "floor": "3rd"}
    with pytest.raises(ValueError, match="floor"):
        models.CreateIncidentRequest.model_validate(body)


def test_responses_still_tolerate_unknown_subject_and_location_fields() -> None:
    incident = example("getIncident.response")
    incident["subject"] = {**incident["subject"], "floor": "3rd"}
    incident["location"] = {**incident["location"], "floor": "3rd"}
    assert (
        models.Incident.model_validate(incident).subject.name
        == example("getIncident.response")["subject"]["name"]
    )

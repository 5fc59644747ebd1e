"""Building answers: JSON bytes straight from models or stored documents, page envelopes."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import Any

from fastapi import Response
from pydantic import BaseModel


def answer_json(model: BaseModel) -> str:
    """A response model as the wire JSON: every property, explicit nulls and contract timestamps."""
    return model.model_dump_json(by_alias=True)


def model_response(model: BaseModel, status: int = 200) -> Response:
    """A response model serialised with every property, explicit nulls and contract timestamps."""
    return Response(answer_json(model), status_code=status, media_type="application/json")


def json_response(payload: Any, status: int = 200) -> Response:
    return Response(_dumps(payload), status_code=status, media_type="application/json")


def raw_json_response(document: str, status: int = 200) -> Response:
    """A stored JSON document sent back as is (no parse, no re-validation)."""
    return Response(document, status_code=status, media_type="application/json")


def pagination(page: int, limit: int, total: int) -> dict[str, Any]:
    """The `Pagination` object: `total_pages = ceil(total / limit)`, `has_more = page < total_pages`."""
    total_pages = math.ceil(total / limit) if total else 0
    return {
        "page": page,
        "limit": limit,
        "total": total,
        "total_pages": total_pages,
        "has_more": page < total_pages,
    }


def page_of_documents(documents: Sequence[str], page: int, limit: int, total: int) -> Response:
    """A `PaginatedResponse` whose items are stored JSON documents, joined without parsing."""
    body = (
        '{"data":[' + ",".join(documents) + '],"pagination":' + _dumps(pagination(page, limit, total)) + "}"
    )
    return Response(body, media_type="application/json")


def page_of_models(items: Sequence[BaseModel], page: int, limit: int, total: int) -> Response:
    """A `PaginatedResponse` of response models."""
    return page_of_documents([item.model_dump_json(by_alias=True) for item in items], page, limit, total)


def _dumps(payload: Any) -> str:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)

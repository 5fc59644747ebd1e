"""Access Codes and Access Logs operations: codes for expected visitors, check-in, checkout, stats."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime

from .._query import OneOrMany, path_segment, query
from ..base import BaseClient
from ..models import (
    AccessCode,
    AccessCodePage,
    AccessCodeStatus,
    AccessLog,
    AccessLogPage,
    AccessLogStats,
    AccessLogStatus,
    CheckoutVisitorRequest,
    CreateAccessCodeRequest,
    CreateAccessLogRequest,
    CurrentVisitorsResponse,
    ValidateAccessCodeRequest,
    ValidationResult,
)
from ..pagination import paginate

__all__ = ["AccessOperations"]


class AccessOperations(BaseClient):
    """The Access Codes and Access Logs tags."""

    async def create_access_code(
        self, request: CreateAccessCodeRequest, *, idempotency_key: str | None = None
    ) -> AccessCode:
        """`POST /access-codes`: issue a 6-digit code for one expected visitor.

        `idempotency_key` goes out as the `Idempotency-Key` header (keep it for every retry).
        """
        return await self._call(
            AccessCode,
            "POST",
            "/access-codes",
            body=request.body(),
            idempotency_key=idempotency_key,
        )

    async def list_access_codes(
        self,
        *,
        status: OneOrMany[AccessCodeStatus | str] | None = None,
        page: int | None = None,
        limit: int | None = None,
    ) -> AccessCodePage:
        """`GET /access-codes`: one page of codes, newest first."""
        params = query(status=status, page=page, limit=limit)
        return await self._call(AccessCodePage, "GET", "/access-codes", params=params)

    def iter_access_codes(
        self, *, status: OneOrMany[AccessCodeStatus | str] | None = None, limit: int | None = None
    ) -> AsyncIterator[AccessCode]:
        """Every access code matching `status`, page after page."""
        return paginate(lambda page: self.list_access_codes(status=status, page=page, limit=limit))

    async def validate_access_code(self, code: str) -> ValidationResult:
        """`POST /access-codes/validate`: check a code without using it (`valid: false` is not an error)."""
        body = self._request_model(ValidateAccessCodeRequest, "access code", code=code).body()
        return await self._call(ValidationResult, "POST", "/access-codes/validate", body=body)

    async def revoke_access_code(self, code_id: str, *, idempotency_key: str | None = None) -> AccessCode:
        """`POST /access-codes/{codeId}/revoke`: withdraw an active code (409 when not active)."""
        path = f"/access-codes/{path_segment(code_id, 'code_id')}/revoke"
        return await self._call(AccessCode, "POST", path, idempotency_key=idempotency_key)

    async def list_access_logs(
        self,
        *,
        status: AccessLogStatus | str | None = None,
        gate: str | None = None,
        from_date: date | datetime | None = None,
        to_date: date | datetime | None = None,
        search: str | None = None,
        page: int | None = None,
        limit: int | None = None,
    ) -> AccessLogPage:
        """`GET /access-logs`: one page of visits, latest check-in first."""
        params = query(
            status=status,
            gate=gate,
            from_date=from_date,
            to_date=to_date,
            search=search,
            page=page,
            limit=limit,
        )
        return await self._call(AccessLogPage, "GET", "/access-logs", params=params)

    def iter_access_logs(
        self,
        *,
        status: AccessLogStatus | str | None = None,
        gate: str | None = None,
        from_date: date | datetime | None = None,
        to_date: date | datetime | None = None,
        search: str | None = None,
        limit: int | None = None,
    ) -> AsyncIterator[AccessLog]:
        """Every visit matching the filters, page after page."""
        return paginate(
            lambda page: self.list_access_logs(
                status=status,
                gate=gate,
                from_date=from_date,
                to_date=to_date,
                search=search,
                page=page,
                limit=limit,
            )
        )

    async def create_access_log(
        self, request: CreateAccessLogRequest, *, idempotency_key: str | None = None
    ) -> AccessLog:
        """`POST /access-logs`: check a visitor in, with an access code or by manual entry."""
        return await self._call(
            AccessLog,
            "POST",
            "/access-logs",
            body=request.body(),
            idempotency_key=idempotency_key,
        )

    async def get_access_log_stats(
        self,
        *,
        from_date: date | datetime | None = None,
        to_date: date | datetime | None = None,
        gate: str | None = None,
    ) -> AccessLogStats:
        """`GET /access-logs/stats`: visit counts for a period (default: the last 30 days)."""
        params = query(from_date=from_date, to_date=to_date, gate=gate)
        return await self._call(AccessLogStats, "GET", "/access-logs/stats", params=params)

    async def list_current_visitors(self, *, gate: str | None = None) -> CurrentVisitorsResponse:
        """`GET /access-logs/current`: everyone inside now, longest stay first (not paged)."""
        return await self._call(
            CurrentVisitorsResponse, "GET", "/access-logs/current", params=query(gate=gate)
        )

    async def checkout_visitor(
        self,
        log_id: str,
        checkout_notes: str | None = None,
        checkout_gate: str | None = None,
        *,
        idempotency_key: str | None = None,
    ) -> AccessLog:
        """`PATCH /access-logs/{logId}/checkout`: record that the visitor left (409 when already out)."""
        path = f"/access-logs/{path_segment(log_id, 'log_id')}/checkout"
        body = self._request_model(
            CheckoutVisitorRequest, "checkout", checkout_notes=checkout_notes, checkout_gate=checkout_gate
        ).body()
        return await self._call(AccessLog, "PATCH", path, body=body, idempotency_key=idempotency_key)

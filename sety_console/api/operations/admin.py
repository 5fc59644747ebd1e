"""API Keys and Webhooks administration operations (scope `admin`)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from .._query import path_segment, query
from ..base import BaseClient
from ..models import (
    ApiKey,
    ApiKeyCreated,
    ApiKeyPage,
    CreateApiKeyRequest,
    CreateWebhookEndpointRequest,
    WebhookDelivery,
    WebhookDeliveryPage,
    WebhookDeliveryStatus,
    WebhookEndpoint,
    WebhookEndpointCreated,
    WebhookEndpointPage,
)
from ..pagination import paginate

__all__ = ["AdminOperations"]


class AdminOperations(BaseClient):
    """The API Keys and Webhooks tags."""

    async def list_api_keys(self, *, page: int | None = None, limit: int | None = None) -> ApiKeyPage:
        """`GET /api-keys`: one page of the organization's keys (secrets never shown)."""
        return await self._call(ApiKeyPage, "GET", "/api-keys", params=query(page=page, limit=limit))

    def iter_api_keys(self, *, limit: int | None = None) -> AsyncIterator[ApiKey]:
        """Every API key, page after page."""
        return paginate(lambda page: self.list_api_keys(page=page, limit=limit))

    async def create_api_key(
        self, request: CreateApiKeyRequest, *, idempotency_key: str | None = None
    ) -> ApiKeyCreated:
        """`POST /api-keys`: a new key; its secret (`key`) is in this answer only."""
        return await self._call(
            ApiKeyCreated,
            "POST",
            "/api-keys",
            body=request.body(),
            idempotency_key=idempotency_key,
        )

    async def revoke_api_key(self, key_id: str) -> ApiKey:
        """`DELETE /api-keys/{keyId}`: revoke a key for good (409 when already revoked)."""
        return await self._call(ApiKey, "DELETE", f"/api-keys/{path_segment(key_id, 'key_id')}")

    async def list_webhook_endpoints(
        self, *, page: int | None = None, limit: int | None = None
    ) -> WebhookEndpointPage:
        """`GET /webhooks`: one page of webhook endpoints (without their secrets)."""
        return await self._call(WebhookEndpointPage, "GET", "/webhooks", params=query(page=page, limit=limit))

    def iter_webhook_endpoints(self, *, limit: int | None = None) -> AsyncIterator[WebhookEndpoint]:
        """Every webhook endpoint, page after page."""
        return paginate(lambda page: self.list_webhook_endpoints(page=page, limit=limit))

    async def create_webhook_endpoint(
        self, request: CreateWebhookEndpointRequest, *, idempotency_key: str | None = None
    ) -> WebhookEndpointCreated:
        """`POST /webhooks`: register a URL; its signing `secret` is in this answer only."""
        return await self._call(
            WebhookEndpointCreated,
            "POST",
            "/webhooks",
            body=request.body(),
            idempotency_key=idempotency_key,
        )

    async def delete_webhook_endpoint(self, endpoint_id: str) -> None:
        """`DELETE /webhooks/{endpointId}`: remove the endpoint and its delivery log (204, no body)."""
        await self._send("DELETE", f"/webhooks/{path_segment(endpoint_id, 'endpoint_id')}")

    async def list_webhook_deliveries(
        self,
        endpoint_id: str,
        *,
        status: WebhookDeliveryStatus | str | None = None,
        page: int | None = None,
        limit: int | None = None,
    ) -> WebhookDeliveryPage:
        """`GET /webhooks/{endpointId}/deliveries`: one page of delivery attempts, newest first."""
        path = f"/webhooks/{path_segment(endpoint_id, 'endpoint_id')}/deliveries"
        params = query(status=status, page=page, limit=limit)
        return await self._call(WebhookDeliveryPage, "GET", path, params=params)

    def iter_webhook_deliveries(
        self,
        endpoint_id: str,
        *,
        status: WebhookDeliveryStatus | str | None = None,
        limit: int | None = None,
    ) -> AsyncIterator[WebhookDelivery]:
        """Every delivery of one endpoint matching `status`, page after page."""
        return paginate(
            lambda page: self.list_webhook_deliveries(endpoint_id, status=status, page=page, limit=limit)
        )

"""Administration: API keys and webhook endpoints, deliveries and payloads."""

from __future__ import annotations

from pydantic import AnyUrl, Field, field_validator

from ._base import Known, Omittable, RequestModel, ResponseModel, Timestamp
from .common import PaginatedResponse
from .enums import Environment, Scope, WebhookDeliveryStatus, WebhookEventFilter, WebhookEventType
from .incidents import Incident


class ApiKey(ResponseModel):
    key_id: str
    name: str = ""
    prefix: str = ""
    environment: Environment = Environment.test
    scopes: list[Scope] = Field(default_factory=list)
    created_at: Timestamp | None = None
    last_used_at: Timestamp | None = None
    revoked: bool = False


class ApiKeyCreated(ApiKey):
    """A new key; `key` is shown once and never again."""

    key: str


class CreateApiKeyRequest(RequestModel):
    name: str = Field(min_length=1, max_length=100)
    environment: Omittable[Known[Environment]] = None
    scopes: list[Known[Scope]] = Field(min_length=1)

    @field_validator("scopes")
    @classmethod
    def _unique(cls, value: list[Scope]) -> list[Scope]:
        if len(set(value)) != len(value):
            raise ValueError("must not repeat a scope")
        return value


class ApiKeyPage(PaginatedResponse[ApiKey]):
    pass


class WebhookEndpoint(ResponseModel):
    endpoint_id: str
    url: str = ""
    events: list[WebhookEventFilter] = Field(default_factory=list)
    active: bool = True
    created_at: Timestamp | None = None


class WebhookEndpointCreated(WebhookEndpoint):
    """A new endpoint; `secret` signs its deliveries and is shown once."""

    secret: str


class CreateWebhookEndpointRequest(RequestModel):
    url: str = Field(min_length=1, max_length=2048)
    events: list[Known[WebhookEventFilter]] = Field(min_length=1)

    @field_validator("url")
    @classmethod
    def _uri(cls, value: str) -> str:
        AnyUrl(value)  # raises a ValueError-derived error for a malformed URI
        return value

    @field_validator("events")
    @classmethod
    def _unique(cls, value: list[WebhookEventFilter]) -> list[WebhookEventFilter]:
        if len(set(value)) != len(value):
            raise ValueError("must not repeat an event")
        return value


class WebhookEndpointPage(PaginatedResponse[WebhookEndpoint]):
    pass


class WebhookDelivery(ResponseModel):
    delivery_id: str
    endpoint_id: str = ""
    event: WebhookEventType
    status: WebhookDeliveryStatus = WebhookDeliveryStatus.pending
    attempts: int = 0
    response_status: int | None = None
    created_at: Timestamp | None = None
    last_attempt_at: Timestamp | None = None
    next_retry_at: Timestamp | None = None


class WebhookDeliveryPage(PaginatedResponse[WebhookDelivery]):
    pass


class WebhookPayloadData(ResponseModel):
    incident: Incident


class WebhookPayload(ResponseModel):
    event: WebhookEventType
    delivered_at: Timestamp
    data: WebhookPayloadData

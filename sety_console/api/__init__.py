"""The Sety API as typed Python: contract models, the async client, errors, rate budget (no Qt)."""

from .client import SetyClient
from .errors import (
    AuthenticationError,
    BadRequestError,
    ConflictError,
    ConnectionLostError,
    NotFoundError,
    PaymentRequiredError,
    PermissionDeniedError,
    RateLimitedError,
    RequestValidationError,
    ResponseFormatError,
    ServerError,
    SetyConnectError,
    SetyError,
    SetyTimeoutError,
    TransportError,
)
from .operations import BBox, CreateIncidentResult
from .ratelimit import RateBudget
from .retry import RetryPolicy
from .webhooks import (
    WebhookError,
    WebhookPayloadError,
    WebhookSignatureError,
    parse_webhook,
    sign,
    verify_signature,
)

__all__ = [
    "AuthenticationError",
    "BBox",
    "BadRequestError",
    "ConflictError",
    "ConnectionLostError",
    "CreateIncidentResult",
    "NotFoundError",
    "PaymentRequiredError",
    "PermissionDeniedError",
    "RateBudget",
    "RateLimitedError",
    "RequestValidationError",
    "ResponseFormatError",
    "RetryPolicy",
    "ServerError",
    "SetyClient",
    "SetyConnectError",
    "SetyError",
    "SetyTimeoutError",
    "TransportError",
    "WebhookError",
    "WebhookPayloadError",
    "WebhookSignatureError",
    "parse_webhook",
    "sign",
    "verify_signature",
]

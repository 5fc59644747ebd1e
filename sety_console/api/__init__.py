"""The Sety API as typed Python: contract models, the async client, errors, rate budget (no Qt)."""

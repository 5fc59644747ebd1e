"""One router per tag of the contract."""

from __future__ import annotations

from fastapi import APIRouter

from . import access_codes, access_logs, api_keys, health, incidents, intel, webhooks

ROUTERS: tuple[APIRouter, ...] = (
    health.router,
    incidents.router,
    access_codes.router,
    access_logs.router,
    intel.router,
    api_keys.router,
    webhooks.router,
)

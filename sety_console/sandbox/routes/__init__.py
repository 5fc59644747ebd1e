"""One router per tag of the contract."""

from __future__ import annotations

from fastapi import APIRouter

from . import health, incidents

ROUTERS: tuple[APIRouter, ...] = (health.router, incidents.router)

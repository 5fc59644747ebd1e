"""Supervisor workspace: area analytics, place comparison, incident analytics, saved views, handover."""

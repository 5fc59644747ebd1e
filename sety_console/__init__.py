"""Sety Console: a desktop dispatcher console for the Sety emergency-response API."""

__version__ = "0.1.0"

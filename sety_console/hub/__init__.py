"""The control-room hub (`sety-console hub serve`): one process that owns the organisation's Sety key and
its rate budget, polls Sety once for every workstation, serves them the same contract under
`/v1/external`, a numbered change stream, and the operators' shared state (alarms, claims, audit, shift).

Qt-free: it imports `api`, `core`, FastAPI and SQLAlchemy, never `ui` or `sandbox`.
"""

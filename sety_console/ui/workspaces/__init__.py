"""Workspace controllers: each builds one workspace's widgets and keeps them in step with the session."""

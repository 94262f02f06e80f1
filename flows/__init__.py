"""Prefect flows over the `pipeline` library: scheduling, retries, parallelism, artifacts."""

import os

# Offline by design: no Prefect server must try to send usage statistics,
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")  # nor the client (Prefect's SDK telemetry)

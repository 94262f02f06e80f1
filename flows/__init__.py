"""Prefect flows over the `pipeline` library: scheduling, retries, parallelism, artifacts."""

import os

# Offline by design: the embedded server must not try to send usage statistics.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

"""Prefect flows over the `pipeline` library: scheduling, retries, parallelism, artifacts."""

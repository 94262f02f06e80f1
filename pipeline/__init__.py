"""report-digest: read the reports regional bureaus send in and digest them for reviewers.

The library is Prefect-free; `flows/` schedules and parallelises it. Data moves one way:
file -> Document (readers) -> Record (extraction) -> outputs.
"""

__version__ = "0.3.0"

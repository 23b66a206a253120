"""Prefect 3 flows over :mod:`pipeline` (which never imports Prefect).

* :mod:`flows.nightly` -- the ``nightly`` flow: ingest -> extract (mapped over PMID batches on a
  thread, process or Dask task runner; a failing article is recorded, never failing the run)
  -> graph -> dated and ``latest`` exports, with a markdown summary artifact (key
  ``mscgraph-nightly-summary``).
* :mod:`flows.runtime` -- what every worker needs: the store (its URL from the environment, never
  a flow parameter with a password), task runners, settings overrides, retry rules.
* :mod:`flows.deployments` -- serve ``nightly`` on a cron schedule
  (``python -m flows.deployments --cron "0 2 * * *" --timezone Europe/Berlin``).

Importing this package does not import Prefect; import the sub-modules for that.
"""
from __future__ import annotations

__all__ = ["nightly", "runtime", "deployments"]

"""Serve the ``nightly`` flow on a cron schedule (default 02:00 every day, UTC).

Start a Prefect server, point this process at it, and serve::

    prefect server start                                   # UI on http://127.0.0.1:4200
    export PREFECT_API_URL=http://127.0.0.1:4200/api
    python -m flows.deployments --cron "0 2 * * *" --timezone Europe/Berlin

The process keeps running and starts a flow run at every scheduled time (and whenever you
press *Run* in the UI or call ``prefect deployment run 'mscgraph-nightly/nightly-serve'``).

Two routes, two deployment names, so neither overwrites the other's schedule and parameters:
this module serves ``mscgraph-nightly/nightly-serve`` (:data:`DEPLOYMENT_NAME`, no work pool);
``prefect.yaml`` declares ``mscgraph-nightly/nightly-pool`` for a work pool
(``prefect deploy --name nightly-pool``). The description of each names its cron and time zone.
Give the store as ``MSCGRAPH_DATABASE_URL`` in the environment of the serving process (or
worker), never as ``--param database_url=`` with a password: Prefect stores parameters. A run
with ``source=demo`` uses the demo's own store and exports (``corpora/demo.sqlite``,
``graph_exports/demo/``), never that variable's store.

Example
-------
>>> describe("30 1 * * *", "Europe/Berlin").split("; ")[-1]
'cron 30 1 * * * in Europe/Berlin'
>>> d = build_deployment(cron="30 1 * * *", timezone="Europe/Berlin")   # doctest: +SKIP
>>> d.schedules[0].schedule.cron                                       # doctest: +SKIP
'30 1 * * *'
"""
from __future__ import annotations

import argparse
import json
import os
from typing import Any, Sequence

__all__ = ["DEFAULT_CRON", "DEFAULT_TIMEZONE", "DEPLOYMENT_NAME", "DESCRIPTION", "describe",
           "build_deployment", "serve", "main"]

DEFAULT_CRON = "0 2 * * *"
DEFAULT_TIMEZONE = "UTC"
#: The name of the served deployment; ``prefect.yaml``'s is ``nightly-pool``.
DEPLOYMENT_NAME = "nightly-serve"
DESCRIPTION = "Nightly PubMed -> knowledge graph update (ingest, extract, graph, export)"


def describe(cron: str, timezone: str) -> str:
    """The deployment's description: what it does, its cron and the cron's time zone."""
    return f"{DESCRIPTION}; cron {cron} in {timezone}"


def build_deployment(*, cron: str = DEFAULT_CRON, timezone: str = DEFAULT_TIMEZONE,
                     name: str = DEPLOYMENT_NAME, parameters: dict[str, Any] | None = None,
                     paused: bool = False) -> Any:
    """A ``RunnerDeployment`` of :func:`flows.nightly.nightly` with a cron schedule.

    ``timezone`` is an IANA name (``Europe/Berlin``); the cron is evaluated in it, so 02:00
    stays 02:00 local time across daylight-saving changes.
    """
    from prefect.schedules import Cron

    from .nightly import nightly

    return nightly.to_deployment(
        name=name, schedules=[Cron(cron, timezone=timezone)], parameters=parameters or {},
        paused=paused, tags=["mscgraph"], description=describe(cron, timezone))


def serve(*, cron: str = DEFAULT_CRON, timezone: str = DEFAULT_TIMEZONE,
          name: str = DEPLOYMENT_NAME, parameters: dict[str, Any] | None = None) -> None:
    """Register the deployment with the Prefect API and run scheduled flow runs until stopped."""
    from prefect import serve as prefect_serve

    prefect_serve(build_deployment(cron=cron, timezone=timezone, name=name,
                                   parameters=parameters))


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m flows.deployments [--cron C] [--timezone TZ] [--param k=v ...]``."""
    parser = argparse.ArgumentParser(
        prog="python -m flows.deployments",
        description="Serve the mscgraph nightly flow on a cron schedule (needs PREFECT_API_URL "
                    "pointing at a running 'prefect server start').")
    parser.add_argument("--cron", default=DEFAULT_CRON,
                        help=f"cron expression (default {DEFAULT_CRON!r}: 02:00 daily)")
    parser.add_argument("--timezone", default=os.environ.get("MSCGRAPH_TIMEZONE",
                                                             DEFAULT_TIMEZONE),
                        help="IANA time zone of the cron (env MSCGRAPH_TIMEZONE, default UTC)")
    parser.add_argument("--name", default=DEPLOYMENT_NAME,
                        help=f"deployment name (default {DEPLOYMENT_NAME!r}; prefect.yaml's "
                             "is 'nightly-pool': keep them apart)")
    parser.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                        help="flow parameter (VALUE parsed as JSON when it is JSON), e.g. "
                             "--param source=pubmed --param 'queries=[\"msc_liver\"]'")
    args = parser.parse_args(argv)
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    serve(cron=args.cron, timezone=args.timezone, name=args.name,
          parameters=_params(args.param))
    return 0


def _params(items: Sequence[str]) -> dict[str, Any]:
    """``["a=1", "b=x"]`` -> ``{"a": 1, "b": "x"}``.

    >>> _params(["batch_size=20", "source=demo"])
    {'batch_size': 20, 'source': 'demo'}
    """
    out: dict[str, Any] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise SystemExit(f"--param needs KEY=VALUE, got {item!r}")
        try:
            out[key] = json.loads(value)
        except json.JSONDecodeError:
            out[key] = value
    return out


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

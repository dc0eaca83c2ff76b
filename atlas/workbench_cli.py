"""Subcommands of the analyst's workbench (issue 11): serve, snapshot, stats, rates.

Registered on the `smmatlas` parser by atlas/cli.py (`add_workbench_commands`).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from atlas.listing import add_format, render


def _user_error(exc: Exception) -> Exception:
    from atlas.cli import UserError

    return UserError(str(exc))


def cmd_serve(args: argparse.Namespace) -> int:
    from atlas.serve import ServeError, serve

    try:
        return serve(args.db, host=args.host, port=args.port)
    except ServeError as exc:
        raise _user_error(exc) from exc


def cmd_snapshot(args: argparse.Namespace) -> int:
    from atlas.serve import ServeError, snapshot

    try:
        counts = snapshot(args.db, Path(args.output), force=args.force)
    except ServeError as exc:
        raise _user_error(exc) from exc
    rows = sum(counts.values())
    print(f"wrote {args.output}: {len(counts)} tables, {rows} rows", file=sys.stderr)
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from atlas.query import open_for_reading
    from atlas.stats import StatsError, render_stats, run_stats

    engine, sessions = open_for_reading(args.db)
    try:
        with sessions() as session:
            text = render_stats(run_stats(session, args.run), args.format)
    except StatsError as exc:
        raise _user_error(exc) from exc
    finally:
        engine.dispose()
    print(text)
    return 0


def cmd_rates_import(args: argparse.Namespace) -> int:
    from atlas.rates import RatesError, import_rates
    from storage.db import open_db

    engine, sessions = open_db(args.db)
    try:
        with sessions() as session:
            n = import_rates(session, Path(args.file), source=args.source)
    except RatesError as exc:
        raise _user_error(exc) from exc
    finally:
        engine.dispose()
    print(f"imported {n} rates from {args.file}", file=sys.stderr)
    return 0


def cmd_rates_list(args: argparse.Namespace) -> int:
    from atlas.query import open_for_reading
    from atlas.rates import rate_rows

    engine, sessions = open_for_reading(args.db)
    with sessions() as session:
        print(render(*rate_rows(session), args.format))
    engine.dispose()
    return 0


def add_workbench_commands(sub, add_db: Callable[[argparse.ArgumentParser], None]) -> None:
    p = sub.add_parser(
        "serve",
        help="browse the atlas in Datasette (views, facets, canned queries)",
        description="Start Datasette on a SQLite atlas with the atlas's metadata: labels "
        "(domains for ids), facets, views in USD and canned queries. For PostgreSQL, write an "
        "SQLite copy first with `smmatlas snapshot`.",
    )
    add_db(p)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    p.add_argument("--port", type=int, default=8001, help="port (8001)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser(
        "snapshot",
        help="copy the atlas (e.g. PostgreSQL) into a new SQLite file",
        description="Copy every table of the atlas into a new SQLite file that "
        "`smmatlas serve --db sqlite:///FILE` opens.",
    )
    add_db(p)
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="SQLite file to write")
    p.add_argument("--force", action="store_true", help="replace FILE if it exists")
    p.set_defaults(func=cmd_snapshot)

    p = sub.add_parser(
        "stats",
        help="the market view of one run: median USD per 1000, platforms, currencies, payments",
        description="The published study's table for one crawl run (default: the latest): "
        "median price per 1000 in USD by platform and product, offers and portals per "
        "platform, currency mix, payment-method mix.",
    )
    p.add_argument("--run", type=int, help="crawl run id (default: the latest)")
    add_format(p)
    add_db(p)
    p.set_defaults(func=cmd_stats)

    rates = sub.add_parser("rates", help="exchange rates to USD (list, import)")
    rs = rates.add_subparsers(dest="rates_command", metavar="SUBCOMMAND")
    rs.required = True
    p = rs.add_parser(
        "import",
        help="add dated rates from a CSV (date,currency,per_usd)",
        description="Add exchange rates from a CSV with the columns date (YYYY-MM-DD), "
        "currency (ISO 4217) and per_usd (units per 1 US dollar); # lines are comments.",
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument("--source", help="name recorded with the rates (default: the file name)")
    add_db(p)
    p.set_defaults(func=cmd_rates_import)
    p = rs.add_parser("list", help="list the stored rates")
    add_format(p)
    add_db(p)
    p.set_defaults(func=cmd_rates_list)

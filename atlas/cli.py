"""`smmatlas`: the command line of the atlas. Every command has --help; see README.md "CLI"."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from config.errors import DatabaseError, UserError  # noqa: F401 - re-exported

EXIT_USAGE = 2
EXIT_FAILED = 1


def _add_db(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--db",
        metavar="URL",
        help="SQLAlchemy database URL (default: $SMMATLAS_DB or sqlite:///<data home>/atlas.db, "
        "see README 'Where data goes'); e.g. postgresql+psycopg://user@127.0.0.1:5432/atlas",
    )
    p.add_argument(
        "--create", action="store_true", help="create the SQLite atlas --db names if missing"
    )


# --- commands -------------------------------------------------------------------------------
def cmd_crawl(args: argparse.Namespace) -> int:
    from atlas.crawl import CrawlInputError, CrawlOptions, parse_age, read_seeds, run_crawl
    from atlas.crawl_cli import crawl_exit, crawl_extra

    try:
        targets = list(args.targets)
        if args.seeds:
            targets += read_seeds(args.seeds)
        extra = crawl_extra(args, parse_age)
        summary = run_crawl(
            CrawlOptions(
                targets=targets,
                db=args.db,
                proxy=args.proxy,
                render=args.render,
                budget=args.budget,
                data=args.data,
                resume=not args.no_resume,
                concurrency=args.concurrency,
                log_level="DEBUG" if args.verbose else ("CRITICAL" if args.quiet else "WARNING"),
                queue=args.queue,
                **extra,
            )
        )
    except CrawlInputError as exc:
        raise UserError(str(exc)) from exc
    except Exception as exc:  # locked atlas, dead network path: a message and their own code
        code = crawl_exit(exc)
        if code is None:
            raise
        print(f"smmatlas: error: {exc}", file=sys.stderr)
        return code
    stats = summary["stats"]
    print(
        f"run {summary['run_id']} {summary['status']}"
        f"{' (resumed)' if summary['resumed'] else ''}: "
        f"{stats.get('smmatlas/portals', 0)} portals, {stats.get('smmatlas/pages', 0)} pages, "
        f"{stats.get('smmatlas/render/decided', 0)} rendered in the browser, "
        f"{len(summary['skipped'])} already done"
    )
    if not args.quiet:
        for line in summary.get("report", []):
            print(line)
    return summary["exit"]


def cmd_diff(args: argparse.Namespace) -> int:
    from atlas.diff import DiffError, diff, diff_rows
    from atlas.query import format_rows
    from storage.db import open_db

    engine, sessions = open_db(args.db)
    try:
        with sessions() as session:
            result = diff(session, args.since)
    except DiffError as exc:
        raise UserError(str(exc)) from exc
    finally:
        engine.dispose()
    if args.format == "json":
        print(json.dumps(result, indent=1, ensure_ascii=False, default=str))
    else:
        print(format_rows(*diff_rows(result), fmt=args.format))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from atlas.export import ExportError, check_domains
    from atlas.exporters import BINARY, ExportOptions, get_exporter
    from atlas.query import open_for_reading

    if args.format in BINARY and (not args.output or args.output == "-"):
        raise UserError(f"--format {args.format} writes a file: give -o FILE")
    engine, sessions = open_for_reading(args.db)
    try:
        with sessions() as session:
            options = ExportOptions(domains=check_domains(session, args.domain), bom=args.bom)
            data = get_exporter(args.format)(session, options)
    except ExportError as exc:
        raise UserError(str(exc)) from exc
    finally:
        engine.dispose()
    if args.format in BINARY:
        try:
            Path(args.output).write_bytes(data)
        except OSError as exc:
            raise UserError(f"cannot write {args.output}: {exc}") from exc
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        _write_output(data.decode("utf-8"), args.output)
    return 0


def cmd_portals(args: argparse.Namespace) -> int:
    from atlas.listing import FilterError, portal_rows, render
    from atlas.query import open_for_reading

    engine, sessions = open_for_reading(args.db)
    try:
        with sessions() as session:
            print(render(*portal_rows(session, status=args.status), fmt=args.format))
    except FilterError as exc:
        raise UserError(str(exc)) from exc
    finally:
        engine.dispose()
    return 0


def cmd_query(args: argparse.Namespace) -> int:
    from atlas.query import QueryError, open_for_reading, run_query

    try:
        engine, _ = open_for_reading(args.db)  # the schema upgraded when the atlas is writable
    except QueryError as exc:
        raise UserError(str(exc)) from exc
    try:
        print(run_query(engine, args.sql, args.format))
    except QueryError as exc:
        raise UserError(str(exc)) from exc
    finally:
        engine.dispose()
    return 0


def cmd_clusters(args: argparse.Namespace) -> int:
    from atlas.clusters import cluster_rows, find_clusters
    from atlas.listing import render
    from atlas.query import open_for_reading

    engine, sessions = open_for_reading(args.db)
    with sessions() as session:
        clusters = find_clusters(session, max_share=args.max_share)
    engine.dispose()
    if args.format == "json":
        data = [
            {"portals": c.domains, "strength": c.strength, "shared": c.shared} for c in clusters
        ]
        print(json.dumps(data, indent=1, ensure_ascii=False))
    else:
        print(render(*cluster_rows(clusters), fmt=args.format))  # CSV cells made safe
    return 0


def cmd_db(args: argparse.Namespace) -> int:
    from storage.db import open_db, table_names

    engine, _ = open_db(args.db)
    print(f"{engine.url.render_as_string(hide_password=True)}: schema at head")
    print("tables: " + ", ".join(table_names(engine)))
    engine.dispose()
    return 0


def cmd_enrich(args: argparse.Namespace) -> int:
    from atlas.enrichment import run_enrich

    summary, failures = run_enrich(args)
    print(summary)
    if not failures:
        return 0
    more = len(failures) - 5
    shown = "; ".join(failures[:5]) + (f"; and {more} more" if more > 0 else "")
    print(
        f"smmatlas: error: {len(failures)} enrichment answers failed (recorded; earlier good "
        f"hosting facts are kept in exports): {shown}",
        file=sys.stderr,
    )
    return EXIT_FAILED


def cmd_sandbox_build(args: argparse.Namespace) -> int:
    from sandbox.build import build_web

    if args.portals is not None and args.portals < 1:
        raise UserError("--portals must be at least 1")
    try:
        summary = build_web(Path(args.out), seed=args.seed, portals=args.portals, world=args.world)
        for epoch in summary.get("epochs", []):
            folder = Path(args.out) / epoch
            sites = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["sites"]
            (folder / "seeds.txt").write_text("\n".join(s["url"] for s in sites) + "\n")
    except (FileNotFoundError, PermissionError, NotADirectoryError) as exc:
        raise UserError(str(exc)) from exc
    print(json.dumps(summary, default=str))
    return 0


def cmd_sandbox_serve(args: argparse.Namespace) -> int:
    from atlas.sandbox_cmd import serve_sandbox

    return serve_sandbox(args)


def cmd_demo(args: argparse.Namespace) -> int:
    from atlas.demo import run_demo

    return run_demo(args)


def _write_output(text: str, output: str | None) -> None:
    if not output or output == "-":
        sys.stdout.write(text + ("" if text.endswith("\n") else "\n"))
        return
    try:
        Path(output).write_text(text + "\n", encoding="utf-8")
    except OSError as exc:
        raise UserError(f"cannot write {output}: {exc}") from exc
    print(f"wrote {output}", file=sys.stderr)


# --- parser ---------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="smmatlas",
        description="SMM Atlas: crawl, catalogue and map websites that sell fake engagement.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser(
        "crawl",
        help="crawl portals into the database",
        description=(
            "Crawl portals (URLs or domains, and/or a seeds file) into the database. An "
            "interrupted run of the same seeds is resumed: portals it finished are skipped."
        ),
    )
    p.add_argument("targets", nargs="*", metavar="URL|DOMAIN")
    p.add_argument("--seeds", metavar="FILE", help="file with one URL or domain per line")
    _add_db(p)
    p.add_argument("--proxy", metavar="URL", help="HTTP proxy for every fetch (plain and browser)")
    p.add_argument(
        "--render",
        choices=["auto", "always", "never"],
        default="auto",
        help="browser rendering: only where needed (auto), every page, or never",
    )
    p.add_argument("--budget", type=int, default=40, help="pages per portal (default 40)")
    p.add_argument("--data", metavar="DIR", help="data folder for evidence (default ./data)")
    p.add_argument(
        "--no-resume",
        action="store_true",
        help="start a new run even if one of the same seeds was interrupted",
    )
    p.add_argument("--concurrency", type=int, help="concurrent requests (default 32)")
    p.add_argument(
        "--queue",
        metavar="URL",
        help="scale-out: put the portals on a shared Redis queue (redis://HOST:PORT/N) and crawl "
        "from it; `smmatlas worker` adds processes; needs a PostgreSQL --db",
    )
    p.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    p.add_argument("-q", "--quiet", action="store_true", help="nothing but the summary line")
    from atlas.crawl_cli import add_crawl_options

    add_crawl_options(p)
    p.set_defaults(func=cmd_crawl)

    p = sub.add_parser(
        "diff",
        help="what changed since a run or a date",
        description="Portals new, gone and back; offers added, removed and repriced; payment "
        "accounts, contacts and identifiers added and removed; hosting changes.",
    )
    p.add_argument("--since", metavar="RUN|DATE", help="default: the run before the newest")
    p.add_argument("--format", choices=["table", "json", "csv"], default="table")
    _add_db(p)
    p.set_defaults(func=cmd_diff)

    p = sub.add_parser(
        "export",
        help="export the atlas (JSON contract or CSV of offers)",
        description="Write the atlas as the JSON contract (smmatlas/portals@1), a CSV of "
        "offers or an XLSX workbook (one sheet per table); prices also in USD per 1000.",
    )
    from atlas.exporters import EXPORTERS  # output formats registered by name

    p.add_argument("--format", choices=list(EXPORTERS), default="json")
    p.add_argument("-o", "--output", metavar="FILE", help="output file (default: stdout)")
    p.add_argument("--domain", action="append", help="only this portal (repeatable)")
    p.add_argument("--bom", action="store_true", help="CSV: start with a UTF-8 byte-order mark")
    _add_db(p)
    p.set_defaults(func=cmd_export)

    p = sub.add_parser(
        "enrich",
        help="add hosting: DNS, ASN, RDAP, TLS, CDN",
        description="Enrich portals' hosting records (re-runnable; cached with a "
        "time-to-live). Sources are settings: see README.",
    )
    p.add_argument("domains", nargs="*", metavar="DOMAIN", help="default: every portal")
    _add_db(p)
    p.add_argument("--dns", metavar="HOST:PORT", action="append", help="DNS server (repeatable)")
    p.add_argument("--rdap-domain", metavar="URL", help="RDAP base URL for domains")
    p.add_argument("--rdap-ip", metavar="URL", help="RDAP base URL for IP addresses")
    p.add_argument("--tls", action="store_true", help="also read TLS certificates of HTTPS portals")
    p.add_argument("--refresh", action="store_true", help="ignore cached results")
    p.set_defaults(func=cmd_enrich)

    p = sub.add_parser("portals", help="list portals with their status and counts")
    p.add_argument("--status", help="only portals with this status")
    p.add_argument("--format", choices=["table", "json", "csv"], default="table")
    _add_db(p)
    p.set_defaults(func=cmd_portals)

    p = sub.add_parser(
        "query",
        help="run a read-only SQL query against the atlas",
        description="Run one read-only SQL statement (SELECT/WITH).",
    )
    p.add_argument("sql")
    p.add_argument("--format", choices=["table", "json", "csv"], default="table")
    _add_db(p)
    p.set_defaults(func=cmd_query)

    p = sub.add_parser(
        "clusters",
        help="group portals that share identifiers, contacts or payment accounts",
        description="Operator clusters: portals tied by the same analytics/pixel/chat IDs, "
        "favicon, crypto address, e-mail, phone, WhatsApp, Telegram or payment account.",
    )
    p.add_argument("--format", choices=["table", "json", "csv"], default="table")
    p.add_argument(
        "--max-share",
        type=int,
        default=10,
        help="ignore values shown on more portals than this (generic widgets, templates)",
    )
    _add_db(p)
    p.set_defaults(func=cmd_clusters)

    p = sub.add_parser("db", help="create or upgrade the database schema and show its tables")
    _add_db(p)
    p.set_defaults(func=cmd_db)

    sb = sub.add_parser("sandbox", help="the local sandbox web (build, serve)")
    sbs = sb.add_subparsers(dest="sandbox_command", metavar="SUBCOMMAND")
    sbs.required = True
    p = sbs.add_parser("build", help="generate the sandbox web and its ground truth")
    p.add_argument("--out", default="data/sandbox", help="output folder (default data/sandbox)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--portals", type=int, help="scale mode: generate N portals")
    p.add_argument(
        "--world",
        choices=("curated", "reach", "discovery"),
        default="curated",
        help="curated (default), reach (portals built the way real panel software serves them) "
        "or discovery (directories, lists, upstream and child panels, a certificate log)",
    )
    p.set_defaults(func=cmd_sandbox_build)
    p = sbs.add_parser(
        "serve",
        help="serve the sandbox web as an HTTP forward proxy",
        description="Serve the sandbox web on 127.0.0.1 as an HTTP forward proxy "
        "(and origin server by Host header), with its DNS and RDAP doubles.",
    )
    p.add_argument("--root", default="data/sandbox", help="built sandbox folder")
    p.add_argument("--epoch", default="late", choices=["early", "late"])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8899)
    p.add_argument("--dns-port", type=int, default=5353, help="DNS double port (0: off)")
    p.add_argument("--rdap-port", type=int, default=8898, help="RDAP double port (0: off)")
    p.set_defaults(func=cmd_sandbox_serve)

    p = sub.add_parser(
        "demo",
        help="build the sandbox, crawl it, enrich it, export it",
        description="The whole pipeline against the local sandbox web.",
    )
    p.add_argument("--data", default="data/demo", help="folder for the demo atlas")
    p.add_argument("--render", choices=["auto", "always", "never"], default="auto")
    p.set_defaults(func=cmd_demo)

    from atlas.discovery.cli import add_commands  # discover, candidates, graph (issue 9)

    add_commands(sub, _add_db)
    from atlas.report import add_takedown_commands  # report, dossier, verify (issue 8)

    add_takedown_commands(sub)
    from atlas.workbench_cli import add_workbench_commands  # serve, snapshot, stats, rates (#11)

    add_workbench_commands(sub, _add_db)
    from atlas.worker_cli import add_worker_command  # worker: scale-out on a queue (#12)

    add_worker_command(sub, _add_db)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    from atlas.home import require_existing, use_data_home

    use_data_home()  # $SMMATLAS_DATA, $SMMATLAS_HOME or the per-user data directory
    try:
        if args.command not in ("db", "crawl", "discover") and not getattr(args, "create", True):
            require_existing(args.db)  # a typo in --db is an error, not a new empty atlas
        return func(args)
    except (UserError, DatabaseError) as exc:
        print(f"smmatlas: error: {exc}", file=sys.stderr)
        return EXIT_USAGE if isinstance(exc, UserError) else EXIT_FAILED
    except KeyboardInterrupt:
        print("smmatlas: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `smmatlas ... | head`: the reader has gone, nothing is wrong
        sys.stderr.close()
        return 0


if __name__ == "__main__":  # `python -m atlas.cli`: run the imported module, so the UserError
    from atlas.cli import main as _main  # that subcommand modules raise is the one main() catches

    sys.exit(_main())

"""The discovery commands of `smmatlas`: discover, candidates, graph (added by atlas/cli.py)."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable


def cmd_discover(args: argparse.Namespace) -> int:
    from atlas.cli import UserError
    from atlas.crawl import CrawlInputError, check_proxy, read_seeds
    from atlas.discovery.rounds import DiscoverOptions, run_discover
    from extract.domains import normalise_seed

    seeds = list(args.seeds)
    try:
        if args.seeds_file:
            seeds += read_seeds(args.seeds_file)
        check_proxy(args.proxy)
    except CrawlInputError as exc:
        raise UserError(str(exc)) from exc
    keywords = list(args.ct or [])
    for seed in list(seeds):
        if seed.startswith("ct:"):
            seeds.remove(seed)
            keywords.append(seed[3:].strip())
    for seed in seeds:
        try:
            normalise_seed(seed)
        except ValueError as exc:
            raise UserError(f"seed {seed!r}: {exc}") from exc
    if any(not k or not k.replace("-", "").isalnum() for k in keywords):
        raise UserError("a certificate-log keyword is letters, digits and dashes (--ct smm)")
    if not seeds and not keywords:
        raise UserError("nothing to start from: give seed URLs/domains, --seeds FILE or --ct WORD")
    for name in ("rounds", "budget", "per_round"):
        if getattr(args, name) < 1:
            raise UserError(f"--{name.replace('_', '-')} must be at least 1")
    summary = run_discover(
        DiscoverOptions(
            seeds=seeds, ct_keywords=keywords, ct_url=args.ct_url, db=args.db, data=args.data,
            proxy=args.proxy, render=args.render, rounds=args.rounds,
            max_portals=args.max_portals, max_pages=args.max_pages, budget=args.budget,
            per_round=args.per_round, review=args.review,
        )
    )  # fmt: skip
    if args.format == "json":
        print(json.dumps({k: v for k, v in summary.items() if k != "log"}, indent=1))
        return 0
    for r in summary["rounds"]:
        print(
            f"round {r['number']}: crawled {len(r['crawled'])} sites, {r['pages']} pages, "
            f"{len(r['portals'])} portals: {' '.join(r['portals'])}"
        )
    states = ", ".join(f"{n} {s}" for s, n in sorted(summary["candidates"].items()))
    print(f"{len(summary['portals'])} portals in {summary['pages']} pages; candidates: {states}")
    if args.review:
        print("review mode: approve candidates with `smmatlas candidates approve DOMAIN ...`")
    return 0


def cmd_candidates(args: argparse.Namespace) -> int:
    from atlas.cli import UserError
    from atlas.discovery.candidates import candidate_rows, set_state
    from atlas.query import format_rows
    from storage.db import open_db

    engine, sessions = open_db(args.db)
    try:
        with sessions() as session:
            if args.action == "list":
                print(format_rows(*candidate_rows(session, args.state), fmt=args.format))
                return 0
            if not args.domains:
                raise UserError(f"candidates {args.action}: give one or more domains")
            state = {"approve": "approved", "reject": "rejected", "ignore": "ignored"}[args.action]
            missing = set_state(session, [d.lower() for d in args.domains], state)
            session.commit()
            if missing:
                raise UserError(f"not a candidate: {', '.join(missing)}")
            print(f"{len(args.domains)} candidates {state}")
    finally:
        engine.dispose()
    return 0


def cmd_graph(args: argparse.Namespace) -> int:
    from atlas.cli import UserError, _write_output
    from atlas.graph import build_graph, render
    from storage.db import open_db

    engine, sessions = open_db(args.db)
    try:
        with sessions() as session:
            graph = build_graph(session, cluster=args.cluster, max_share=args.max_share)
    finally:
        engine.dispose()
    if args.cluster and graph.number_of_nodes() == 0:
        raise UserError(f"no operator cluster {args.cluster!r} (see `smmatlas clusters`)")
    _write_output(render(graph, args.format), args.output)
    return 0


def add_commands(sub, add_db: Callable[[argparse.ArgumentParser], None]) -> None:
    p = sub.add_parser(
        "discover",
        help="find portals from a few seeds: crawl rounds over candidates",
        description="Rounds of discovery: candidates from seeds, the certificate log, off-site "
        "links of crawled pages (directories, cross-links), provider APIs, child panels and "
        "pivots are crawled best first; the portal verdict decides what is a portal.",
    )
    p.add_argument("seeds", nargs="*", metavar="URL|DOMAIN", help="seeds; `ct:WORD` = --ct WORD")
    p.add_argument("--seeds", dest="seeds_file", metavar="FILE", help="one seed per line")
    p.add_argument("--ct", action="append", metavar="WORD", help="certificate-log keyword")
    p.add_argument("--ct-url", metavar="URL", help="crt.sh-style endpoint ($SMMATLAS_CT_URL)")
    p.add_argument("--rounds", type=int, default=5, help="crawl rounds (default 5)")
    p.add_argument("--max-portals", type=int, help="stop once this many portals are known")
    p.add_argument("--max-pages", type=int, help="stop once this many pages were fetched")
    p.add_argument("--budget", type=int, default=15, help="pages per site (default 15)")
    p.add_argument("--per-round", type=int, default=40, help="sites per round (default 40)")
    p.add_argument(
        "--review", action="store_true", help="crawl only candidates approved by an analyst"
    )
    p.add_argument("--proxy", metavar="URL", help="HTTP proxy for every fetch")
    p.add_argument("--render", choices=["auto", "always", "never"], default="auto")
    p.add_argument("--data", metavar="DIR", help="data folder (default ./data)")
    p.add_argument("--format", choices=["text", "json"], default="text")
    add_db(p)
    p.set_defaults(func=cmd_discover)

    p = sub.add_parser("candidates", help="list, approve or reject discovery candidates")
    p.add_argument("action", choices=["list", "approve", "reject", "ignore"])
    p.add_argument("domains", nargs="*", metavar="DOMAIN")
    p.add_argument("--state", help="list only candidates in this state")
    p.add_argument("--format", choices=["table", "json", "csv"], default="table")
    add_db(p)
    p.set_defaults(func=cmd_candidates)

    p = sub.add_parser(
        "graph",
        help="the operator map: portals, operators and shared values as a graph",
        description="Export the map (networkx): GEXF, GraphML, node-link JSON, or an HTML page "
        "that opens without a server (click a node to see its evidence).",
    )
    p.add_argument("--format", choices=["gexf", "graphml", "json", "html"], default="json")
    p.add_argument("--cluster", metavar="ID", help="only this operator (e.g. op1)")
    p.add_argument("--max-share", type=int, default=10, help="ignore values on more portals")
    p.add_argument("-o", "--output", metavar="FILE", help="output file (default: stdout)")
    add_db(p)
    p.set_defaults(func=cmd_graph)

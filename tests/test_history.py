"""Crawl history: the same panels crawled at the dataset's first day, then its second day.

Prices or limits that changed get a new observation (the old one is kept), services that
appeared are added, services that vanished keep their rows and their last_seen; measured
against the truth files of both epochs.
"""

from __future__ import annotations

from helpers import run_cli
from sqlalchemy import create_engine, text

from atlas.evaluate import load_truth
from sandbox.testing import running_sandbox


def test_prices_and_catalogues_over_time(sandbox_root, tmp_path):
    early = load_truth(sandbox_root / "early" / "truth")
    late = load_truth(sandbox_root / "late" / "truth")
    panels = sorted(
        d for d, t in late.items()
        if t["status"] == "active" and t["kind"] == "panel" and not t.get("js_rendered")
        and d in early and early[d]["offers"]
    )[:4]  # fmt: skip
    assert len(panels) == 4
    urls = [late[d]["url"] for d in panels]
    db = f"sqlite:///{tmp_path / 'atlas.db'}"
    with running_sandbox(sandbox_root, epoch="early") as server:
        for epoch in ("early", "late"):
            server.set_epoch(epoch)
            proc = run_cli(
                "crawl", *urls, "--db", db, "--data", str(tmp_path), "--proxy",
                server.proxy_url, "--render", "never", "-q",
            )  # fmt: skip
            assert proc.returncode == 0, proc.stderr[-2000:]

    engine = create_engine(db)
    with engine.connect() as conn:
        observed = {}
        for domain, sid, *values in conn.execute(
            text(
                "SELECT p.domain, o.service_id, ob.price, ob.min, ob.max "
                "FROM offer_observations ob "
                "JOIN offers o ON o.id = ob.offer_id JOIN portals p ON p.id = o.portal_id "
                "ORDER BY ob.seen_at"
            )
        ):
            observed.setdefault((domain, sid), []).append(tuple(values))
        current = {
            (d, sid): (price, last_run)
            for d, sid, price, last_run in conn.execute(
                text(
                    "SELECT p.domain, o.service_id, o.price, c.run_id FROM offers o "
                    "JOIN portals p ON p.id = o.portal_id "
                    "LEFT JOIN captures c ON c.id = o.capture_id"
                )
            )
        }
    engine.dispose()

    changed = appeared = vanished = 0
    for domain in panels:
        before = {
            o["service_id"]: (o["price"], o["min"], o["max"]) for o in early[domain]["offers"]
        }
        after = {o["service_id"]: (o["price"], o["min"], o["max"]) for o in late[domain]["offers"]}
        for sid in before.keys() & after.keys():
            if before[sid] != after[sid]:
                changed += 1
                assert observed[(domain, sid)] == [before[sid], after[sid]]
            else:
                assert observed[(domain, sid)] == [before[sid]]
            assert current[(domain, sid)][0] == after[sid][0]
        for sid in after.keys() - before.keys():
            appeared += 1
            assert observed[(domain, sid)] == [after[sid]]
        for sid in before.keys() - after.keys():
            vanished += 1
            assert current[(domain, sid)][0] == before[sid][0]  # kept, never deleted
    assert changed and (appeared or vanished)

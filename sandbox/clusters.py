"""What the sites of one operator cluster share: identifiers, favicon seed, hosting."""

from __future__ import annotations

import random

from sandbox import hosting, leads


def rng(seed: int, *parts: str) -> random.Random:
    return random.Random("|".join([str(seed), *parts]))


class Clusters:
    """Identifiers, favicon and hosting shared by the sites of one operator cluster."""

    def __init__(self, seed: int) -> None:
        self.seed, self.shared, self.hosts = seed, {}, {}

    def leads(self, cluster: str | None) -> dict | None:
        if not cluster:
            return None
        if cluster not in self.shared:
            self.shared[cluster] = leads.make_shared(
                rng(self.seed, "cluster", cluster), f"{self.seed}{cluster}"
            )
        return self.shared[cluster]

    def hosting(self, cluster: str | None, host: str, cdn: bool | None = None) -> dict:
        r = rng(self.seed, "hosting", host)
        if not cluster:
            return hosting.hosting(r, cdn=cdn)
        if cluster not in self.hosts:
            self.hosts[cluster] = hosting.pick(rng(self.seed, "hostpick", cluster))
        return hosting.hosting(r, self.hosts[cluster])

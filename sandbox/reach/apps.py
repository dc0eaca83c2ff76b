"""Reach-world family module (apps): see sandbox/reach/__init__.py."""

from __future__ import annotations

from sandbox.site import Site


def sites(seed: int, epoch: int) -> list[Site]:
    return []

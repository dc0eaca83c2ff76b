"""Signals between the crawl's stages (Scrapy signals are plain objects, sent and received
through `crawler.signals`), so no stage reaches into another's objects.

`open_portals`: sent by the storage pipeline when the crawl ends; each receiver (the portal
spider) returns a list of `spiders.items.PortalItem`, the verdicts of the portals it had not
finished, which the pipeline records unfinished (a resumed run crawls them again); anything else
in the list is a bug, logged and counted (`smmatlas/bad_items`), not written.
"""

open_portals = object()

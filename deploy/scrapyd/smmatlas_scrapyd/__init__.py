"""Scrapyd entry point of SMM Atlas (see deploy/scrapyd/scrapy.cfg)."""

"""The egg scrapyd-deploy uploads to Scrapyd: the settings entry point of SMM Atlas."""

from setuptools import find_packages, setup

setup(
    name="smmatlas-scrapyd",
    version="1.0",
    packages=find_packages(),
    entry_points={"scrapy": ["settings = smmatlas_scrapyd.settings"]},
)

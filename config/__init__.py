"""Configuration: Scrapy settings (config.settings) and vocabularies as data (config/vocab)."""

"""Every error the atlas raises on purpose, in one place (the lowest layer: any module may
import it, and importing it costs nothing, so a spawned extraction worker that re-imports the
CLI module pays for no database library).

A command turns the user-facing ones into `smmatlas: error: ...` and a documented exit code
(atlas/cli.py, atlas/crawl_cli.py); each keeps the built-in base it always had (ValueError,
RuntimeError), so callers that catch those still do.
"""

from __future__ import annotations


class AtlasError(Exception):
    """Base of every error below."""


# --- input a user can fix (exit 2) ---------------------------------------------------------
class UserError(AtlasError):
    """A problem the user can fix: printed as `smmatlas: error: ...`, no traceback."""


class CrawlInputError(AtlasError, ValueError):
    """Bad crawl input: a message for the user."""


class QueueError(AtlasError, ValueError):
    """A queue URL that is not a Redis URL, or a Redis server that does not answer."""


class QueryError(AtlasError, ValueError):
    """A query the read-only query command refuses or cannot run."""


class FilterError(AtlasError, ValueError):
    """An unknown filter value: the message lists the valid ones."""


class ExportError(AtlasError, ValueError):
    """An export the user asked for that cannot be made (e.g. an unknown --domain)."""


class DiffError(AtlasError, ValueError):
    """Bad --since, or not enough runs: a message for the user."""


class StatsError(AtlasError, ValueError):
    """Statistics asked for that cannot be given."""


class RatesError(AtlasError, ValueError):
    """A rates file a user can fix (message names the line)."""


class ServeError(AtlasError, ValueError):
    """The workbench cannot be served as asked."""


class VocabularyError(AtlasError, ValueError):
    """A vocabulary file is missing or malformed."""


# --- the environment (database, network) -----------------------------------------------------
class DatabaseError(AtlasError, RuntimeError):
    """The database cannot be used: a message a user can act on."""


class HealthError(AtlasError, RuntimeError):
    """The crawl cannot reach anything: a message for the operator."""


# --- enrichment sources (recorded per source; one failing never sinks the others) -----------
class DnsError(AtlasError):
    """A query could not be answered (timeout, no server, refused), or the name does not exist."""

    def __init__(self, message: str, kind: str = "error") -> None:
        super().__init__(message)
        self.kind = kind  # "timeout", "nxdomain" or "error"


class RdapError(AtlasError):
    """The RDAP service failed, refused, or answered something that is not an RDAP object."""


class TlsError(AtlasError):
    """No handshake (refused, timeout, not TLS) or no certificate."""

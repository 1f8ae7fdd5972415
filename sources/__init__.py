"""Reading the outside world: fetching, parsing and detection. No database, no broker.

Exceptions::

    SourceError
    ├── TransientError          try again later (timeouts, 5xx, 429, connection refused);
    │                           ``retry_after`` carries the server's Retry-After, if any
    └── PermanentError          retrying will not help until someone changes something
        ├── BlockedAddressError the address is loopback, private or otherwise not public
        ├── TooLargeError       the response is larger than the cap
        ├── NotAFeedError       the body is neither RSS nor Atom
        └── DisallowedError     the site's robots.txt forbids fetching the URL
"""


class SourceError(Exception):
    """Base of every error raised while reading a source."""


class TransientError(SourceError):
    """A failure that may go away on its own."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PermanentError(SourceError):
    """A failure that needs a change before retrying makes sense."""


class BlockedAddressError(PermanentError):
    """The target resolves to an address keepwarm must not connect to."""


class TooLargeError(PermanentError):
    """The decoded response exceeded the size cap."""


class NotAFeedError(PermanentError):
    """The document has no feed in it."""


class DisallowedError(PermanentError):
    """robots.txt disallows the URL for our User-Agent."""

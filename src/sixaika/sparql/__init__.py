"""The SPARQL 1.1 endpoint: protocol, policy, isolated execution, service description.

One module per concern:

- ``policy``: what a query may do here (read only, SERVICE allow-list, length), read off
  its tokens without running it.
- ``formats``: result media types, negotiation on ``Accept``, bounded serialization.
- ``protocol``: an HTTP request as the SPARQL 1.1 Protocol reads it, or the error it earns.
- ``engine``: the one call the web layer makes (``Engine.run``) and the remote backend.
- ``pool`` / ``worker``: the embedded backend, queries in supervised worker processes.
- ``lookup``: a DESCRIBE of named resources, answered in the web process (no pattern).
- ``description``: the SPARQL 1.1 Service Description of the endpoint.
- ``examples``: example queries about the data, for the UI, the home page and the CLI.
- ``synthetic``: synthetic releases for tests and the bench.
"""


class QueryError(Exception):
    """A query or request refused or failed, with the HTTP status it answers."""

    def __init__(self, status: int, message: str, retry_after: int | None = None):
        super().__init__(message)
        self.status, self.message, self.retry_after = status, message, retry_after


def too_slow(timeout: float) -> QueryError:
    return QueryError(
        504,
        f"The query did not finish within {timeout:g} s, the time limit, and was stopped. "
        "Narrow it down or add a LIMIT.",
    )


def too_large(limit: int) -> QueryError:
    return QueryError(
        400,
        f"The result is larger than {limit / 1_000_000:g} MB, the most this endpoint serves: "
        "ask for less (LIMIT and OFFSET page through results) or use the dumps.",
    )

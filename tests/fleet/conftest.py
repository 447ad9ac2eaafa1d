from tests.fleet.pg_server import pg_server, pg_url

__all__ = ["pg_server", "pg_url"]

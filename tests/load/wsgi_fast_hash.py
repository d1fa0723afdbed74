"""The production WSGI app with the tests' cheap argon2 parameters (users are made by the tests)."""

from argon2 import PasswordHasher

import server.security
from server.wsgi import app

server.security._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)

__all__ = ["app"]

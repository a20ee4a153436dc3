"""A peer-support community for IT service desks, mounted into an existing Flask portal."""

from __future__ import annotations

from .errors import ForumError, NotAllowed, NotFound
from .extension import Forum
from .models import include_object
from .state import ForumState, get_state
from .users import ForumUser, UserAdapter

__all__ = [
    "Forum",
    "ForumError",
    "ForumState",
    "ForumUser",
    "NotAllowed",
    "NotFound",
    "UserAdapter",
    "get_state",
    "include_object",
]

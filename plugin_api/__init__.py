"""The forum's plugin API: hook specifications and markers. Imports neither Flask nor SQLAlchemy.

A plugin is any object (often a module) with functions marked ``@hookimpl`` whose names match the
specifications in :mod:`plugin_api.hookspecs`. Name it in ``FORUM_PLUGINS`` to enable it.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from typing import Any

import pluggy

from . import hookspecs
from .hookspecs import hookimpl, hookspec

PROJECT = "forum"

__all__ = ["PROJECT", "hookimpl", "hookspec", "make_manager"]


def make_manager(plugins: Iterable[Any] = ()) -> pluggy.PluginManager:
    """A plugin manager for one app (never a process-wide one), with ``plugins`` registered.

    Each item is a plugin object or a dotted import path ("mypackage.forum_plugin").
    """
    manager = pluggy.PluginManager(PROJECT)
    manager.add_hookspecs(hookspecs)
    for plugin in plugins:
        if isinstance(plugin, str):
            try:
                plugin = importlib.import_module(plugin)
            except ImportError as error:
                raise RuntimeError(
                    f"FORUM_PLUGINS names {plugin!r}, which could not be imported ({error}). "
                    "Install it, or take it out of FORUM_PLUGINS."
                ) from error
        manager.register(plugin)
    return manager

"""The configured service-desk connector, loaded once per app, with the reason when it could not be."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from plugin_api.desk import Connector, ConnectorNotFound, load

if TYPE_CHECKING:
    from collections.abc import Mapping

log = logging.getLogger("forum.desk")


@dataclass(frozen=True)
class DeskStatus:
    """The connector to use, or why there is none."""

    connector: Connector | None
    problem: str = ""

    @property
    def enabled(self) -> bool:
        """True when questions can be passed to the IT team."""
        return self.connector is not None


def load_desk(config: Mapping[str, Any]) -> DeskStatus:
    """Build the connector from ``FORUM_DESK_*``; log and report a broken one instead of failing the portal."""
    spec = config.get("FORUM_DESK_CONNECTOR")
    if spec is None:
        return DeskStatus(None, "No service desk is set up (FORUM_DESK_CONNECTOR is empty).")
    if isinstance(spec, Connector):
        return DeskStatus(spec)
    try:
        connector_class = load(spec)
        return DeskStatus(
            connector_class(config.get("FORUM_DESK_SETTINGS") or {}, timeout=config["FORUM_DESK_TIMEOUT"])
        )
    except (ConnectorNotFound, ValueError) as error:
        problem = str(error)
    except Exception as error:  # a connector's own bug must not take the portal down
        problem = f"The desk connector {spec!r} could not start: {type(error).__name__}: {error}"
    log.error("Passing questions to the IT team is off: %s", problem)
    return DeskStatus(None, problem)

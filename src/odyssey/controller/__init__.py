"""The real-time controller: posbus over WebSocket, live worlds, ticks, locks and edits.

`Controller` holds this process's live worlds and connections and is the node's `Presence`;
`PosbusMiddleware` serves ``GET /posbus`` in front of the application;
`uvicorn_websocket_options` are the WebSocket settings the server must run with (size limit,
keepalive, no compression).
"""

from __future__ import annotations

from odyssey.controller.controller import Controller, TokenVerifier
from odyssey.controller.endpoint import PosbusMiddleware, uvicorn_websocket_options

__all__ = [
    "Controller",
    "PosbusMiddleware",
    "TokenVerifier",
    "uvicorn_websocket_options",
]

"""Sign-in: the node's OpenID Connect provider, its identity providers and the token verifier.

- `AuthService.verify_token(token) -> Identity` (reached as `services.auth.verify_token`) is the one
  verifier of the API and the controller.
- `odyssey.auth.deps.current_identity` / `require_wallet_user` are the FastAPI dependencies.
- `odyssey.auth.routes.router` mounts the OIDC endpoints, the login pages and the
  /api/v4/auth routes.
"""

from __future__ import annotations

from odyssey.auth.tokens import Identity

__all__ = ["Identity"]

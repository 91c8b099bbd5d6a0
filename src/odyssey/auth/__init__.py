"""Sign-in: the node's OpenID Connect provider, its identity providers and the token verifier.

- `AuthService.verify_token(token) -> Identity` (reached as `services.auth.verify_token`) is the one
  verifier of the API and the controller.
- `odyssey.auth.deps.current_identity` / `require_wallet_user` are the FastAPI dependencies.
- Its HTTP routes are transports, in `odyssey.api`: `odyssey.api.routes.oidc` (the OIDC
  endpoints and the login pages of `odyssey.api.pages`) and `odyssey.api.routes.auth` (the
  /api/v4/auth routes). Refusals are `odyssey.auth.errors.AuthError` (a reason, no status).
"""

from __future__ import annotations

from odyssey.auth.tokens import Identity

__all__ = ["Identity"]

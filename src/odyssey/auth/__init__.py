"""Sign-in: the node's OpenID Connect provider, its identity providers and the token verifier.

- `AuthService.verify_token(token) -> Identity` (reached as `services.auth.verify_token`) is the one
  verifier of the API and the controller.
- The FastAPI dependencies (`current_identity`, `require_wallet_user`) are transport code, in
  `odyssey.api.identity`.
- Its HTTP routes are transports, in the api package: api/routes/oidc.py (the OIDC endpoints
  and the login pages of api/pages.py) and api/routes/auth.py (the /api/v4/auth routes).
- Refusals are `odyssey.auth.errors.AuthError`: a reason and a message, no HTTP status.
"""

from __future__ import annotations

from odyssey.auth.tokens import Identity

__all__ = ["Identity"]

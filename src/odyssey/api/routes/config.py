"""Public routes: what the web client needs to boot, and the plugin registry."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from typing_extensions import TypedDict

from odyssey.api import present, schemas
from odyssey.api.deps import ServicesDep
from odyssey.api.docs import Auth, described
from odyssey.api.validation import SearchText

router = APIRouter(prefix="/api/v4", tags=["config"])


class FeatureFlags(TypedDict):
    newsfeed: bool
    buy_nft: bool
    canvas: bool


class AiProviders(TypedDict):
    leonardo: bool
    blockadelabs: bool
    chatgpt: bool


class UiClientConfig(TypedDict):
    AGORA_APP_ID: str
    BLOCKCHAIN_ID: str
    CONTRACT_DAD_ADDRESS: str
    CONTRACT_FAUCET_ADDRESS: str
    CONTRACT_MOM_ADDRESS: str
    CONTRACT_NFT_ADDRESS: str
    CONTRACT_STAKING_ADDRESS: str
    MINT_NFT_AMOUNT: str
    MINT_NFT_DEPOSIT_ADDRESS: str
    STREAMCHAT_KEY: str
    FEATURE_FLAGS: FeatureFlags
    NODE_ID: uuid.UUID
    RENDER_SERVICE_URL: str
    AI_PROVIDERS: AiProviders


@router.get("/config/ui-client", response_model=UiClientConfig, **described(Auth.PUBLIC))
async def ui_client_config(services: ServicesDep) -> UiClientConfig:
    """Boot configuration of the web client. This node has no blockchain, voice or chat
    integration configured, so those values are empty and the matching features are off."""
    ai = await services.node.ai_providers()
    return {
        "AGORA_APP_ID": "",
        "BLOCKCHAIN_ID": "",
        "CONTRACT_DAD_ADDRESS": "",
        "CONTRACT_FAUCET_ADDRESS": "",
        "CONTRACT_MOM_ADDRESS": "",
        "CONTRACT_NFT_ADDRESS": "",
        "CONTRACT_STAKING_ADDRESS": "",
        "MINT_NFT_AMOUNT": "",
        "MINT_NFT_DEPOSIT_ADDRESS": "",
        "STREAMCHAT_KEY": "",
        "FEATURE_FLAGS": {"newsfeed": True, "buy_nft": False, "canvas": False},
        "NODE_ID": await services.node.node_id(),
        "RENDER_SERVICE_URL": services.settings.resolved_public_url + "/api/v4/media/render",
        "AI_PROVIDERS": {
            "leonardo": ai["leonardo"],
            "blockadelabs": ai["blockadelabs"],
            "chatgpt": ai["chatgpt"],
        },
    }


@router.get("/plugin", response_model=list[schemas.PluginEntry], **described(Auth.PUBLIC))
async def plugin_registry(
    services: ServicesDep,
    plugin_id: Annotated[uuid.UUID | None, Query(alias="pluginId")] = None,
    text: Annotated[SearchText | None, Query()] = None,
) -> list[schemas.PluginEntry]:
    """Every plugin, optionally one (`pluginId`) or those whose name contains `text`."""
    rows = await services.plugins.entries(
        plugin_ids=None if plugin_id is None else [plugin_id],
        name_contains=text,
        case_sensitive=True,
    )
    return [present.plugin_entry(row) for row in rows]

/** REST shapes of `/api/v4` (reference: api-v4.md §0.1). */
import type { Transform } from "../posbus";

export interface VersionInfo {
  api: { major: number; minor: number; patch: number };
  controller?: { major: number; minor: number; patch: number };
}

export interface UiClientConfig {
  NODE_ID?: string;
  RENDER_SERVICE_URL?: string;
  FEATURE_FLAGS?: Record<string, boolean>;
  AGORA_APP_ID?: string;
  [key: string]: unknown;
}

export interface Profile {
  bio?: string;
  location?: string;
  avatarHash?: string;
  profileLink?: string;
}

export interface User {
  id: string;
  userTypeId?: string;
  name: string;
  wallet?: string;
  profile: Profile;
  token?: string;
  createdAt?: string;
  updatedAt?: string;
  isGuest: boolean;
}

export interface UserSummary {
  id: string;
  name?: string;
  profile: Profile;
}

export interface WorldSummary {
  id: string;
  owner_id: string;
  owner_name: string | null;
  name?: string;
  description: string;
  website_link?: string;
  avatarHash?: string;
  stake_total?: string;
}

export interface WorldDetails extends WorldSummary {
  createdAt?: string;
  updatedAt?: string;
  is_admin: boolean;
  stakers?: unknown[];
}

export interface ExploreOption {
  id: string;
  name: string;
  description: string;
}

export interface ObjectInfo {
  owner_id: string;
  parent_id: string;
  object_type_id: string;
  asset_2d_id: string;
  asset_3d_id: string;
  transform?: Transform;
}

export interface Asset3d {
  id: string;
  user_id?: string;
  meta: { name?: string; category?: string; preview_hash?: string; type?: number; [k: string]: unknown };
  is_private: boolean;
  createdAt?: string;
}

export interface Member {
  object_id: string;
  user_id: string;
  name: string;
  avatar_hash: string;
  role: string;
}

export interface HashResponse {
  hash: string;
}

export interface SkyboxEntry {
  name: string;
  render_hash: string;
  artist_name?: string;
}

export type AttributeValue = Record<string, unknown>;

/** Well-known plugin ids. */
export const PLUGIN = {
  core: "f0f0f0f0-0f0f-4ff0-af0f-f0f0f0f0f0f0",
  image: "ff40fbf0-8c22-437d-b27a-0258f99130fe",
  text: "fc9f2eb7-590a-4a1a-ac75-cd3bfeef28b2",
  video: "308fdacc-8c2d-40dc-bd5f-d1549e3e03ba",
} as const;

/** Well-known object types. */
export const OBJECT_TYPE = {
  world: "a41ee21e-6c56-41b3-81a9-1c86578b6b3c",
  custom: "4ed3a5bb-53f8-4511-941b-07902982c31c",
} as const;

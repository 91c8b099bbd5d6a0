/** Typed calls of `/api/v4` used by the client. */
import type { Transform } from "../posbus";
import { HttpClient } from "./http";
import {
  PLUGIN,
  type Asset3d,
  type AttributeValue,
  type ExploreOption,
  type HashResponse,
  type Member,
  type ObjectInfo,
  type UiClientConfig,
  type User,
  type UserSummary,
  type VersionInfo,
  type WorldDetails,
  type WorldSummary,
} from "./types";

export interface TokenResponse {
  token: string;
  /** Additions of this node: absent on reference nodes (7-day tokens, no refresh). Absent too
   * when the node keeps the refresh token in its cookie (what this client asks for). */
  refreshToken?: string;
  expiresIn?: number;
}

/** Asks the node to keep the refresh token in an HttpOnly cookie, which page scripts cannot read,
 * instead of returning it in the body; the same header lets `POST /auth/refresh` use that cookie. */
export const REFRESH_COOKIE_HEADERS: Record<string, string> = { "X-Odyssey-Auth": "cookie" };

export class Api {
  readonly http: HttpClient;

  constructor(
    readonly origin: string,
    apiMajor = 4,
  ) {
    this.http = new HttpClient(`${origin}/api/v${apiMajor}`);
  }

  static async version(origin: string): Promise<VersionInfo> {
    const probe = new HttpClient(origin);
    return probe.request<VersionInfo>("GET", "/version");
  }

  // --- config and auth ---------------------------------------------------------------------
  config = () => this.http.request<UiClientConfig>("GET", "/config/ui-client");
  guestToken = () =>
    this.http.request<User & Partial<TokenResponse>>("POST", "/auth/guest-token", {
      retries: 2,
      headers: REFRESH_COOKIE_HEADERS,
    });
  me = () => this.http.request<User>("GET", "/users/me");
  challenge = (wallet: string) =>
    this.http.request<{ challenge: string }>("GET", "/auth/challenge", { query: { wallet } });
  token = (wallet: string, signedChallenge: string, network?: "ethereum") =>
    this.http.request<TokenResponse>("POST", "/auth/token", {
      body: network ? { wallet, signedChallenge, network } : { wallet, signedChallenge },
      headers: REFRESH_COOKIE_HEADERS,
    });
  /** A new access token from the refresh cookie, which rotates (this node's access tokens are
   * short-lived). With `refreshToken` (kept by an older version of this client), that token is
   * used instead and its successor goes into the cookie. */
  refreshTokens = (refreshToken?: string) =>
    this.http.request<TokenResponse>("POST", "/auth/refresh", {
      body: refreshToken ? { refreshToken } : {},
      retries: 1,
      headers: REFRESH_COOKIE_HEADERS,
    });
  /** End the sign-in; the node also clears the refresh cookie. */
  logout = () => this.http.request<null>("POST", "/auth/logout", { headers: REFRESH_COOKIE_HEADERS });
  updateProfile = (body: { name?: string; profile?: Record<string, string> }) =>
    this.http.request<{ user_id: string }>("PATCH", "/profile", { body });

  // --- users and worlds --------------------------------------------------------------------
  users = (limit = 100) =>
    this.http.request<UserSummary[] | null>("GET", "/users", { query: { sort: "DESC", limit } });
  searchUsers = (query: string) =>
    this.http.request<UserSummary[] | null>("GET", "/users/search", { query: { query } });
  user = (id: string) => this.http.request<User>("GET", `/users/${id}`);
  userWorlds = (id: string) => this.http.request<WorldSummary[] | null>("GET", `/users/${id}/worlds`);
  worlds = (limit = 100) =>
    this.http.request<WorldSummary[] | null>("GET", "/worlds", { query: { sort: "DESC", limit } });
  searchWorlds = (query: string) =>
    this.http.request<ExploreOption[] | null>("GET", "/worlds/explore/search", { query: { query } });
  world = (id: string) => this.http.request<WorldDetails>("GET", `/worlds/${id}`);
  onlineUsers = (id: string) => this.http.request<User[] | null>("GET", `/worlds/${id}/online-users`);

  // --- objects -----------------------------------------------------------------------------
  object = (id: string) => this.http.request<ObjectInfo>("GET", `/objects/${id}`);
  createObject = (body: {
    object_name: string;
    parent_id: string;
    object_type_id: string;
    asset_3d_id?: string;
    transform?: Transform;
    minimap?: boolean;
  }) => this.http.request<{ object_id: string }>("POST", "/objects", { body });
  updateObject = (id: string, body: { object_name?: string; asset_2d_id?: string; asset_3d_id?: string }) =>
    this.http.request<{ object_id: string }>("PATCH", `/objects/${id}`, { body });
  deleteObject = (id: string) => this.http.request<null>("DELETE", `/objects/${id}`);
  cloneObject = (id: string) => this.http.request<{ object_id: string }>("POST", `/objects/${id}/clone`);

  attribute = <T = AttributeValue>(objectId: string, attributeName: string, pluginId: string = PLUGIN.core) =>
    this.http.request<T | null>("GET", `/objects/${objectId}/attributes`, {
      query: { plugin_id: pluginId, attribute_name: attributeName },
      retries: 0,
    });
  setAttribute = (objectId: string, attributeName: string, value: AttributeValue, pluginId: string = PLUGIN.core) =>
    this.http.request<AttributeValue>("POST", `/objects/${objectId}/attributes`, {
      body: { plugin_id: pluginId, attribute_name: attributeName, attribute_value: value },
    });
  setSubAttribute = (objectId: string, attributeName: string, key: string, value: unknown, pluginId: string = PLUGIN.core) =>
    this.http.request<AttributeValue>("POST", `/objects/${objectId}/attributes/sub`, {
      body: { plugin_id: pluginId, attribute_name: attributeName, sub_attribute_key: key, sub_attribute_value: value },
    });
  deleteAttribute = (objectId: string, attributeName: string, pluginId: string = PLUGIN.core) =>
    this.http.request<null>("DELETE", `/objects/${objectId}/attributes`, {
      query: { plugin_id: pluginId, attribute_name: attributeName },
    });

  nodeAttribute = <T = AttributeValue>(attributeName: string, pluginId: string = PLUGIN.core) =>
    this.http.request<T | null>("GET", "/node/attributes", {
      query: { plugin_id: pluginId, attribute_name: attributeName },
      retries: 0,
    });

  members = (objectId: string) => this.http.request<Member[] | null>("GET", `/objects/${objectId}/members`);
  addMember = (objectId: string, who: { user_id?: string; wallet?: string }) =>
    this.http.request<null>("POST", `/objects/${objectId}/members`, { body: { ...who, role: "admin" } });
  removeMember = (objectId: string, userId: string) =>
    this.http.request<null>("DELETE", `/objects/${objectId}/members/${userId}`);

  // --- assets and media --------------------------------------------------------------------
  assets3d = (category: "basic" | "custom") =>
    this.http.request<Asset3d[] | null>("GET", "/assets-3d", { query: { category } });
  uploadAsset3d = (file: Blob, name: string, isPrivate: boolean, onProgress?: (f: number) => void) => {
    const form = new FormData();
    form.append("asset", file, `${name || "model"}.glb`);
    form.append("name", name);
    form.append("is_private", String(isPrivate));
    return this.http.request<Asset3d>("POST", "/assets-3d/upload", { form, onUploadProgress: onProgress });
  };
  uploadImage = (file: Blob, onProgress?: (f: number) => void) => {
    const form = new FormData();
    form.append("file", file, file instanceof File ? file.name : "image.png");
    return this.http.request<HashResponse>("POST", "/media/upload/image", { form, onUploadProgress: onProgress });
  };
}

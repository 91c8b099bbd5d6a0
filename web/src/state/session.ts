/** The session: boot (version → config → token → user), sign-in, sign-up, profile, log out. */
import { Api, type TokenResponse } from "../api/api";
import { ApiError, describeError } from "../api/http";
import { MediaUrls, resolveRenderBase } from "../api/media";
import type { UiClientConfig, User } from "../api/types";
import { createStore } from "../lib/store";
import { ss58ToPublicKeyHex, toChecksumAddress, utf8ToHex } from "../lib/wallet";

/** Where earlier versions of this client kept the tokens, readable by any script on the node's
 * origin. Read once to carry the sign-in over into the refresh cookie, then removed. */
const LEGACY_TOKEN_KEY = "odyssey.token";
const LEGACY_REFRESH_KEY = "odyssey.refresh";

export interface SessionState {
  phase: "booting" | "ready" | "error";
  error: string | null;
  /** Browser connectivity (navigator.onLine and failed requests). */
  online: boolean;
  config: UiClientConfig | null;
  user: User | null;
  /** Bumped when the token changes (posbus reconnects with the new identity). */
  tokenVersion: number;
}

export const session = createStore<SessionState>({
  phase: "booting",
  error: null,
  online: typeof navigator === "undefined" ? true : navigator.onLine,
  config: null,
  user: null,
  tokenVersion: 0,
});

let api: Api | null = null;
let media: MediaUrls | null = null;

export function getApi(): Api {
  if (!api) throw new Error("session not booted");
  return api;
}

export function getMedia(): MediaUrls {
  if (!media) throw new Error("session not booted");
  return media;
}

export function origin(): string {
  return window.location.origin;
}

function readLegacyRefreshToken(): string | null {
  try {
    return localStorage.getItem(LEGACY_REFRESH_KEY);
  } catch {
    return null;
  }
}

function forgetLegacyTokens(): void {
  try {
    localStorage.removeItem(LEGACY_TOKEN_KEY);
    localStorage.removeItem(LEGACY_REFRESH_KEY);
  } catch {
    /* storage unavailable: nothing was kept there either */
  }
}

let refreshTimer: ReturnType<typeof setTimeout> | null = null;

/**
 * Keep the access token, in memory only: the refresh token is the node's HttpOnly cookie, out of
 * reach of page scripts, and a reload gets a new access token from it. `bump` tells listeners
 * (posbus) that the identity changed.
 */
function setTokens(tokens: TokenResponse | null, bump = true): void {
  getApi().http.token = tokens?.token ?? null;
  if (refreshTimer) clearTimeout(refreshTimer);
  refreshTimer = null;
  // Renew short-lived access tokens ahead of their expiry.
  if (tokens?.expiresIn) {
    refreshTimer = setTimeout(() => void getApi().http.renew(), Math.max(10, tokens.expiresIn * 0.8) * 1000);
  }
  if (bump) session.set((s) => ({ ...s, tokenVersion: s.tokenVersion + 1 }));
}

/** The current access token (posbus reads it on every (re)connection). */
export function currentToken(): string | null {
  return api?.http.token ?? null;
}

/** A refusal that says nothing about the sign-in: offline, overloaded, rate limited. */
function isPassing(error: unknown): boolean {
  return !(error instanceof ApiError) || error.offline || error.status === 429 || error.status >= 500;
}

/** Set when the last renewal failed for a passing reason: the sign-in is kept (the request that
 * needed it fails) instead of being replaced by a new guest. */
let renewalPostponed = false;

/**
 * One refresh at a time across this browser's tabs. Each refresh rotates the cookie; a tab sending
 * the cookie another tab has just used up would look like a stolen token and end the sign-in.
 * Behind the lock, the next tab's request carries the cookie the previous one set.
 */
async function refreshInTurn(legacyRefreshToken?: string): Promise<TokenResponse> {
  const refresh = (): Promise<TokenResponse> => getApi().refreshTokens(legacyRefreshToken);
  const locks = typeof navigator === "undefined" ? undefined : navigator.locks;
  if (!locks) return refresh();
  let tokens = null as TokenResponse | null;
  await locks.request("odyssey.refresh", async () => {
    tokens = await refresh();
  });
  if (!tokens) throw new Error("the refresh lock was not granted");
  return tokens;
}

async function renewTokens(): Promise<boolean> {
  try {
    setTokens(await refreshInTurn(), false);
    renewalPostponed = false;
    return true;
  } catch (error) {
    renewalPostponed = isPassing(error);
    return false;
  }
}

/**
 * Resume the sign-in of an earlier page load from the refresh cookie (or carry over the refresh
 * token an older version of this client kept in localStorage). False when there is none, or it
 * has ended; throws when the node cannot answer now, so that boot shows that instead of quietly
 * replacing the sign-in with a new guest.
 */
async function resumeSession(): Promise<boolean> {
  const legacy = readLegacyRefreshToken() ?? undefined;
  try {
    setTokens(await refreshInTurn(legacy), false);
    forgetLegacyTokens();
    return true;
  } catch (error) {
    if (isPassing(error)) throw error;
    forgetLegacyTokens();
    return false;
  }
}

async function guestSession(): Promise<User> {
  const user = await getApi().guestToken();
  if (!user.token) throw new Error("the node returned no guest token");
  setTokens({ token: user.token, expiresIn: user.expiresIn });
  return user;
}

/** Boot: read the API version and UI config, then resume the sign-in (refresh cookie) or start as a guest. */
export async function boot(): Promise<void> {
  session.patch({ phase: "booting", error: null });
  try {
    const version = await Api.version(origin());
    api = new Api(origin(), version.api?.major ?? 4);
    const config = await api.config();
    media = new MediaUrls(resolveRenderBase(config.RENDER_SERVICE_URL, origin(), api.http.base));
    api.http.onUnauthorized = () => {
      // An expired or revoked sign-in: fall back to a fresh guest session.
      if (api?.http.token && !renewalPostponed) void restartAsGuest();
    };
    api.http.refresh = renewTokens;
    let user: User | null = null;
    if (await resumeSession()) {
      try {
        user = await api.me();
      } catch (error) {
        if (!(error instanceof ApiError) || error.offline) throw error;
        user = null;
      }
    }
    if (!user) {
      await guestSession();
      user = await api.me().catch(() => null);
    }
    session.patch({ phase: "ready", config, user, error: null, online: true });
  } catch (error) {
    const offline = error instanceof ApiError && error.offline;
    session.patch({ phase: "error", error: describeError(error), online: !offline });
  }
}

let restarting = false;
async function restartAsGuest(): Promise<void> {
  if (restarting) return;
  restarting = true;
  try {
    setTokens(null, false);
    await guestSession();
    session.patch({ user: await getApi().me() });
  } catch (error) {
    session.patch({ phase: "error", error: describeError(error) });
  } finally {
    restarting = false;
  }
}

export async function refreshUser(): Promise<User> {
  const user = await getApi().me();
  session.patch({ user });
  return user;
}

export function needsSignUp(user: User | null): boolean {
  return !!user && !user.isGuest && !user.name?.trim();
}

// --- wallets ---------------------------------------------------------------------------------

export interface Eip1193Provider {
  request(args: { method: string; params?: unknown[] }): Promise<unknown>;
  isMetaMask?: boolean;
  isCoinbaseWallet?: boolean;
}

interface InjectedPolkadotAccount {
  address: string;
  name?: string;
}
interface InjectedPolkadot {
  accounts: { get(): Promise<InjectedPolkadotAccount[]> };
  signer: { signRaw?(p: { address: string; data: string; type: "bytes" }): Promise<{ signature: string }> };
}
interface PolkadotExtension {
  enable(origin: string): Promise<InjectedPolkadot>;
  version?: string;
}

declare global {
  interface Window {
    ethereum?: Eip1193Provider;
    injectedWeb3?: Record<string, PolkadotExtension>;
  }
}

export function ethereumProvider(): Eip1193Provider | null {
  return typeof window !== "undefined" && window.ethereum ? window.ethereum : null;
}

export function polkadotExtensions(): string[] {
  return typeof window !== "undefined" && window.injectedWeb3 ? Object.keys(window.injectedWeb3) : [];
}

async function finishSignIn(tokens: TokenResponse): Promise<User> {
  setTokens(tokens);
  return refreshUser();
}

export async function signInWithEthereum(provider: Eip1193Provider): Promise<User> {
  const accounts = (await provider.request({ method: "eth_requestAccounts" })) as string[];
  const first = accounts?.[0];
  if (!first) throw new Error("The wallet shared no account.");
  const wallet = toChecksumAddress(first);
  const { challenge } = await getApi().challenge(wallet);
  const signature = (await provider.request({
    method: "personal_sign",
    params: [utf8ToHex(challenge), first],
  })) as string;
  return finishSignIn(await getApi().token(wallet, signature, "ethereum"));
}

export async function signInWithPolkadot(extensionName: string): Promise<User> {
  const extension = window.injectedWeb3?.[extensionName];
  if (!extension) throw new Error(`${extensionName} is not installed.`);
  const injected = await extension.enable("Odyssey");
  const accounts = await injected.accounts.get();
  const account = accounts[0];
  if (!account) throw new Error("The extension shared no account.");
  if (!injected.signer.signRaw) throw new Error("This extension cannot sign messages.");
  const wallet = ss58ToPublicKeyHex(account.address);
  const { challenge } = await getApi().challenge(wallet);
  const { signature } = await injected.signer.signRaw({
    address: account.address,
    data: utf8ToHex(challenge),
    type: "bytes",
  });
  return finishSignIn(await getApi().token(wallet, signature));
}

export async function saveProfile(fields: {
  name?: string;
  bio?: string;
  location?: string;
  profileLink?: string;
  avatarHash?: string;
}): Promise<User> {
  const profile: Record<string, string> = {};
  for (const key of ["bio", "location", "profileLink", "avatarHash"] as const) {
    const value = fields[key];
    // The node refuses a link with spaces around it; a pasted one often has some.
    if (value !== undefined) profile[key] = key === "profileLink" ? value.trim() : value;
  }
  await getApi().updateProfile({ ...(fields.name !== undefined ? { name: fields.name } : {}), profile });
  return refreshUser();
}

export async function logOut(): Promise<void> {
  await getApi()
    .logout()
    .catch(() => undefined);
  setTokens(null);
  await restartAsGuest();
}

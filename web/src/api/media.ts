/** URLs of the media manager (RENDER_SERVICE_URL). */
import { compactUuid } from "../lib/ids";

export type TextureSize = "s0" | "s1" | "s2" | "s3" | "s4" | "s5" | "s6" | "s7" | "s8" | "s9";

export class MediaUrls {
  constructor(readonly renderBase: string) {}

  texture(hash: string | null | undefined, size: TextureSize = "s3"): string | null {
    if (!hash) return null;
    return `${this.renderBase}/texture/${size}/${hash}`;
  }

  image(hash: string | null | undefined): string | null {
    if (!hash) return null;
    return `${this.renderBase}/get/${hash}`;
  }

  asset(assetId: string): string {
    return `${this.renderBase}/asset/${compactUuid(assetId)}`;
  }

  video(hash: string): string {
    return `${this.renderBase}/video/${hash}`;
  }
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "0.0.0.0", "[::1]"]);

/** The render base: the config's RENDER_SERVICE_URL, made same-origin when it points at this node. */
export function resolveRenderBase(configured: string | undefined, origin: string, apiBase: string): string {
  if (!configured) return `${apiBase}/media/render`;
  try {
    const url = new URL(configured, origin);
    const page = new URL(origin);
    // A node configured with a loopback public URL but reached under another name: stay same-origin.
    if (url.origin !== page.origin && LOOPBACK.has(url.hostname)) return `${page.origin}${url.pathname}`.replace(/\/$/, "");
    return url.toString().replace(/\/$/, "");
  } catch {
    return `${apiBase}/media/render`;
  }
}

/**
 * Links other people stored (profile links, world websites, object videos) are shown as `<a href>`.
 * A `javascript:` (or `data:`, `vbscript:` ...) href runs in the node's origin when clicked, so only
 * an absolute http(s) URL becomes an href; anything else is shown as text, or not at all.
 * The node refuses such links on write; this guards against older rows and other nodes' data.
 */

/** The URL to put in `href`, or undefined when `link` is not an absolute http(s) URL. */
export function safeHref(link: string | null | undefined): string | undefined {
  if (!link) return undefined;
  // Browsers drop control characters and surrounding spaces before reading the scheme
  // ("java\tscript:" runs): a link carrying any is refused, not cleaned.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(link) || link.trim() !== link) return undefined;
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return undefined;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
  if (!url.hostname) return undefined;
  return url.href;
}

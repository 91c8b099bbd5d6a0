/** In-world 2D panels: online strip, user card, object content, controls help, world card. */
import { useState, type ReactElement } from "react";
import { Empty, ErrorState, Panel, Spinner, UserAvatar, useAsync } from "../ui/common";
import { Icon } from "../ui/icons";
import { PLUGIN } from "../api/types";
import { getApi, getMedia } from "../state/session";
import type { WorldUser } from "../state/worldModel";
import { safeHref } from "../lib/links";

export const MAX_STRIP = 9;

export function OnlineStrip({ users, onPick }: { users: WorldUser[]; onPick: (u: WorldUser) => void }): ReactElement {
  const shown = users.slice(0, MAX_STRIP);
  const more = users.length - shown.length;
  return (
    <div className="online-strip" data-testid="online-strip" aria-label="People in this world">
      {users.length === 0 ? (
        <span className="strip-empty">Nobody else is here yet</span>
      ) : (
        <>
          {shown.map((u) => (
            <button key={u.id} className="strip-face" onClick={() => onPick(u)} title={u.name} data-testid="online-user" data-user-id={u.id}>
              <UserAvatar url={getMedia().texture(u.avatar || null, "s3")} name={u.name} size={38} />
            </button>
          ))}
          {more > 0 ? <span className="strip-more">+{more}</span> : null}
        </>
      )}
    </div>
  );
}

export function UserCard(props: { user: WorldUser; onClose: () => void; onHighFive: () => void; canHighFive: boolean }): ReactElement {
  const { user } = props;
  const details = useAsync(() => getApi().user(user.id), [user.id]);
  return (
    <div className="user-card" data-testid="user-card">
      <button className="icon-btn corner" onClick={props.onClose} aria-label="Close">
        <Icon name="close" size={14} />
      </button>
      <div className="profile-head">
        <UserAvatar url={getMedia().texture(user.avatar || null, "s3")} name={user.name} size={52} />
        <div>
          <div className="title">{user.name}</div>
          <div className="muted small">{user.isGuest ? "Guest" : "Member"}</div>
        </div>
      </div>
      {details.data?.profile?.bio ? <p className="description">{details.data.profile.bio}</p> : null}
      <button className="btn btn-primary wide" onClick={props.onHighFive} disabled={!props.canHighFive} data-testid="high-five">
        <Icon name="hand" size={16} /> High five
      </button>
    </div>
  );
}

interface ObjectContent {
  owner: string | null;
  name: string | null;
  image: string | null;
  text: { title?: string; content?: string } | null;
  video: string | null;
}

async function loadContent(objectId: string, fallbackName: string): Promise<ObjectContent> {
  const api = getApi();
  const safe = <T,>(p: Promise<T>): Promise<T | null> => p.catch(() => null);
  const [info, name, image, text, video] = await Promise.all([
    safe(api.object(objectId)),
    safe(api.attribute<{ name?: string }>(objectId, "name")),
    safe(api.attribute<{ render_hash?: string }>(objectId, "state", PLUGIN.image)),
    safe(api.attribute<{ title?: string; content?: string }>(objectId, "state", PLUGIN.text)),
    safe(api.attribute<{ youtube_url?: string; url?: string }>(objectId, "state", PLUGIN.video)),
  ]);
  let owner: string | null = null;
  if (info?.owner_id) owner = (await safe(api.user(info.owner_id)))?.name ?? null;
  return {
    owner,
    name: name?.name ?? fallbackName,
    image: image?.render_hash ?? null,
    text: text && (text.title || text.content) ? text : null,
    video: video?.youtube_url ?? video?.url ?? null,
  };
}

/** Turn a YouTube / Vimeo / Twitch page link into an embeddable player URL. */
export function embedUrl(link: string): string | null {
  if (!safeHref(link)) return null;
  try {
    const u = new URL(link);
    const host = u.hostname.replace(/^www\./, "");
    if (host === "youtu.be") return `https://www.youtube-nocookie.com/embed/${u.pathname.slice(1)}`;
    if (host.endsWith("youtube.com")) {
      const id = u.searchParams.get("v") ?? u.pathname.split("/").pop();
      return id ? `https://www.youtube-nocookie.com/embed/${id}` : null;
    }
    if (host === "vimeo.com") return `https://player.vimeo.com/video/${u.pathname.split("/").filter(Boolean)[0] ?? ""}`;
    if (host === "twitch.tv") return `https://player.twitch.tv/?channel=${u.pathname.split("/")[1] ?? ""}&parent=${location.hostname}`;
    return null;
  } catch {
    return null;
  }
}

export function ObjectPanel({ objectId, name, onClose }: { objectId: string; name: string; onClose: () => void }): ReactElement {
  const content = useAsync(() => loadContent(objectId, name), [objectId]);
  const c = content.data;
  const [zoom, setZoom] = useState(false);
  const video = c?.video ? embedUrl(c.video) : null;
  return (
    <Panel side="right" title={c?.name || name || "Object"} icon="cube" onClose={onClose} testId="object-panel">
      {content.loading ? (
        <Spinner />
      ) : content.error || !c ? (
        <ErrorState error={content.error} onRetry={content.reload} />
      ) : (
        <div className="stack">
          {c.owner ? (
            <div className="muted small">
              <Icon name="user" size={14} /> Placed by {c.owner}
            </div>
          ) : null}
          {c.image ? (
            <button className={`content-image${zoom ? " zoom" : ""}`} onClick={() => setZoom(!zoom)}>
              <img src={getMedia().texture(c.image, "s5") ?? ""} alt={c.name ?? ""} />
            </button>
          ) : null}
          {c.text ? (
            <div className="content-text">
              {c.text.title ? <h4>{c.text.title}</h4> : null}
              {c.text.content ? <p>{c.text.content}</p> : null}
            </div>
          ) : null}
          {c.video ? (
            video ? (
              <div className="content-video">
                <iframe src={video} title="Video" allow="fullscreen; picture-in-picture" sandbox="allow-scripts allow-same-origin allow-presentation" />
              </div>
            ) : safeHref(c.video) ? (
              <a className="link" href={safeHref(c.video)} target="_blank" rel="noreferrer noopener">
                <Icon name="link" size={14} /> {c.video}
              </a>
            ) : null
          ) : null}
          {!c.image && !c.text && !c.video ? <Empty icon="cube">This object has no content yet.</Empty> : null}
        </div>
      )}
    </Panel>
  );
}

export function ControlsHint({ onClose }: { onClose: () => void }): ReactElement {
  const keys: [string, string][] = [
    ["W A S D / arrows", "Fly forward, left, back, right"],
    ["E / Q", "Up / down"],
    ["Drag the mouse", "Look around"],
    ["Shift", "Faster"],
    ["1 – 9, 0", "Base speed ×1 … ×9, ×0.5"],
    ["Click", "Open an object"],
  ];
  return (
    <div className="controls-hint" role="dialog" aria-label="Controls" data-testid="controls-hint">
      <div className="controls-title">
        <Icon name="keyboard" /> How to move
      </div>
      <dl>
        {keys.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      <button className="btn btn-primary wide" onClick={onClose} data-testid="controls-ok">
        Got it
      </button>
    </div>
  );
}

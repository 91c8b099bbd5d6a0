/** Explore: worlds and people, with search; world and user details; create a world. */
import { useMemo, useState, type ReactElement } from "react";
import { useNavigate } from "react-router";
import { Empty, ErrorState, Field, Panel, Spinner, UserAvatar, useAsync } from "../ui/common";
import { Icon } from "../ui/icons";
import { describeError } from "../api/http";
import { OBJECT_TYPE, type UserSummary, type WorldSummary } from "../api/types";
import { getApi, getMedia, session } from "../state/session";
import { toast } from "../state/toasts";
import { safeHref } from "../lib/links";

export type ExploreSelection = { kind: "world"; id: string } | { kind: "user"; id: string } | null;

export function ExplorePanel(props: {
  onSelect: (s: ExploreSelection) => void;
  onClose: () => void;
  selected: ExploreSelection;
  canCreate: boolean;
  onCreate: () => void;
}): ReactElement {
  const [tab, setTab] = useState<"worlds" | "people">("worlds");
  const [query, setQuery] = useState("");
  const worlds = useAsync(() => getApi().worlds(200), []);
  const people = useAsync(() => getApi().users(200), []);
  const q = query.trim().toLowerCase();
  const worldList = useMemo(
    () =>
      (worlds.data ?? []).filter(
        (w) => !q || (w.name ?? "").toLowerCase().includes(q) || (w.description ?? "").toLowerCase().includes(q),
      ),
    [worlds.data, q],
  );
  const peopleList = useMemo(
    () => (people.data ?? []).filter((u) => (u.name ?? "").trim() && (!q || (u.name ?? "").toLowerCase().includes(q))),
    [people.data, q],
  );
  const current = tab === "worlds" ? worlds : people;
  return (
    <Panel side="left" title="Explore" icon="compass" onClose={props.onClose} testId="explore-panel">
      <div className="tabs" role="tablist">
        <button role="tab" aria-selected={tab === "worlds"} className={tab === "worlds" ? "active" : ""} onClick={() => setTab("worlds")} data-testid="tab-worlds">
          <Icon name="globe" size={16} /> Worlds
        </button>
        <button role="tab" aria-selected={tab === "people"} className={tab === "people" ? "active" : ""} onClick={() => setTab("people")} data-testid="tab-people">
          <Icon name="users" size={16} /> People
        </button>
      </div>
      <div className="search">
        <Icon name="search" size={16} />
        <input
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          placeholder={tab === "worlds" ? "Search worlds" : "Search people"}
          aria-label="Search"
          data-testid="explore-search"
        />
        {query ? (
          <button className="icon-btn" onClick={() => setQuery("")} aria-label="Clear search">
            <Icon name="close" size={14} />
          </button>
        ) : null}
      </div>
      {props.canCreate && tab === "worlds" ? (
        <button className="btn btn-ghost wide" onClick={props.onCreate} data-testid="create-world">
          <Icon name="plus" size={16} /> Create a world
        </button>
      ) : null}
      {current.loading ? (
        <Spinner label={tab === "worlds" ? "Loading worlds…" : "Loading people…"} />
      ) : current.error ? (
        <ErrorState error={current.error} onRetry={current.reload} />
      ) : tab === "worlds" ? (
        worldList.length === 0 ? (
          <Empty icon="globe">{q ? `No world matches “${query}”.` : "No worlds on this node yet."}</Empty>
        ) : (
          <ul className="cards" data-testid="world-list">
            {worldList.map((w) => (
              <WorldCard key={w.id} world={w} active={props.selected?.kind === "world" && props.selected.id === w.id} onInfo={() => props.onSelect({ kind: "world", id: w.id })} />
            ))}
          </ul>
        )
      ) : peopleList.length === 0 ? (
        <Empty icon="users">{q ? `Nobody matches “${query}”.` : "No members yet. Be the first to connect a wallet!"}</Empty>
      ) : (
        <ul className="people" data-testid="people-list">
          {peopleList.map((u) => (
            <PersonRow key={u.id} user={u} onClick={() => props.onSelect({ kind: "user", id: u.id })} />
          ))}
        </ul>
      )}
    </Panel>
  );
}

function WorldCard({ world, onInfo, active }: { world: WorldSummary; onInfo: () => void; active: boolean }): ReactElement {
  const navigate = useNavigate();
  const img = getMedia().texture(world.avatarHash, "s5");
  return (
    <li className={`card${active ? " active" : ""}`} data-testid="world-card" data-world-id={world.id}>
      <button className="card-main" onClick={onInfo}>
        <span className="thumb">{img ? <img src={img} alt="" /> : <Icon name="globe" size={26} />}</span>
        <span className="card-text">
          <strong>{world.name || "Untitled world"}</strong>
          <small>by {world.owner_name || "unknown"}</small>
          <span className="clamp">{world.description || "No description."}</span>
        </span>
      </button>
      <div className="card-actions">
        <button className="btn btn-small btn-ghost" onClick={onInfo}>
          <Icon name="info" size={14} /> Info
        </button>
        <button className="btn btn-small btn-primary" onClick={() => void navigate(`/odyssey/${world.id}`)} data-testid="visit-world">
          Visit
        </button>
      </div>
    </li>
  );
}

function PersonRow({ user, onClick }: { user: UserSummary; onClick: () => void }): ReactElement {
  return (
    <li>
      <button className="person" onClick={onClick}>
        <UserAvatar url={getMedia().texture(user.profile?.avatarHash, "s3")} name={user.name ?? ""} />
        <span className="grow">
          <strong>{user.name}</strong>
          {user.profile?.bio ? <small className="clamp1">{user.profile.bio}</small> : null}
        </span>
      </button>
    </li>
  );
}

export function WorldDetailsPanel({ worldId, onClose }: { worldId: string; onClose: () => void }): ReactElement {
  const navigate = useNavigate();
  const details = useAsync(() => getApi().world(worldId), [worldId]);
  const online = useAsync(() => getApi().onlineUsers(worldId), [worldId]);
  const w = details.data;
  const img = w ? getMedia().texture(w.avatarHash, "s5") : null;
  return (
    <Panel side="right" title="World" icon="globe" onClose={onClose} testId="world-details">
      {details.loading ? (
        <Spinner />
      ) : details.error || !w ? (
        <ErrorState error={details.error} onRetry={details.reload} />
      ) : (
        <div className="stack">
          <div className="hero">{img ? <img src={img} alt="" /> : <Icon name="globe" size={48} />}</div>
          <h3 className="title" data-testid="world-details-name">{w.name || "Untitled world"}</h3>
          <div className="meta-row">
            <span>
              <Icon name="crown" size={14} /> {w.owner_name || "unknown owner"}
            </span>
            <span data-testid="world-online-count">
              <span className="dot-online" />{" "}
              {online.loading ? "…" : online.error ? "—" : `${(online.data ?? []).length} online`}
            </span>
          </div>
          <p className="description">{w.description || <span className="muted">No description.</span>}</p>
          {safeHref(w.website_link) ? (
            <a className="link" href={safeHref(w.website_link)} target="_blank" rel="noreferrer noopener">
              <Icon name="link" size={14} /> {w.website_link}
            </a>
          ) : null}
          {w.createdAt ? <div className="muted small">Created {new Date(w.createdAt).toLocaleDateString()}</div> : null}
          <button className="btn btn-primary wide" onClick={() => void navigate(`/odyssey/${w.id}`)} data-testid="enter-world">
            Enter world
          </button>
        </div>
      )}
    </Panel>
  );
}

export function UserDetailsPanel({ userId, onClose }: { userId: string; onClose: () => void }): ReactElement {
  const navigate = useNavigate();
  const user = useAsync(() => getApi().user(userId), [userId]);
  const worlds = useAsync(() => getApi().userWorlds(userId), [userId]);
  const u = user.data;
  return (
    <Panel side="right" title="Member" icon="user" onClose={onClose} testId="user-details">
      {user.loading ? (
        <Spinner />
      ) : user.error || !u ? (
        <ErrorState error={user.error} onRetry={user.reload} />
      ) : (
        <div className="stack">
          <div className="profile-head">
            <UserAvatar url={getMedia().texture(u.profile?.avatarHash, "s3")} name={u.name} size={72} />
            <div>
              <div className="title">{u.name}</div>
              {u.profile?.location ? <div className="muted">{u.profile.location}</div> : null}
            </div>
          </div>
          <p className="description">{u.profile?.bio || <span className="muted">No bio yet.</span>}</p>
          {safeHref(u.profile?.profileLink) ? (
            <a className="link" href={safeHref(u.profile?.profileLink)} target="_blank" rel="noreferrer noopener">
              <Icon name="link" size={14} /> {u.profile?.profileLink}
            </a>
          ) : null}
          <h4>Worlds</h4>
          {worlds.loading ? (
            <Spinner />
          ) : (worlds.data ?? []).length === 0 ? (
            <Empty icon="globe">Owns no world yet.</Empty>
          ) : (
            <ul className="people">
              {(worlds.data ?? []).map((w) => (
                <li key={w.id}>
                  <button className="person" onClick={() => void navigate(`/odyssey/${w.id}`)}>
                    <Icon name="globe" />
                    <span className="grow"><strong>{w.name}</strong></span>
                    <span className="btn btn-small btn-primary">Visit</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </Panel>
  );
}

export function CreateWorldPanel({ onClose }: { onClose: () => void }): ReactElement {
  const navigate = useNavigate();
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const nodeId = session.get().config?.NODE_ID;
  const submit = async (): Promise<void> => {
    if (!nodeId) return;
    setBusy(true);
    setError(null);
    try {
      const { object_id } = await getApi().createObject({
        object_name: name.trim(),
        parent_id: nodeId,
        object_type_id: OBJECT_TYPE.world,
      });
      if (description.trim()) {
        await getApi().setAttribute(object_id, "description", { description: description.trim() }).catch(() => undefined);
      }
      toast(`World “${name.trim()}” created`, "success");
      void navigate(`/odyssey/${object_id}`);
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Panel side="right" title="Create a world" icon="plus" onClose={onClose} testId="create-world-panel">
      <div className="stack">
        <Field label="Name">
          <input value={name} maxLength={64} onChange={(e) => setName(e.target.value)} placeholder="My world" />
        </Field>
        <Field label="Description">
          <textarea rows={4} value={description} onChange={(e) => setDescription(e.target.value)} />
        </Field>
        {error ? <div className="form-error">{error}</div> : null}
        <button className="btn btn-primary wide" disabled={busy || name.trim().length < 2 || !nodeId} onClick={() => void submit()}>
          {busy ? <span className="spinner" /> : <Icon name="plus" size={16} />} Create and enter
        </button>
      </div>
    </Panel>
  );
}

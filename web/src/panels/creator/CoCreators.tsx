/** Creator tab "Co-creators": the world's admins, added by user id or wallet address. */
import { useState, type ReactElement } from "react";
import { Empty, ErrorState, Spinner, UserAvatar, useAsync } from "../../ui/common";
import { Icon } from "../../ui/icons";
import { getMedia } from "../../state/session";
import { addCoCreator, loadCoCreators, removeCoCreator } from "../../world/creatorActions";

export function CoCreators({ worldId }: { worldId: string }): ReactElement {
  const members = useAsync(() => loadCoCreators(worldId), [worldId]);
  const [who, setWho] = useState("");
  const [busy, setBusy] = useState(false);
  const add = async (): Promise<void> => {
    const v = who.trim();
    if (!v) return;
    setBusy(true);
    if (await addCoCreator(worldId, v)) {
      setWho("");
      members.reload();
    }
    setBusy(false);
  };
  const remove = async (userId: string): Promise<void> => {
    if (await removeCoCreator(worldId, userId)) members.reload();
  };
  return (
    <div className="stack">
      <p className="muted small">Co-creators can edit this world like you do.</p>
      <div className="row">
        <input className="grow" value={who} onChange={(e) => setWho(e.target.value)} placeholder="Wallet address or user id" data-testid="member-input" />
        <button className="btn btn-primary" disabled={busy || !who.trim()} onClick={() => void add()}>
          <Icon name="plus" size={16} /> Add
        </button>
      </div>
      {members.loading ? (
        <Spinner />
      ) : members.error ? (
        <ErrorState error={members.error} onRetry={members.reload} />
      ) : (members.data ?? []).length === 0 ? (
        <Empty icon="users">No co-creators yet.</Empty>
      ) : (
        <ul className="people">
          {(members.data ?? []).map((m) => (
            <li key={m.user_id} className="person">
              <UserAvatar url={getMedia().texture(m.avatar_hash || null, "s3")} name={m.name} size={32} />
              <span className="grow">
                <strong>{m.name || m.user_id.slice(0, 8)}</strong>
                <small>{m.role}</small>
              </span>
              <button className="icon-btn" aria-label={`Remove ${m.name}`} onClick={() => void remove(m.user_id)}>
                <Icon name="trash" size={16} />
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** The people in this world: you first, then everyone else (a click opens their card). */
import type { ReactElement } from "react";
import { UserAvatar } from "../ui/common";
import { Icon } from "../ui/icons";
import type { User } from "../api/types";
import { getMedia } from "../state/session";
import type { WorldUser } from "../state/worldModel";

export function VisitorsPanel({ me, users, onPick, onClose }: { me: User | null; users: WorldUser[]; onPick: (u: WorldUser) => void; onClose: () => void }): ReactElement {
  return (
    <section className="panel panel-left" data-testid="visitors-panel">
      <header className="panel-head">
        <Icon name="users" />
        <h2>In this world</h2>
        <button className="icon-btn" onClick={onClose} aria-label="Close">
          <Icon name="close" size={18} />
        </button>
      </header>
      <div className="panel-body">
        <ul className="people">
          {me ? (
            <li className="person">
              <UserAvatar url={getMedia().texture(me.profile?.avatarHash, "s3")} name={me.name} size={32} />
              <span className="grow"><strong>{me.name}</strong><small>you</small></span>
            </li>
          ) : null}
          {users.map((u) => (
            <li key={u.id}>
              <button className="person" onClick={() => onPick(u)}>
                <UserAvatar url={getMedia().texture(u.avatar || null, "s3")} name={u.name} size={32} />
                <span className="grow"><strong>{u.name}</strong><small>{u.isGuest ? "guest" : "member"}</small></span>
                <Icon name="hand" size={16} />
              </button>
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}

/** The heads-up display of a world: system screens, connection state, the world card, the people strip. */
import type { ReactElement } from "react";
import { Icon } from "../ui/icons";
import type { WorldDetails } from "../api/types";
import { getMedia } from "../state/session";
import type { WorldUser } from "../state/worldModel";
import type { WorldViewState } from "../state/worldSession";
import { OnlineStrip } from "./WorldPanels";

export function SceneUnavailable({ error, onBack }: { error: string; onBack: () => void }): ReactElement {
  return (
    <div className="system-screen" role="alert">
      <div className="system-title">3D is not available in this browser</div>
      <p className="system-text">WebGL could not start: {error}</p>
      <button className="btn btn-primary" onClick={onBack}>Back to Explore</button>
    </div>
  );
}

export function DualConnection(): ReactElement {
  return (
    <div className="system-screen" role="alert" data-testid="dual-connection">
      <div className="system-title">Odyssey is open in another tab</div>
      <p className="system-text">You entered this world from another tab or device. Only one session can be in a world at a time.</p>
      <button className="btn btn-primary" onClick={() => window.location.reload()}>Use it here</button>
    </div>
  );
}

/** Entering, and reconnecting after a lost connection. */
export function ConnectionState({ view, worldName, onRetry }: { view: WorldViewState; worldName: string | undefined; onRetry: () => void }): ReactElement {
  return (
    <>
      {!view.entered ? (
        <div className="world-loading" data-testid="world-loading">
          <span className="spinner" /> {view.status === "reconnecting" ? "Reconnecting…" : `Entering ${worldName ?? "the world"}…`}
        </div>
      ) : null}
      {view.entered && view.status === "reconnecting" ? (
        <div className="banner banner-warn" role="status" data-testid="reconnecting">
          <span className="spinner" /> Connection lost. Reconnecting…
          <button className="btn btn-small btn-ghost" onClick={onRetry}>Retry now</button>
        </div>
      ) : null}
    </>
  );
}

export function TopLeft({ users, onBack, onPick }: { users: WorldUser[]; onBack: () => void; onPick: (u: WorldUser) => void }): ReactElement {
  return (
    <div className="top-left">
      <button className="back-btn" onClick={onBack} aria-label="Back to Explore" data-testid="back-to-explore">
        <Icon name="arrowLeft" size={18} />
      </button>
      <OnlineStrip users={users} onPick={onPick} />
    </div>
  );
}

export function WorldCard({ view, details, isAdmin }: { view: WorldViewState; details: WorldDetails | null; isAdmin: boolean }): ReactElement {
  return (
    <div className="world-card" data-testid="world-card-hud">
      <span className="thumb small">
        {details?.avatarHash ? <img src={getMedia().texture(details.avatarHash, "s3") ?? ""} alt="" /> : <Icon name="globe" />}
      </span>
      <div>
        <div className="title">{view.info?.name || details?.name || "World"}</div>
        <div className="muted small">
          <span className="dot-online" /> {view.users.length + 1} here · {view.objectCount} objects
          {isAdmin ? " · you can build" : ""}
        </div>
      </div>
    </div>
  );
}

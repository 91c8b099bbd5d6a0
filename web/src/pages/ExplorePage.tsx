/** `/` and `/explore`: the universe of worlds behind the Explore, details and account panels. */
import { useCallback, useEffect, useRef, useState, type ReactElement, type RefObject } from "react";
import { MenuButton } from "../ui/common";
import { AccountButton } from "../panels/AccountButton";
import { CreateWorldPanel, ExplorePanel, UserDetailsPanel, WorldDetailsPanel, type ExploreSelection } from "../panels/ExplorePanels";
import { LoginPanel } from "../panels/LoginPanel";
import { ProfilePanel } from "../panels/ProfilePanel";
import { getApi, getMedia, needsSignUp, session } from "../state/session";
import { useStore } from "../lib/useStore";
import { UniverseScene } from "../scene/UniverseScene";
import { Logo } from "../ui/Logo";

type LeftPanel = "explore" | "account" | null;

export function ExplorePage(): ReactElement {
  const { user } = useStore(session);
  const [left, setLeft] = useState<LeftPanel>(needsSignUp(user) ? "account" : "explore");
  const [selected, setSelected] = useState<ExploreSelection>(null);
  const [creating, setCreating] = useState(false);
  const canCreate = useCanCreateWorlds();
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const pickWorld = useCallback((id: string) => setSelected({ kind: "world", id }), []);
  useUniverse(canvasRef, pickWorld);

  useEffect(() => {
    document.title = "Explore · Odyssey";
  }, []);

  const isMember = !!user && !user.isGuest && !needsSignUp(user);
  const toggle = (panel: Exclude<LeftPanel, null>): void => setLeft(left === panel ? null : panel);
  return (
    <div className="shell" data-testid="explore-page">
      <canvas ref={canvasRef} className="scene-canvas" aria-label="Universe of worlds" />
      <div className="brand">
        <Logo size={30} />
        <div>
          <div className="brand-name">Odyssey</div>
          <div className="brand-sub">Explore the worlds of this node</div>
        </div>
      </div>
      {left === "explore" ? (
        <ExplorePanel
          onClose={() => setLeft(null)}
          onSelect={(s) => {
            setCreating(false);
            setSelected(s);
          }}
          selected={selected}
          canCreate={canCreate}
          onCreate={() => {
            setSelected(null);
            setCreating(true);
          }}
        />
      ) : null}
      {left === "account" ? (isMember ? <ProfilePanel onClose={() => setLeft(null)} /> : <LoginPanel onClose={() => setLeft(null)} />) : null}
      {creating ? <CreateWorldPanel onClose={() => setCreating(false)} /> : null}
      {!creating && selected?.kind === "world" ? <WorldDetailsPanel worldId={selected.id} onClose={() => setSelected(null)} /> : null}
      {!creating && selected?.kind === "user" ? <UserDetailsPanel userId={selected.id} onClose={() => setSelected(null)} /> : null}
      <nav className="bottom-menu" aria-label="Main menu">
        <MenuButton icon="compass" label="Explore" active={left === "explore"} onClick={() => toggle("explore")} testId="menu-explore" />
        <AccountButton user={user} member={isMember} active={left === "account"} onClick={() => toggle("account")} />
      </nav>
    </div>
  );
}

/** Node admins may create worlds: probe an admin-only route of the node object. */
function useCanCreateWorlds(): boolean {
  const { user, config } = useStore(session);
  const nodeId = config?.NODE_ID;
  const [canCreate, setCanCreate] = useState(false);
  useEffect(() => {
    setCanCreate(false);
    if (!nodeId || !user || user.isGuest) return;
    let live = true;
    getApi()
      .members(nodeId)
      .then(() => live && setCanCreate(true))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [nodeId, user]);
  return canCreate;
}

/** The 3D universe behind the panels: the node's worlds as orbs; a click on one picks it. */
function useUniverse(canvasRef: RefObject<HTMLCanvasElement | null>, onPick: (worldId: string) => void): void {
  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    let universe: UniverseScene;
    try {
      universe = new UniverseScene(canvas);
    } catch (error) {
      console.warn("3D view unavailable", error);
      return;
    }
    universe.onPick = onPick;
    let live = true;
    getApi()
      .worlds(200)
      .then((ws) => live && universe.setWorlds((ws ?? []).map((w) => ({ id: w.id, imageUrl: getMedia().texture(w.avatarHash, "s3") }))))
      .catch(() => undefined);
    return () => {
      live = false;
      universe.dispose();
    };
  }, [canvasRef, onPick]);
}

/** `/` and `/explore`: the universe of worlds behind the Explore, details and account panels. */
import { useEffect, useRef, useState, type ReactElement } from "react";
import { MenuButton, UserAvatar } from "../ui/common";
import { CreateWorldPanel, ExplorePanel, UserDetailsPanel, WorldDetailsPanel, type ExploreSelection } from "../panels/ExplorePanels";
import { LoginPanel } from "../panels/LoginPanel";
import { ProfilePanel } from "../panels/ProfilePanel";
import { getApi, getMedia, needsSignUp, session } from "../state/session";
import { useStore } from "../lib/useStore";
import { UniverseScene } from "../scene/UniverseScene";
import { Logo } from "../ui/Logo";

type LeftPanel = "explore" | "account" | null;

export function ExplorePage(): ReactElement {
  const { user, config } = useStore(session);
  const [left, setLeft] = useState<LeftPanel>(needsSignUp(user) ? "account" : "explore");
  const [selected, setSelected] = useState<ExploreSelection>(null);
  const [creating, setCreating] = useState(false);
  const [canCreate, setCanCreate] = useState(false);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const universeRef = useRef<UniverseScene | null>(null);

  useEffect(() => {
    document.title = "Explore · Odyssey";
  }, []);

  // Node admins may create worlds: probe an admin-only route of the node object.
  useEffect(() => {
    const nodeId = config?.NODE_ID;
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
  }, [config?.NODE_ID, user]);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    let universe: UniverseScene | null = null;
    try {
      universe = new UniverseScene(canvas);
    } catch (error) {
      console.warn("3D view unavailable", error);
      return;
    }
    universeRef.current = universe;
    universe.onPick = (id) => setSelected({ kind: "world", id });
    let live = true;
    getApi()
      .worlds(200)
      .then((ws) => live && universe?.setWorlds((ws ?? []).map((w) => ({ id: w.id, imageUrl: getMedia().texture(w.avatarHash, "s3") }))))
      .catch(() => undefined);
    return () => {
      live = false;
      universe?.dispose();
      universeRef.current = null;
    };
  }, []);

  const isMember = !!user && !user.isGuest;
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
      {left === "account" ? (
        isMember && !needsSignUp(user) ? <ProfilePanel onClose={() => setLeft(null)} /> : <LoginPanel onClose={() => setLeft(null)} />
      ) : null}
      {creating ? <CreateWorldPanel onClose={() => setCreating(false)} /> : null}
      {!creating && selected?.kind === "world" ? <WorldDetailsPanel worldId={selected.id} onClose={() => setSelected(null)} /> : null}
      {!creating && selected?.kind === "user" ? <UserDetailsPanel userId={selected.id} onClose={() => setSelected(null)} /> : null}
      <nav className="bottom-menu" aria-label="Main menu">
        <MenuButton icon="compass" label="Explore" active={left === "explore"} onClick={() => setLeft(left === "explore" ? null : "explore")} testId="menu-explore" />
        {isMember && !needsSignUp(user) ? (
          <button className={`menu-btn${left === "account" ? " active" : ""}`} onClick={() => setLeft(left === "account" ? null : "account")} data-testid="menu-profile" title="My profile">
            <UserAvatar url={getMedia().texture(user?.profile?.avatarHash, "s3")} name={user?.name ?? ""} size={24} />
            <span>{user?.name}</span>
          </button>
        ) : (
          <MenuButton icon="wallet" label="Connect" accent active={left === "account"} onClick={() => setLeft(left === "account" ? null : "account")} testId="menu-connect" />
        )}
      </nav>
    </div>
  );
}

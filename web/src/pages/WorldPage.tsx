/** `/odyssey/:worldId`: the 3D world with presence, object content and creator mode. */
import { useCallback, useEffect, useRef, useState, type ReactElement } from "react";
import { useNavigate, useParams } from "react-router";
import { MenuButton, UserAvatar } from "../ui/common";
import { Icon } from "../ui/icons";
import { ApiError, describeError } from "../api/http";
import type { WorldDetails } from "../api/types";
import { currentToken, getApi, getMedia, needsSignUp, origin, session } from "../state/session";
import { useStore } from "../lib/useStore";
import { isUuid } from "../lib/ids";
import { toast } from "../state/toasts";
import { WorldSession, initialWorldView, transformInterval, type WorldViewState } from "../state/worldSession";
import { createStore } from "../lib/store";
import type { WorldUser } from "../state/worldModel";
import { WorldScene } from "../scene/WorldScene";
import { ControlsHint, ObjectPanel, OnlineStrip, UserCard } from "../panels/WorldPanels";
import { CreatorPanel, placeObject, placingName, type CreatorTab } from "../panels/Creator";
import { LoginPanel } from "../panels/LoginPanel";
import { ProfilePanel } from "../panels/ProfilePanel";
import { InvitationDialog, type PendingInvitation } from "../panels/Invitation";
import { registerWorld } from "../testHooks";

const CONTROLS_SEEN = "odyssey.controlsSeen";

type Left = "account" | "visitors" | null;

export function WorldPage(): ReactElement {
  const { worldId = "" } = useParams();
  const navigate = useNavigate();
  const { user, tokenVersion } = useStore(session);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [scene, setScene] = useState<WorldScene | null>(null);
  const [world, setWorld] = useState<WorldSession | null>(null);
  const [details, setDetails] = useState<WorldDetails | null>(null);
  const [left, setLeft] = useState<Left>(null);
  const [creator, setCreator] = useState(false);
  const [creatorTab, setCreatorTab] = useState<CreatorTab>("add");
  const [card, setCard] = useState<WorldUser | null>(null);
  const [showControls, setShowControls] = useState(() => {
    try {
      return localStorage.getItem(CONTROLS_SEEN) !== "1";
    } catch {
      return true;
    }
  });
  const [sceneError, setSceneError] = useState<string | null>(null);
  const [invitation, setInvitation] = useState<PendingInvitation | null>(null);
  const creatorRef = useRef(creator);
  creatorRef.current = creator;

  // World details (name, owner, is_admin); unknown worlds go back to Explore.
  useEffect(() => {
    if (!isUuid(worldId)) {
      toast("This world does not exist.", "error");
      void navigate("/explore", { replace: true });
      return;
    }
    let live = true;
    getApi()
      .world(worldId)
      .then(
        (d) => {
          if (!live) return;
          setDetails(d);
          document.title = `${d.name || "World"} · Odyssey`;
        },
        (e: unknown) => {
          if (!live) return;
          if (e instanceof ApiError && e.status === 404) {
            toast("This world does not exist.", "error");
            void navigate("/explore", { replace: true });
          } else toast(describeError(e), "error");
        },
      );
    return () => {
      live = false;
    };
  }, [worldId, navigate, tokenVersion]);

  // The 3D scene lives as long as the page.
  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    let s: WorldScene;
    try {
      s = new WorldScene(canvas, {
        assetUrl: (id) => getMedia().asset(id),
        textureUrl: (hash, size) => getMedia().texture(hash, size ?? "s3"),
        onMove: (t) => worldRef.current?.sendMyTransform(t),
        onObjectClick: (id) => void handleObjectClick(id),
        onUserClick: (id) => {
          const u = worldRef.current?.model.users.get(id);
          if (u) setCard(u);
        },
        onObjectEdit: (id, t, final) => worldRef.current?.sendObjectTransform(id, t, final),
      });
    } catch (e) {
      setSceneError(e instanceof Error ? e.message : String(e));
      return;
    }
    setScene(s);
    sceneRef.current = s;
    return () => {
      sceneRef.current = null;
      s.dispose();
      setScene(null);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  const sceneRef = useRef<WorldScene | null>(null);
  const worldRef = useRef<WorldSession | null>(null);

  // The posbus session: per world and identity (signing in reconnects with the new token).
  useEffect(() => {
    const token = getApi().http.token;
    if (!scene || !user || !token || !isUuid(worldId)) return;
    const tickRate = session.get().config?.CONTROLLER_TICK_RATE;
    const w = new WorldSession(worldId, user.id, () => currentToken() ?? token, origin(), transformInterval(tickRate));
    worldRef.current = w;
    // A refused teleport (a private world) is a notification saying why, then "world does not
    // exist": show the reason once instead of claiming the world is missing.
    let notice: string | null = null;
    const off = w.onChanges((changes) => {
      scene.apply(changes);
      for (const c of changes) {
        if (c.kind === "high-five" && c.receiverId === w.userId) {
          const sender = w.model.users.get(c.senderId);
          toast(`${sender?.name ?? "Someone"} sent you a high five!`, "success", sender ? { label: "High five back", run: () => void sendHighFive(sender) } : undefined, 8000);
        }
        if (c.kind === "notification") {
          toast(c.text, "info");
          notice = c.text;
        }
        if (c.kind === "invitation") {
          const { worldId: invitedTo, inviterName } = c;
          setInvitation({ inviterName, worldId: invitedTo, worldName: null });
          getApi()
            .world(invitedTo)
            .then(
              (d) => setInvitation((cur) => (cur?.worldId === invitedTo ? { ...cur, worldName: d.name ?? null } : cur)),
              () => undefined,
            );
        }
        if (c.kind === "world-missing") {
          if (!(notice && !w.view.get().entered)) toast("This world does not exist.", "error");
          void navigate("/explore", { replace: true });
        }
      }
    });
    setWorld(w);
    registerWorld(scene, w);
    w.start();
    return () => {
      off();
      registerWorld(null, null);
      w.stop();
      worldRef.current = null;
      setWorld(null);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [scene, worldId, user?.id, tokenVersion]);

  const view = useStore(world?.view ?? placeholderView);
  const declineInvitation = useCallback(() => setInvitation(null), []);
  // Accepting is our own teleport: the world page of the other world connects and enters it.
  const acceptInvitation = (): void => {
    const to = invitation?.worldId;
    setInvitation(null);
    if (to) void navigate(`/odyssey/${to}`);
  };
  const isAdmin = !!details?.is_admin && !!user && !user.isGuest;

  const handleObjectClick = useCallback(async (id: string | null): Promise<void> => {
    const w = worldRef.current;
    const s = sceneRef.current;
    if (!w || !s) return;
    if (!creatorRef.current) {
      w.inspect(id);
      return;
    }
    const previous = w.view.get().selectedId;
    if (previous && previous !== id) {
      w.unlock(previous);
      s.select(null);
      w.select(null);
    }
    if (!id || id === previous) return;
    const owner = await w.lock(id);
    if (owner === w.userId) {
      s.select(id);
      w.select(id);
      setCreatorTab("inspector");
    } else if (owner) {
      const holder = w.model.users.get(owner)?.name ?? "another creator";
      toast(`Locked: ${holder} is editing this object.`, "error");
    } else toast("The object could not be locked. Try again.", "error");
  }, []);

  const sendHighFive = async (target: WorldUser): Promise<void> => {
    const w = worldRef.current;
    const s = sceneRef.current;
    if (!w || !s) return;
    setCard(null);
    const p = s.avatars.position(target.id);
    if (p) await s.flyTo(p.clone(), 3, 1200);
    if (w.highFive(target.id)) toast(`High five sent to ${target.name}`, "success");
    else toast("Not connected: the high five was not sent.", "error");
  };

  // Leaving creator mode releases the selection.
  useEffect(() => {
    if (creator || !world || !scene) return;
    const sel = world.view.get().selectedId;
    if (sel) world.unlock(sel);
    world.select(null);
    scene.select(null);
    scene.cancelPlacement();
  }, [creator, world, scene]);

  const closeControls = (): void => {
    setShowControls(false);
    try {
      localStorage.setItem(CONTROLS_SEEN, "1");
    } catch {
      /* ignore */
    }
  };

  const inspected = view.inspectId ? world?.object(view.inspectId) : undefined;
  const placing = scene?.placing ?? null;
  const [, force] = useState(0);
  useEffect(() => {
    if (!scene) return;
    const id = setInterval(() => force((n) => n + 1), 400);
    return () => clearInterval(id);
  }, [scene]);

  if (sceneError) {
    return (
      <div className="system-screen" role="alert">
        <div className="system-title">3D is not available in this browser</div>
        <p className="system-text">WebGL could not start: {sceneError}</p>
        <button className="btn btn-primary" onClick={() => void navigate("/explore")}>Back to Explore</button>
      </div>
    );
  }
  if (view.dualConnection) {
    return (
      <div className="system-screen" role="alert" data-testid="dual-connection">
        <div className="system-title">Odyssey is open in another tab</div>
        <p className="system-text">You entered this world from another tab or device. Only one session can be in a world at a time.</p>
        <button className="btn btn-primary" onClick={() => window.location.reload()}>Use it here</button>
      </div>
    );
  }

  const userName = (id: string): string => world?.model.users.get(id)?.name ?? (id === user?.id ? "you" : "another creator");
  const isMember = !!user && !user.isGuest && !needsSignUp(user);

  return (
    <div className="shell" data-testid="world-page">
      <canvas ref={canvasRef} className="scene-canvas" data-testid="world-canvas" aria-label="3D world" tabIndex={0} />
      {!view.entered ? (
        <div className="world-loading" data-testid="world-loading">
          <span className="spinner" /> {view.status === "reconnecting" ? "Reconnecting…" : `Entering ${details?.name ?? "the world"}…`}
        </div>
      ) : null}
      {view.entered && view.status === "reconnecting" ? (
        <div className="banner banner-warn" role="status" data-testid="reconnecting">
          <span className="spinner" /> Connection lost. Reconnecting…
          <button className="btn btn-small btn-ghost" onClick={() => world?.connection.reconnectNow()}>Retry now</button>
        </div>
      ) : null}
      <div className="top-left">
        <button className="back-btn" onClick={() => void navigate("/explore")} aria-label="Back to Explore" data-testid="back-to-explore">
          <Icon name="arrowLeft" size={18} />
        </button>
        <OnlineStrip users={view.users} onPick={setCard} />
      </div>
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
      {card ? <UserCard user={card} onClose={() => setCard(null)} onHighFive={() => void sendHighFive(card)} canHighFive={view.status === "open"} /> : null}
      {left === "account" ? (isMember ? <ProfilePanel onClose={() => setLeft(null)} /> : <LoginPanel onClose={() => setLeft(null)} />) : null}
      {left === "visitors" ? (
        <section className="panel panel-left" data-testid="visitors-panel">
          <header className="panel-head">
            <Icon name="users" />
            <h2>In this world</h2>
            <button className="icon-btn" onClick={() => setLeft(null)} aria-label="Close">
              <Icon name="close" size={18} />
            </button>
          </header>
          <div className="panel-body">
            <ul className="people">
              {user ? (
                <li className="person">
                  <UserAvatar url={getMedia().texture(user.profile?.avatarHash, "s3")} name={user.name} size={32} />
                  <span className="grow"><strong>{user.name}</strong><small>you</small></span>
                </li>
              ) : null}
              {view.users.map((u) => (
                <li key={u.id}>
                  <button className="person" onClick={() => setCard(u)}>
                    <UserAvatar url={getMedia().texture(u.avatar || null, "s3")} name={u.name} size={32} />
                    <span className="grow"><strong>{u.name}</strong><small>{u.isGuest ? "guest" : "member"}</small></span>
                    <Icon name="hand" size={16} />
                  </button>
                </li>
              ))}
            </ul>
          </div>
        </section>
      ) : null}
      {creator && world && scene ? (
        <CreatorPanel world={world} scene={scene} tab={creatorTab} setTab={setCreatorTab} onClose={() => setCreator(false)} userNames={userName} />
      ) : inspected ? (
        <ObjectPanel objectId={inspected.id} name={inspected.name} onClose={() => world?.inspect(null)} />
      ) : null}
      {showControls && view.entered ? <ControlsHint onClose={closeControls} /> : null}
      {invitation ? <InvitationDialog invitation={invitation} onAccept={acceptInvitation} onDecline={declineInvitation} /> : null}
      {placing && world && scene ? (
        <div className="sub-menu" data-testid="placement-bar">
          <span>Fly to the right spot, then place the object.</span>
          <button className="btn btn-ghost" onClick={() => scene.cancelPlacement()}>Cancel</button>
          <button className="btn btn-primary" data-testid="place-object" onClick={() => void placeObject(world, scene, placingName(placing))}>
            <Icon name="check" size={16} /> Place here
          </button>
        </div>
      ) : creator && view.selectedId && world && scene ? (
        <div className="sub-menu">
          <button className="btn btn-ghost" onClick={() => void handleObjectClick(null)} data-testid="clear-selection">
            <Icon name="close" size={16} /> Clear selection
          </button>
          <button className="btn btn-ghost" onClick={() => setCreatorTab("inspector")}>
            <Icon name="cube" size={16} /> Inspector
          </button>
        </div>
      ) : null}
      <nav className="bottom-menu" aria-label="World menu">
        <MenuButton icon="compass" label="Explore" onClick={() => void navigate("/explore")} testId="menu-explore" />
        {isMember ? (
          <button className={`menu-btn${left === "account" ? " active" : ""}`} onClick={() => setLeft(left === "account" ? null : "account")} data-testid="menu-profile" title="My profile">
            <UserAvatar url={getMedia().texture(user?.profile?.avatarHash, "s3")} name={user?.name ?? ""} size={24} />
            <span>{user?.name}</span>
          </button>
        ) : (
          <MenuButton icon="wallet" label="Connect" accent active={left === "account"} onClick={() => setLeft(left === "account" ? null : "account")} testId="menu-connect" />
        )}
        <MenuButton icon="users" label={`People · ${view.users.length + 1}`} active={left === "visitors"} onClick={() => setLeft(left === "visitors" ? null : "visitors")} testId="menu-visitors" />
        {isAdmin ? (
          <MenuButton icon="pencil" label="Creator" active={creator} onClick={() => setCreator(!creator)} testId="menu-creator" />
        ) : null}
        <MenuButton icon="keyboard" label="Controls" active={showControls} onClick={() => setShowControls(!showControls)} testId="menu-controls" />
      </nav>
    </div>
  );
}

const placeholderView = createStore<WorldViewState>({ ...initialWorldView });

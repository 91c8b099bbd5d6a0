/** `/odyssey/:worldId`: the 3D world with presence, object content and creator mode. */
import { useCallback, useRef, useState, type ReactElement } from "react";
import { useNavigate, useParams } from "react-router";
import { createStore } from "../lib/store";
import { useStore } from "../lib/useStore";
import { needsSignUp, session } from "../state/session";
import type { WorldUser } from "../state/worldModel";
import { initialWorldView, type WorldViewState } from "../state/worldSession";
import { CreatorPanel, type CreatorTab } from "../panels/creator/CreatorPanel";
import { PlacementBar, SelectionBar } from "../panels/creator/CreatorBar";
import { InvitationDialog } from "../panels/Invitation";
import { LoginPanel } from "../panels/LoginPanel";
import { ProfilePanel } from "../panels/ProfilePanel";
import { VisitorsPanel } from "../panels/VisitorsPanel";
import { ConnectionState, DualConnection, SceneUnavailable, TopLeft, WorldCard } from "../panels/WorldHud";
import { WorldMenu, type WorldLeftPanel } from "../panels/WorldMenu";
import { ControlsHint, ObjectPanel, UserCard } from "../panels/WorldPanels";
import { useControlsHint } from "../world/useControlsHint";
import { useInvitation } from "../world/useInvitation";
import { useWorld } from "../world/useWorld";
import { useWorldDetails } from "../world/useWorldDetails";

/** What the page shows before the session exists. */
const placeholderView = createStore<WorldViewState>({ ...initialWorldView });

export function WorldPage(): ReactElement {
  const { worldId = "" } = useParams();
  const navigate = useNavigate();
  const { user } = useStore(session);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const details = useWorldDetails(worldId);
  const [left, setLeft] = useState<WorldLeftPanel>(null);
  const [creator, setCreator] = useState(false);
  const [creatorTab, setCreatorTab] = useState<CreatorTab>("add");
  const [card, setCard] = useState<WorldUser | null>(null);
  const controls = useControlsHint();
  const invitation = useInvitation();
  const toExplore = (): void => void navigate("/explore");
  const showInspector = useCallback(() => setCreatorTab("inspector"), []);
  const { scene, sceneError, world, clickObject, highFive } = useWorld(canvasRef, worldId, creator, {
    onUserClick: setCard,
    onSelected: showInspector,
    onInvitation: invitation.receive,
    onHighFive: () => setCard(null),
  });
  const view = useStore(world?.view ?? placeholderView);

  if (sceneError) return <SceneUnavailable error={sceneError} onBack={toExplore} />;
  if (view.dualConnection) return <DualConnection />;

  const isAdmin = !!details?.is_admin && !!user && !user.isGuest;
  const isMember = !!user && !user.isGuest && !needsSignUp(user);
  const inspected = view.inspectId ? world?.object(view.inspectId) : undefined;
  const userName = (id: string): string => world?.model.users.get(id)?.name ?? (id === user?.id ? "you" : "another creator");
  const closeLeft = (): void => setLeft(null);
  return (
    <div className="shell" data-testid="world-page">
      <canvas ref={canvasRef} className="scene-canvas" data-testid="world-canvas" aria-label="3D world" tabIndex={0} />
      <ConnectionState view={view} worldName={details?.name} onRetry={() => world?.connection.reconnectNow()} />
      <TopLeft users={view.users} onBack={toExplore} onPick={setCard} />
      <WorldCard view={view} details={details} isAdmin={isAdmin} />
      {card ? <UserCard user={card} onClose={() => setCard(null)} onHighFive={() => void highFive(card)} canHighFive={view.status === "open"} /> : null}
      {left === "account" ? (isMember ? <ProfilePanel onClose={closeLeft} /> : <LoginPanel onClose={closeLeft} />) : null}
      {left === "visitors" ? <VisitorsPanel me={user} users={view.users} onPick={setCard} onClose={closeLeft} /> : null}
      {creator && world && scene ? (
        <CreatorPanel world={world} scene={scene} tab={creatorTab} setTab={setCreatorTab} onClose={() => setCreator(false)} userNames={userName} />
      ) : inspected ? (
        <ObjectPanel objectId={inspected.id} name={inspected.name} onClose={() => world?.inspect(null)} />
      ) : null}
      {controls.shown && view.entered ? <ControlsHint onClose={controls.close} /> : null}
      {invitation.pending ? <InvitationDialog invitation={invitation.pending} onAccept={invitation.accept} onDecline={invitation.decline} /> : null}
      {scene?.placing && world ? (
        <PlacementBar world={world} scene={scene} assetId={scene.placing} />
      ) : creator && view.selectedId && world && scene ? (
        <SelectionBar onClear={() => void clickObject(null)} onInspect={showInspector} />
      ) : null}
      <WorldMenu
        user={user}
        member={isMember}
        canBuild={isAdmin}
        people={view.users.length + 1}
        left={left}
        toggleLeft={(panel) => setLeft(left === panel ? null : panel)}
        creator={creator}
        toggleCreator={() => setCreator(!creator)}
        controls={controls.shown}
        toggleControls={controls.toggle}
        onExplore={toExplore}
      />
    </div>
  );
}

/**
 * One visit to a world, wired together: the scene on the page's canvas, the posbus session made
 * from it, object selection, high fives, and what the person must hear about (high fives from
 * others, invitations, a world that does not exist).
 */
import { useNavigate } from "react-router";
import type { RefObject } from "react";
import type { WorldScene } from "../scene/WorldScene";
import { toast } from "../state/toasts";
import type { WorldUser } from "../state/worldModel";
import type { WorldSession } from "../state/worldSession";
import { useObjectSelection } from "./useObjectSelection";
import { useWorldScene } from "./useWorldScene";
import { useWorldSession } from "./useWorldSession";
import { sendHighFive } from "./worldActions";

export interface WorldVisitHandlers {
  /** An avatar was clicked. */
  onUserClick(user: WorldUser): void;
  /** An object was selected for editing (creator mode). */
  onSelected(): void;
  onInvitation(worldId: string, inviterName: string): void;
  /** A high five of ours is under way. */
  onHighFive(): void;
}

export interface WorldVisit {
  scene: WorldScene | null;
  /** Why the 3D view could not start, if it could not. */
  sceneError: string | null;
  world: WorldSession | null;
  /** A click on an object, or on nothing (null). */
  clickObject(objectId: string | null): Promise<void>;
  /** Fly to someone and high-five them. */
  highFive(target: WorldUser): Promise<void>;
}

export function useWorld(canvasRef: RefObject<HTMLCanvasElement | null>, worldId: string, creator: boolean, handlers: WorldVisitHandlers): WorldVisit {
  const navigate = useNavigate();
  // The scene reports to the session and the selection, which are made from the scene: its
  // events run after this render, when both exist (useWorldScene calls the latest of them).
  const { scene, error } = useWorldScene(canvasRef, {
    onMove: (t) => world?.sendMyTransform(t),
    onObjectEdit: (id, t, final) => world?.sendObjectTransform(id, t, final),
    onObjectClick: (id) => void clickObject(id),
    onUserClick: (id) => {
      const user = world?.model.users.get(id);
      if (user) handlers.onUserClick(user);
    },
  });
  const highFive = async (target: WorldUser): Promise<void> => {
    if (!world || !scene) return;
    handlers.onHighFive();
    await sendHighFive(world, scene, target);
  };
  const world = useWorldSession(scene, worldId, {
    highFiveFrom: (sender) =>
      toast(`${sender?.name ?? "Someone"} sent you a high five!`, "success", sender ? { label: "High five back", run: () => void highFive(sender) } : undefined, 8000),
    invitedTo: (to, inviterName) => handlers.onInvitation(to, inviterName),
    worldMissing: (explained) => {
      if (!explained) toast("This world does not exist.", "error");
      void navigate("/explore", { replace: true });
    },
  });
  const clickObject = useObjectSelection(world, scene, creator, handlers.onSelected);
  return { scene, sceneError: error, world, clickObject, highFive };
}

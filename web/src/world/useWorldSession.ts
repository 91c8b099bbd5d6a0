/**
 * The posbus session of the world page: one per world and identity (signing in reconnects with
 * the new token). Its changes go to the scene first, then the ones a person must hear about to
 * the page's reactions.
 */
import { useEffect, useEffectEvent, useState } from "react";
import { isUuid } from "../lib/ids";
import { useStore } from "../lib/useStore";
import type { WorldScene } from "../scene/WorldScene";
import { currentToken, getApi, origin, session } from "../state/session";
import { toast } from "../state/toasts";
import type { WorldUser } from "../state/worldModel";
import { WorldSession, transformInterval } from "../state/worldSession";
import { registerWorld } from "../testHooks";

/** How the page answers the events of a session that concern the person, not the scene. */
export interface WorldReactions {
  /** Someone high-fived us (`sender` is undefined when they already left). */
  highFiveFrom(sender: WorldUser | undefined): void;
  invitedTo(worldId: string, inviterName: string): void;
  /** The world is gone (or refused us); `explained` when a notification already said why. */
  worldMissing(explained: boolean): void;
}

export function useWorldSession(scene: WorldScene | null, worldId: string, reactions: WorldReactions): WorldSession | null {
  const { user, tokenVersion } = useStore(session);
  const userId = user?.id;
  const [world, setWorld] = useState<WorldSession | null>(null);
  const highFiveFrom = useEffectEvent((sender: WorldUser | undefined) => reactions.highFiveFrom(sender));
  const invitedTo = useEffectEvent((to: string, inviterName: string) => reactions.invitedTo(to, inviterName));
  const worldMissing = useEffectEvent((explained: boolean) => reactions.worldMissing(explained));
  useEffect(() => {
    const token = getApi().http.token;
    if (!scene || !userId || !token || !isUuid(worldId)) return;
    const tickRate = session.get().config?.CONTROLLER_TICK_RATE;
    const w = new WorldSession(worldId, userId, () => currentToken() ?? token, origin(), transformInterval(tickRate));
    // A refused teleport (a private world) is a notification saying why, then "world does not
    // exist": show the reason once instead of claiming the world is missing.
    let notice: string | null = null;
    const off = w.onChanges((changes) => {
      scene.apply(changes);
      for (const c of changes) {
        if (c.kind === "high-five" && c.receiverId === w.userId) highFiveFrom(w.model.users.get(c.senderId));
        if (c.kind === "notification") {
          toast(c.text, "info");
          notice = c.text;
        }
        if (c.kind === "invitation") invitedTo(c.worldId, c.inviterName);
        if (c.kind === "world-missing") worldMissing(!!notice && !w.view.get().entered);
      }
    });
    setWorld(w);
    registerWorld(scene, w);
    w.start();
    return () => {
      off();
      registerWorld(null, null);
      w.stop();
      setWorld(null);
    };
  }, [scene, worldId, userId, tokenVersion]);
  return world;
}

/** The 3D scene of the world page: created on its canvas once, disposed with the page. */
import { useEffect, useEffectEvent, useState, type RefObject } from "react";
import type { Transform, TransformNoScale } from "../posbus";
import { WorldScene } from "../scene/WorldScene";
import { getMedia } from "../state/session";

/** What the scene reports; the page may answer each with its current state. */
export interface WorldSceneEvents {
  onMove(transform: TransformNoScale): void;
  onObjectClick(objectId: string | null): void;
  onUserClick(userId: string): void;
  onObjectEdit(objectId: string, transform: Transform, final: boolean): void;
}

export interface WorldSceneState {
  scene: WorldScene | null;
  /** Why WebGL could not start, if it could not. */
  error: string | null;
}

export function useWorldScene(canvasRef: RefObject<HTMLCanvasElement | null>, events: WorldSceneEvents): WorldSceneState {
  const [scene, setScene] = useState<WorldScene | null>(null);
  const [error, setError] = useState<string | null>(null);
  // The scene outlives renders: its callbacks reach the page's latest handlers through events.
  const onMove = useEffectEvent((t: TransformNoScale) => events.onMove(t));
  const onObjectClick = useEffectEvent((id: string | null) => events.onObjectClick(id));
  const onUserClick = useEffectEvent((id: string) => events.onUserClick(id));
  const onObjectEdit = useEffectEvent((id: string, t: Transform, final: boolean) => events.onObjectEdit(id, t, final));
  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    let created: WorldScene;
    try {
      created = new WorldScene(canvas, {
        assetUrl: (id) => getMedia().asset(id),
        textureUrl: (hash, size) => getMedia().texture(hash, size ?? "s3"),
        onMove: (t) => onMove(t),
        onObjectClick: (id) => onObjectClick(id),
        onUserClick: (id) => onUserClick(id),
        onObjectEdit: (id, t, final) => onObjectEdit(id, t, final),
      });
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      return;
    }
    setScene(created);
    return () => {
      created.dispose();
      setScene(null);
    };
  }, [canvasRef]);
  useRepaintWhile(scene !== null);
  return { scene, error };
}

/**
 * The HUD reads some state straight from the scene and the model (what is being placed, the
 * inspected object): render again a few times a second to follow it.
 */
function useRepaintWhile(active: boolean): void {
  const [, repaint] = useState(0);
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => repaint((n) => n + 1), 400);
    return () => clearInterval(timer);
  }, [active]);
}

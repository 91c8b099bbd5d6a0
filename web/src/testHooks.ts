/**
 * End-to-end test hooks. Present only when the node says so: it adds
 * `<meta name="odyssey-test-hooks" content="1">` to index.html when started with
 * ODYSSEY_WEB_TEST_HOOKS=1. A normal build served normally never exposes `window.__odysseyTest`.
 */
import type { WorldScene } from "./scene/WorldScene";
import type { WorldSession } from "./state/worldSession";
import { session } from "./state/session";

export interface OdysseyTestHooks {
  session(): { user: unknown; phase: string };
  world(): ReturnType<WorldScene["snapshot"]> & {
    worldId: string;
    status: string;
    entered: boolean;
    epoch: number;
    modelObjects: number;
    onlineUsers: { id: string; name: string }[];
  } | null;
  /** Drop the posbus socket as a network failure would (the client must reconnect). */
  dropConnection(): boolean;
  /** Screen position (CSS pixels) of an object, to click it like a person would. */
  project(objectId: string): { x: number; y: number } | null;
  /** Hold a flight key down or release it. */
  key(code: string, down: boolean): void;
}

declare global {
  interface Window {
    __odysseyTest?: OdysseyTestHooks;
  }
}

let current: { scene: WorldScene; world: WorldSession } | null = null;

export function testHooksEnabled(): boolean {
  return document.querySelector('meta[name="odyssey-test-hooks"]')?.getAttribute("content") === "1";
}

export function registerWorld(scene: WorldScene | null, world: WorldSession | null): void {
  current = scene && world ? { scene, world } : null;
}

export function installTestHooks(): void {
  if (!testHooksEnabled()) return;
  window.__odysseyTest = {
    session: () => ({ user: session.get().user, phase: session.get().phase }),
    world: () => {
      if (!current) return null;
      const view = current.world.view.get();
      return {
        ...current.scene.snapshot(),
        worldId: current.world.worldId,
        status: view.status,
        entered: view.entered,
        epoch: view.epoch,
        modelObjects: current.world.model.visibleObjects().length,
        onlineUsers: view.users.map((u) => ({ id: u.id, name: u.name })),
      };
    },
    dropConnection: () => {
      const socket = (current?.world.connection as unknown as { socket: WebSocket | null } | undefined)?.socket;
      if (!socket) return false;
      socket.close(4000, "test: simulated network loss");
      return true;
    },
    key: (code, down) => current?.scene.setKey(code, down),
    project: (objectId) => current?.scene.screenPoint(objectId) ?? null,
  };
}

/**
 * One visit to a world: the posbus connection, the world model, and a store for the 2D panels.
 * The 3D scene listens to `changes`; the panels read `world` (refreshed at most once a frame).
 */
import type { Transform, TransformNoScale } from "../posbus";
import { createStore } from "../lib/store";
import { throttle, type Throttled } from "../lib/throttle";
import { PosbusConnection, posbusUrl, type ConnectionStatus } from "../net/posbusConnection";
import { WorldModel, type WorldChange, type WorldInfo, type WorldObject, type WorldUser } from "./worldModel";

export interface WorldViewState {
  status: ConnectionStatus;
  /** True once set_world arrived at least once. */
  entered: boolean;
  missing: boolean;
  dualConnection: boolean;
  info: WorldInfo | null;
  users: WorldUser[];
  objectCount: number;
  skybox: string | null;
  selectedId: string | null;
  /** Object the user clicked outside creator mode. */
  inspectId: string | null;
  /** How many times the server (re)sent the world (set_world): once per (re)connection. */
  epoch: number;
}

export const initialWorldView: WorldViewState = {
  status: "idle",
  entered: false,
  missing: false,
  dualConnection: false,
  info: null,
  users: [],
  objectCount: 0,
  skybox: null,
  selectedId: null,
  inspectId: null,
  epoch: 0,
};

/**
 * How often own transforms are sent while moving: the server's tick (this node ticks 10 times a
 * second by default; a node may announce its rate as `CONTROLLER_TICK_RATE` in the UI config).
 * Object drags are throttled to 250 ms like the reference client.
 */
export const TRANSFORM_INTERVAL_MS = 100;
export const OBJECT_TRANSFORM_INTERVAL_MS = 250;

export function transformInterval(tickRate: unknown): number {
  const rate = typeof tickRate === "number" ? tickRate : Number(tickRate);
  if (!Number.isFinite(rate) || rate <= 0) return TRANSFORM_INTERVAL_MS;
  return Math.min(1000, Math.max(50, 1000 / rate));
}

export class WorldSession {
  readonly model: WorldModel;
  readonly view = createStore<WorldViewState>({ ...initialWorldView });
  readonly connection: PosbusConnection;
  private readonly listeners = new Set<(changes: WorldChange[]) => void>();
  private refreshQueued = false;
  readonly sendMyTransform: Throttled<[TransformNoScale]>;
  private readonly sendObjectTransformThrottled = new Map<string, Throttled<[Transform]>>();
  private lockWaiters = new Map<string, (owner: string | null) => void>();

  constructor(
    readonly worldId: string,
    readonly userId: string,
    token: string | (() => string),
    origin: string,
    transformIntervalMs: number = TRANSFORM_INTERVAL_MS,
  ) {
    this.model = new WorldModel(userId);
    this.connection = new PosbusConnection({
      url: posbusUrl(origin),
      token,
      userId,
      onMessage: (m) => this.dispatch(this.model.apply(m)),
      onStatus: (status) => {
        this.view.patch({ status });
      },
    });
    this.sendMyTransform = throttle((t: TransformNoScale) => {
      this.connection.send({ type: "my_transform", value: t });
    }, transformIntervalMs);
  }

  start(): void {
    this.connection.connect();
    this.connection.teleport(this.worldId);
  }

  stop(): void {
    this.sendMyTransform.cancel();
    for (const t of this.sendObjectTransformThrottled.values()) t.flush();
    this.connection.leaveWorld();
    this.connection.close();
    this.listeners.clear();
  }

  onChanges(listener: (changes: WorldChange[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private dispatch(changes: WorldChange[]): void {
    if (changes.length === 0) return;
    for (const change of changes) {
      if (change.kind === "world") this.view.patch({ epoch: this.view.get().epoch + 1 });
      if (change.kind === "world-missing") this.view.patch({ missing: true });
      if (change.kind === "dual-connection") {
        this.view.patch({ dualConnection: true });
        this.connection.close();
      }
      if (change.kind === "object-lock") {
        const waiter = this.lockWaiters.get(change.object.id);
        if (waiter) {
          this.lockWaiters.delete(change.object.id);
          waiter(change.object.lockOwner);
        }
      }
      if (change.kind === "object-removed") {
        const s = this.view.get();
        if (s.selectedId === change.id) this.view.patch({ selectedId: null });
        if (s.inspectId === change.id) this.view.patch({ inspectId: null });
      }
    }
    for (const listener of [...this.listeners]) listener(changes);
    this.queueRefresh();
  }

  private queueRefresh(): void {
    if (this.refreshQueued) return;
    this.refreshQueued = true;
    const run = (): void => {
      this.refreshQueued = false;
      const m = this.model;
      this.view.patch({
        entered: this.view.get().entered || m.info !== null,
        info: m.info,
        users: m.otherUsers(),
        objectCount: m.visibleObjects().length,
        skybox: m.skybox,
      });
    };
    if (typeof requestAnimationFrame === "function" && typeof document !== "undefined" && document.visibilityState === "visible") {
      requestAnimationFrame(run);
    } else setTimeout(run, 16);
  }

  object(id: string): WorldObject | undefined {
    return this.model.objects.get(id);
  }

  /** Ask for the edit lock; resolves with the owner after the server's answer (null on timeout). */
  lock(id: string, timeoutMs = 3000): Promise<string | null> {
    const object = this.model.objects.get(id);
    if (object?.lockOwner === this.userId) return Promise.resolve(this.userId);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.lockWaiters.delete(id);
        resolve(null);
      }, timeoutMs);
      this.lockWaiters.set(id, (owner) => {
        clearTimeout(timer);
        resolve(owner);
      });
      if (!this.connection.send({ type: "lock_object", value: { id } })) {
        clearTimeout(timer);
        this.lockWaiters.delete(id);
        resolve(null);
      }
    });
  }

  unlock(id: string): void {
    this.sendObjectTransformThrottled.get(id)?.flush();
    this.connection.send({ type: "unlock_object", value: { id } });
  }

  /** Move an object we hold the lock on; throttled per object to the server's rate. */
  sendObjectTransform(id: string, transform: Transform, immediate = false): void {
    let t = this.sendObjectTransformThrottled.get(id);
    if (!t) {
      t = throttle((value: Transform) => {
        this.connection.send({ type: "object_transform", value: { id, object_transform: value } });
      }, OBJECT_TRANSFORM_INTERVAL_MS);
      this.sendObjectTransformThrottled.set(id, t);
    }
    t(transform);
    if (immediate) t.flush();
  }

  highFive(receiverId: string): boolean {
    return this.connection.send({
      type: "high_five",
      value: { sender_id: this.userId, receiver_id: receiverId, message: "High five!" },
    });
  }

  select(id: string | null): void {
    this.view.patch({ selectedId: id });
  }

  inspect(id: string | null): void {
    this.view.patch({ inspectId: id });
  }
}

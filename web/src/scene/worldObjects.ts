/**
 * The world's objects in the scene: one transform node per object, holding an instance of its
 * look (asset × colour × texture, see assets.ts). A new look loads beside the old one and
 * replaces it when ready, so an object never blinks out while it changes.
 */
import { Matrix, TransformNode, Vector3, type Scene, type Viewport } from "./babylon";
import type { Transform } from "../posbus";
import type { WorldObject } from "../state/worldModel";
import { lookKey, type AssetLibrary, type Look } from "./assets";

interface ObjectEntry {
  object: WorldObject;
  root: TransformNode;
  lookKey: string;
  loaded: boolean;
  /** Bumped on each rebuild so late loads of an old look are dropped. */
  generation: number;
}

export interface RenderedObject {
  id: string;
  name: string;
  assetId: string;
  loaded: boolean;
  position: { x: number; y: number; z: number };
  scale: { x: number; y: number; z: number };
  color: string | null;
  texture: string | null;
}

/** Meshes of this name (the selection box) are no part of an object's bounds. */
export const SELECTION_MESH = "selection";

export class WorldObjects {
  private readonly entries = new Map<string, ObjectEntry>();
  private disposed = false;
  /** Looks still loading. */
  pendingLoads = 0;
  /** Whether any object arrived since the world was (re)sent. */
  expectingObjects = false;

  constructor(
    private readonly scene: Scene,
    private readonly assets: AssetLibrary,
    private readonly textureUrl: (hash: string | null) => string | null,
    private readonly wake: (ms: number) => void,
    /** An object moved (the selection box follows). */
    private readonly onMoved: (objectId: string) => void,
  ) {}

  upsert(object: WorldObject): void {
    if (!object.assetId || /^0{8}-/.test(object.assetId)) return;
    const look: Look = { assetId: object.assetId, color: object.color, textureUrl: this.textureUrl(object.texture) };
    const key = lookKey(look);
    let entry = this.entries.get(object.id);
    if (entry && entry.lookKey === key) {
      entry.object = object;
      this.place(object.id, object.transform);
      return;
    }
    if (!entry) {
      const root = new TransformNode(`object:${object.id}`, this.scene);
      root.metadata = { objectId: object.id };
      entry = { object, root, lookKey: key, loaded: false, generation: 0 };
      this.entries.set(object.id, entry);
    } else {
      entry.object = object;
      entry.lookKey = key;
    }
    entry.generation += 1;
    this.place(object.id, object.transform);
    this.load(entry, look);
  }

  private load(entry: ObjectEntry, look: Look): void {
    const id = entry.object.id;
    const generation = entry.generation;
    this.expectingObjects = true;
    this.pendingLoads += 1;
    const holder = new TransformNode(`look:${id}`, this.scene);
    void this.assets
      .instantiate(look, holder, id)
      .then(() => {
        if (this.disposed || this.entries.get(id) !== entry || entry.generation !== generation) {
          holder.dispose(false, false);
          return;
        }
        for (const child of entry.root.getChildren()) child.dispose(false, false);
        holder.parent = entry.root;
        entry.loaded = true;
        this.wake(600);
      })
      .finally(() => {
        this.pendingLoads -= 1;
      });
  }

  place(id: string, t: Transform): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    entry.object.transform = t;
    const r = entry.root;
    r.position.set(t.position.x, t.position.y, t.position.z);
    r.rotation.set(t.rotation.x, t.rotation.y, t.rotation.z);
    r.scaling.set(t.scale.x || 1e-3, t.scale.y || 1e-3, t.scale.z || 1e-3);
    this.onMoved(id);
  }

  remove(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    entry.root.dispose(false, false);
    this.entries.delete(id);
  }

  clear(): void {
    for (const e of this.entries.values()) e.root.dispose(false, false);
    this.entries.clear();
  }

  /** The node of an object (gizmos attach to it). */
  node(id: string): TransformNode | null {
    return this.entries.get(id)?.root ?? null;
  }

  /** The gizmos moved the object's node: its transform becomes the object's. */
  adoptNodeTransform(id: string): Transform | null {
    const entry = this.entries.get(id);
    if (!entry) return null;
    const r = entry.root;
    if (r.rotationQuaternion) {
      r.rotation = r.rotationQuaternion.toEulerAngles();
      r.rotationQuaternion = null;
    }
    const t: Transform = {
      position: { x: r.position.x, y: r.position.y, z: r.position.z },
      rotation: { x: r.rotation.x, y: r.rotation.y, z: r.rotation.z },
      scale: { x: r.scaling.x, y: r.scaling.y, z: r.scaling.z },
    };
    entry.object.transform = t;
    return t;
  }

  /** The corners of the box around everything the object shows (infinite when nothing loaded). */
  bounds(id: string): { min: Vector3; max: Vector3; root: TransformNode } | null {
    const entry = this.entries.get(id);
    if (!entry) return null;
    entry.root.computeWorldMatrix(true);
    const { min, max } = entry.root.getHierarchyBoundingVectors(true, (m) => m.name !== SELECTION_MESH);
    return { min, max, root: entry.root };
  }

  /** Where an object's centre is on a viewport (null when behind the camera). */
  project(id: string, viewport: Viewport): { x: number; y: number } | null {
    const bounds = this.bounds(id);
    if (!bounds) return null;
    const { min, max, root } = bounds;
    const centre = isFinite(min.x) ? min.add(max).scale(0.5) : root.getAbsolutePosition();
    const p = Vector3.Project(centre, Matrix.Identity(), this.scene.getTransformMatrix(), viewport);
    if (p.z < 0 || p.z > 1) return null;
    return { x: p.x, y: p.y };
  }

  rendered(): RenderedObject[] {
    return [...this.entries.values()].map((e) => ({
      id: e.object.id,
      name: e.object.name,
      assetId: e.object.assetId,
      loaded: e.loaded,
      position: { ...e.object.transform.position },
      scale: { ...e.object.transform.scale },
      color: e.object.color,
      texture: e.object.texture,
    }));
  }

  dispose(): void {
    this.disposed = true;
  }
}

/**
 * The Babylon.js world view: camera and free flight, skybox, objects from GLB assets, avatars,
 * picking, and the creator tools (selection box, gizmos, placement preview).
 */
import {

  Color3,
  Color4,
  DirectionalLight,
  Engine,
  GizmoManager,
  HemisphericLight,
  Matrix,
  MeshBuilder,
  PhotoDome,
  PointerEventTypes,
  Scene,
  StandardMaterial,
  TransformNode,
  UniversalCamera,
  Vector3,
  type AbstractMesh,
  type Mesh,
  type Nullable,
  type Observer,
} from "./babylon";
import type { Transform, TransformNoScale } from "../posbus";
import type { WorldChange, WorldObject } from "../state/worldModel";
import { transformChanged } from "../lib/interp";
import { AssetLibrary, type Look } from "./assets";
import { Avatars } from "./avatars";
import {
  BASE_SPEED,
  BOOST,
  FLIGHT_KEYS,
  cameraToWireRotation,
  flightInput,
  isMoving,
  speedForDigit,
  wireToCameraRotation,
} from "./flight";

export interface SceneCallbacks {
  assetUrl(assetId: string): string;
  textureUrl(hash: string | null, size?: "s3" | "s8"): string | null;
  onMove(transform: TransformNoScale): void;
  onObjectClick(objectId: string | null): void;
  onUserClick(userId: string): void;
  /** Gizmo drags of the selected object. */
  onObjectEdit(objectId: string, transform: Transform, final: boolean): void;
}

interface ObjectEntry {
  object: WorldObject;
  root: TransformNode;
  lookKey: string;
  loaded: boolean;
  /** Bumped on each rebuild so late loads of an old look are dropped. */
  generation: number;
}

export type GizmoMode = "move" | "rotate" | "scale";

export class WorldScene {
  readonly engine: Engine;
  readonly scene: Scene;
  readonly camera: UniversalCamera;
  readonly assets: AssetLibrary;
  readonly avatars: Avatars;
  private readonly objects = new Map<string, ObjectEntry>();
  private readonly pressed = new Set<string>();
  private speed = 1;
  private dome: PhotoDome | null = null;
  private skyboxHash: string | null = null;
  private selection: { id: string; box: Mesh } | null = null;
  private gizmos: GizmoManager | null = null;
  private gizmoMode: GizmoMode = "move";
  private ghost: { root: TransformNode; assetId: string } | null = null;
  private lastSent: TransformNoScale | null = null;
  private disposed = false;
  private readonly observers: Nullable<Observer<unknown>>[] = [];
  /** Milliseconds (performance.now) of the first frame drawn with every known object loaded. */
  firstCompleteFrameAt: number | null = null;
  readonly lowPower: boolean;
  private readonly baseScaling: number;
  firstFrameAt: number | null = null;
  frames = 0;
  private pendingLoads = 0;
  private expectingObjects = false;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly cb: SceneCallbacks,
  ) {
    this.engine = new Engine(canvas, false, { preserveDrawingBuffer: true, stencil: true, antialias: false }, true);
    this.baseScaling = 1 / Math.min(window.devicePixelRatio || 1, 2);
    this.engine.setHardwareScalingLevel(this.baseScaling);
    const scene = new Scene(this.engine);
    this.scene = scene;
    scene.useRightHandedSystem = true;
    scene.clearColor = new Color4(0.03, 0.04, 0.08, 1);
    scene.skipPointerMovePicking = true;
    scene.autoClearDepthAndStencil = true;

    const hemi = new HemisphericLight("hemi", new Vector3(0.2, 1, 0.1), scene);
    hemi.intensity = 0.75;
    hemi.groundColor = new Color3(0.18, 0.2, 0.28);
    const sun = new DirectionalLight("sun", new Vector3(-0.4, -1, -0.3), scene);
    sun.intensity = 0.9;

    this.camera = new UniversalCamera("player", new Vector3(0, 3, 12), scene);
    this.camera.minZ = 0.1;
    this.camera.maxZ = 5000;
    this.camera.fov = 1.0;
    this.camera.setTarget(Vector3.Zero());
    this.camera.inputs.removeByType("FreeCameraKeyboardMoveInput");
    this.camera.angularSensibility = 1600;
    this.camera.attachControl(canvas, true);

    // Software rasterizers (SwiftShader, llvmpipe) get cheaper materials and adaptive resolution.
    const renderer = this.engine.getGlInfo().renderer ?? "";
    this.lowPower = /swiftshader|llvmpipe|software/i.test(renderer);
    this.assets = new AssetLibrary(scene, (id) => cb.assetUrl(id), this.lowPower);
    this.avatars = new Avatars(scene);

    window.addEventListener("keydown", this.onKeyDown);
    window.addEventListener("keyup", this.onKeyUp);
    window.addEventListener("blur", this.onBlur);
    window.addEventListener("resize", this.onResize);

    this.observers.push(
      scene.onPointerObservable.add((info) => {
        if (info.type !== PointerEventTypes.POINTERTAP || info.event.button !== 0) return;
        // Objects and avatars are picked separately: an avatar hugging the camera (someone at the
        // same spawn point) must not swallow clicks meant for the world in front of it.
        const usable = (m: AbstractMesh): boolean => m.isPickable && m.isEnabled();
        const objectHit = scene.pick(scene.pointerX, scene.pointerY, (m) => usable(m) && !!findMeta(m)?.objectId);
        const userHit = scene.pick(scene.pointerX, scene.pointerY, (m) => usable(m) && !!findMeta(m)?.userId);
        const userOk = userHit?.hit && userHit.distance > 1.2;
        if (userOk && (!objectHit?.hit || userHit.distance < objectHit.distance)) {
          const id = findMeta(userHit.pickedMesh)?.userId;
          if (id) cb.onUserClick(id);
          return;
        }
        cb.onObjectClick(objectHit?.hit ? (findMeta(objectHit.pickedMesh)?.objectId ?? null) : null);
      }) as Observer<unknown>,
    );

    // Render on demand: a frame is drawn when something can have changed (input, camera,
    // world changes, loads, moving avatars, tools), and at least once a second otherwise.
    for (const type of ["pointerdown", "pointerup", "wheel"] as const) {
      canvas.addEventListener(type, () => this.wake(900), { passive: true });
    }
    canvas.addEventListener("pointermove", (e) => e.buttons !== 0 && this.wake(900), { passive: true });
    let last = performance.now();
    this.engine.runRenderLoop(() => {
      const now = performance.now();
      const dt = Math.min(0.1, (now - last) / 1000);
      last = now;
      this.fly(dt);
      const avatarsMoving = this.avatars.step(dt);
      this.updateGhost();
      const busy =
        avatarsMoving ||
        this.pressed.size > 0 ||
        this.ghost !== null ||
        this.pendingLoads > 0 ||
        this.animating > 0 ||
        !scene.isReady(false) ||
        now < this.awakeUntil ||
        now - this.lastRenderAt > 1000;
      if (!busy) return;
      scene.render();
      this.lastRenderAt = now;
      this.frames += 1;
      if (now - this.lastAdaptAt > 1000) {
        this.lastAdaptAt = now;
        this.adaptResolution();
      }
      if (this.firstFrameAt === null) this.firstFrameAt = now;
      if (this.firstCompleteFrameAt === null && this.expectingObjects && this.pendingLoads === 0) {
        this.firstCompleteFrameAt = performance.now();
      }
    });
  }

  private awakeUntil = 0;
  private lastRenderAt = 0;
  private lastAdaptAt = 0;
  private animating = 0;

  /** Keep drawing frames for the next `ms` milliseconds. */
  wake(ms = 500): void {
    this.awakeUntil = Math.max(this.awakeUntil, performance.now() + ms);
  }

  /** Render fewer pixels when frames are slow, more again when there is headroom. */
  private adaptResolution(): void {
    if (performance.now() > this.awakeUntil && this.pressed.size === 0) return;
    const fps = this.engine.getFps();
    const level = this.engine.getHardwareScalingLevel();
    const max = this.baseScaling * 1.5;
    if (fps < 24 && level < max) this.engine.setHardwareScalingLevel(Math.min(max, level + 0.25 * this.baseScaling));
    else if (fps > 55 && level > this.baseScaling) this.engine.setHardwareScalingLevel(Math.max(this.baseScaling, level - 0.25 * this.baseScaling));
  }

  // --- input ---------------------------------------------------------------------------------

  private readonly onKeyDown = (e: KeyboardEvent): void => {
    if (isTyping(e)) return;
    const digit = speedForDigit(e.code);
    if (digit !== null) {
      this.speed = digit;
      return;
    }
    if (FLIGHT_KEYS.has(e.code)) {
      this.pressed.add(e.code);
      if (e.code.startsWith("Arrow") || e.code.startsWith("Page")) e.preventDefault();
    }
  };

  private readonly onKeyUp = (e: KeyboardEvent): void => {
    this.pressed.delete(e.code);
  };

  private readonly onBlur = (): void => this.pressed.clear();
  private readonly onResize = (): void => {
    this.engine.resize();
    this.wake(300);
  };

  /** Press or release a flight key programmatically (the on-screen controls use it). */
  setKey(code: string, down: boolean): void {
    if (down) this.pressed.add(code);
    else this.pressed.delete(code);
  }

  private fly(dt: number): void {
    const input = flightInput(this.pressed);
    const cam = this.camera;
    if (isMoving(input)) {
      const speed = BASE_SPEED * this.speed * (input.boost ? BOOST : 1) * dt;
      const forward = cam.getDirection(Vector3.Forward(this.scene.useRightHandedSystem));
      const right = cam.getDirection(Vector3.Right());
      const move = forward
        .scale(input.forward)
        .add(right.scale(input.right))
        .add(Vector3.Up().scale(input.up));
      if (move.lengthSquared() > 0) cam.position.addInPlace(move.normalize().scale(speed));
    }
    const t = this.cameraTransform();
    if (!this.lastSent || transformChanged(this.lastSent, t)) {
      this.lastSent = t;
      this.cb.onMove(t);
    }
  }

  cameraTransform(): TransformNoScale {
    const p = this.camera.position;
    return { position: { x: p.x, y: p.y, z: p.z }, rotation: cameraToWireRotation(this.camera.rotation) };
  }

  setCamera(t: TransformNoScale): void {
    this.camera.position.set(t.position.x, t.position.y, t.position.z);
    const r = wireToCameraRotation(t.rotation);
    this.camera.rotation.set(r.x, r.y, r.z);
    this.lastSent = this.cameraTransform();
  }

  /** Turn the camera toward a point and fly near it (Scene explorer, high-five). */
  flyTo(target: Vector3, distance = 4, durationMs = 900): Promise<void> {
    const start = this.camera.position.clone();
    const dir = start.subtract(target);
    if (dir.lengthSquared() < 1e-6) dir.set(0, 0, 1);
    const end = target.add(dir.normalize().scale(distance));
    const t0 = performance.now();
    this.animating += 1;
    return new Promise((resolve) => {
      const obs = this.scene.onBeforeRenderObservable.add(() => {
        const k = Math.min(1, (performance.now() - t0) / durationMs);
        const e = k < 0.5 ? 2 * k * k : 1 - (-2 * k + 2) ** 2 / 2;
        this.camera.position = Vector3.Lerp(start, end, e);
        this.camera.setTarget(target);
        if (k >= 1) {
          this.scene.onBeforeRenderObservable.remove(obs);
          this.animating -= 1;
          this.wake(300);
          resolve();
        }
      });
    });
  }

  // --- world changes -------------------------------------------------------------------------

  apply(changes: WorldChange[]): void {
    if (changes.length > 0) this.wake(600);
    for (const c of changes) {
      switch (c.kind) {
        case "world":
          this.clearObjects();
          this.avatars.clear();
          this.firstCompleteFrameAt = null;
          this.expectingObjects = false;
          break;
        case "spawn":
          this.setCamera(c.transform);
          break;
        case "object-added":
          this.upsertObject(c.object);
          break;
        case "object-appearance":
          this.upsertObject(c.object);
          break;
        case "object-removed":
          this.removeObject(c.id);
          break;
        case "object-transform":
          this.placeObject(c.object.id, c.object.transform);
          break;
        case "skybox":
          this.setSkybox(c.hash);
          break;
        case "user-added":
          this.avatars.upsert({
            id: c.user.id,
            name: c.user.name,
            avatarUrl: this.cb.textureUrl(c.user.avatar || null, "s3"),
            transform: c.user.transform,
          });
          break;
        case "user-transform":
          this.avatars.setTarget(c.user.id, c.user.transform);
          break;
        case "user-removed":
          this.avatars.remove(c.id);
          break;
        default:
          break;
      }
    }
  }

  private look(object: WorldObject): Look {
    return { assetId: object.assetId, color: object.color, textureUrl: this.cb.textureUrl(object.texture, "s3") };
  }

  private upsertObject(object: WorldObject): void {
    if (!object.assetId || /^0{8}-/.test(object.assetId)) return;
    const look = this.look(object);
    const key = `${look.assetId}|${look.color ?? ""}|${look.textureUrl ?? ""}`;
    let entry = this.objects.get(object.id);
    if (entry && entry.lookKey === key) {
      entry.object = object;
      this.placeObject(object.id, object.transform);
      return;
    }
    if (!entry) {
      const root = new TransformNode(`object:${object.id}`, this.scene);
      root.metadata = { objectId: object.id };
      entry = { object, root, lookKey: key, loaded: false, generation: 0 };
      this.objects.set(object.id, entry);
    } else {
      entry.object = object;
      entry.lookKey = key;
    }
    entry.generation += 1;
    const generation = entry.generation;
    const current = entry;
    this.placeObject(object.id, object.transform);
    this.expectingObjects = true;
    this.pendingLoads += 1;
    const holder = new TransformNode(`look:${object.id}`, this.scene);
    void this.assets
      .instantiate(look, holder, object.id)
      .then(() => {
        if (this.disposed || this.objects.get(object.id) !== current || current.generation !== generation) {
          holder.dispose(false, false);
          return;
        }
        for (const child of current.root.getChildren()) if (child !== this.selection?.box) child.dispose(false, false);
        holder.parent = current.root;
        current.loaded = true;
        this.wake(600);
      })
      .finally(() => {
        this.pendingLoads -= 1;
      });
  }

  private placeObject(id: string, t: Transform): void {
    const entry = this.objects.get(id);
    if (!entry) return;
    entry.object.transform = t;
    const r = entry.root;
    r.position.set(t.position.x, t.position.y, t.position.z);
    r.rotation.set(t.rotation.x, t.rotation.y, t.rotation.z);
    r.scaling.set(t.scale.x || 1e-3, t.scale.y || 1e-3, t.scale.z || 1e-3);
    if (this.selection?.id === id) this.refreshSelectionBox();
  }

  private removeObject(id: string): void {
    const entry = this.objects.get(id);
    if (!entry) return;
    if (this.selection?.id === id) this.select(null);
    entry.root.dispose(false, false);
    this.objects.delete(id);
  }

  private clearObjects(): void {
    this.select(null);
    for (const e of this.objects.values()) e.root.dispose(false, false);
    this.objects.clear();
  }

  setSkybox(hash: string | null): void {
    if (hash === this.skyboxHash) return;
    this.skyboxHash = hash;
    const url = this.cb.textureUrl(hash, "s8");
    if (!url) {
      this.dome?.dispose();
      this.dome = null;
      return;
    }
    const dome = new PhotoDome("skybox", url, { resolution: 48, size: 4000, useDirectMapping: false }, this.scene);
    dome.mesh.isPickable = false;
    dome.imageMode = PhotoDome.MODE_MONOSCOPIC;
    const previous = this.dome;
    this.dome = dome;
    dome.mesh.setEnabled(previous === null);
    this.wake(1000);
    dome.onLoadObservable.addOnce(() => {
      this.wake(600);
      if (this.dome !== dome) return;
      dome.mesh.setEnabled(true);
      previous?.dispose();
    });
    dome.onLoadErrorObservable.addOnce(() => {
      if (this.dome === dome) {
        dome.dispose();
        this.dome = previous;
        previous?.mesh.setEnabled(true);
      }
    });
  }

  get skybox(): string | null {
    return this.skyboxHash;
  }

  get skyboxLoaded(): boolean {
    return !!this.dome?.photoTexture?.isReady();
  }

  // --- creator tools -------------------------------------------------------------------------

  select(id: string | null): void {
    this.wake(600);
    if (this.selection) {
      this.selection.box.dispose();
      this.selection = null;
    }
    this.gizmos?.attachToNode(null);
    if (!id) return;
    const entry = this.objects.get(id);
    if (!entry) return;
    const box = MeshBuilder.CreateBox("selection", { size: 1 }, this.scene);
    const mat = new StandardMaterial("selection", this.scene);
    mat.emissiveColor = Color3.FromHexString("#3dd6f5");
    mat.wireframe = true;
    mat.disableLighting = true;
    box.material = mat;
    box.isPickable = false;
    this.selection = { id, box };
    this.refreshSelectionBox();
    this.enableGizmos(true);
    this.gizmos?.attachToNode(entry.root);
  }

  private refreshSelectionBox(): void {
    if (!this.selection) return;
    const entry = this.objects.get(this.selection.id);
    if (!entry) return;
    entry.root.computeWorldMatrix(true);
    const { min, max } = entry.root.getHierarchyBoundingVectors(true, (m) => m.name !== "selection");
    const box = this.selection.box;
    if (!isFinite(min.x) || !isFinite(max.x)) {
      box.position.copyFrom(entry.root.position);
      box.scaling.setAll(1);
      return;
    }
    box.position.copyFrom(min.add(max).scale(0.5));
    const size = max.subtract(min);
    box.scaling.set(Math.max(size.x, 0.05) * 1.04, Math.max(size.y, 0.05) * 1.04, Math.max(size.z, 0.05) * 1.04);
  }

  setGizmoMode(mode: GizmoMode): void {
    this.gizmoMode = mode;
    this.wake(600);
    if (!this.gizmos) return;
    this.gizmos.positionGizmoEnabled = mode === "move";
    this.gizmos.rotationGizmoEnabled = mode === "rotate";
    this.gizmos.scaleGizmoEnabled = mode === "scale";
    this.wireGizmoEvents();
  }

  private enableGizmos(on: boolean): void {
    if (!on) {
      this.gizmos?.dispose();
      this.gizmos = null;
      return;
    }
    if (this.gizmos) return;
    const g = new GizmoManager(this.scene);
    g.usePointerToAttachGizmos = false;
    g.clearGizmoOnEmptyPointerEvent = false;
    this.gizmos = g;
    this.setGizmoMode(this.gizmoMode);
  }

  private readonly wiredGizmos = new WeakSet<object>();
  private wireGizmoEvents(): void {
    const g = this.gizmos;
    if (!g) return;
    const emit = (final: boolean): void => {
      if (!this.selection) return;
      const entry = this.objects.get(this.selection.id);
      if (!entry) return;
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
      this.refreshSelectionBox();
      this.cb.onObjectEdit(this.selection.id, t, final);
    };
    for (const gizmo of [g.gizmos.positionGizmo, g.gizmos.rotationGizmo, g.gizmos.scaleGizmo]) {
      if (!gizmo || this.wiredGizmos.has(gizmo)) continue;
      this.wiredGizmos.add(gizmo);
      gizmo.onDragObservable.add(() => emit(false));
      gizmo.onDragEndObservable.add(() => emit(true));
    }
  }

  /** Local transform edits (numeric fields) before they come back from the server. */
  previewTransform(id: string, t: Transform): void {
    this.wake(600);
    this.placeObject(id, t);
  }

  /** A translucent copy of an asset that follows the camera until placed. */
  async startPlacement(assetId: string): Promise<void> {
    this.cancelPlacement();
    const root = new TransformNode("ghost", this.scene);
    this.ghost = { root, assetId };
    await this.assets.ghost(assetId, root);
    if (this.ghost?.root !== root) root.dispose();
  }

  cancelPlacement(): void {
    this.ghost?.root.dispose();
    this.ghost = null;
  }

  get placing(): string | null {
    return this.ghost?.assetId ?? null;
  }

  /** Where the ghost stands now; ends the preview. */
  finishPlacement(): Transform | null {
    if (!this.ghost) return null;
    const p = this.ghost.root.position;
    const t: Transform = {
      position: { x: round(p.x), y: round(p.y), z: round(p.z) },
      rotation: { x: 0, y: 0, z: 0 },
      scale: { x: 1, y: 1, z: 1 },
    };
    this.cancelPlacement();
    return t;
  }

  private updateGhost(): void {
    if (!this.ghost) return;
    const forward = this.camera.getDirection(Vector3.Forward(true));
    const pos = this.camera.position.add(forward.scale(6));
    this.ghost.root.position.copyFrom(pos);
  }

  /** Where an object's centre is on screen, in CSS pixels (null when behind the camera). */
  screenPoint(id: string): { x: number; y: number } | null {
    const entry = this.objects.get(id);
    if (!entry) return null;
    entry.root.computeWorldMatrix(true);
    const { min, max } = entry.root.getHierarchyBoundingVectors(true, (m) => m.name !== "selection");
    const centre = isFinite(min.x) ? min.add(max).scale(0.5) : entry.root.getAbsolutePosition();
    const engine = this.engine;
    const viewport = this.camera.viewport.toGlobal(engine.getRenderWidth(), engine.getRenderHeight());
    const p = Vector3.Project(centre, Matrix.Identity(), this.scene.getTransformMatrix(), viewport);
    if (p.z < 0 || p.z > 1) return null;
    const scale = this.canvas.clientWidth / engine.getRenderWidth();
    return { x: p.x * scale, y: p.y * scale };
  }

  objectPosition(id: string): Vector3 | null {
    return this.objects.get(id)?.root.position ?? null;
  }

  // --- state for tests and the HUD --------------------------------------------------------------

  snapshot(): {
    objects: { id: string; name: string; assetId: string; loaded: boolean; position: { x: number; y: number; z: number }; scale: { x: number; y: number; z: number }; color: string | null; texture: string | null }[];
    users: Record<string, { x: number; y: number; z: number }>;
    camera: TransformNoScale;
    skybox: string | null;
    skyboxLoaded: boolean;
    fetches: number;
    drawCalls: number;
    activeMeshes: number;
    frames: number;
    firstFrameAt: number | null;
    firstCompleteFrameAt: number | null;
    pendingLoads: number;
    selected: string | null;
    placing: string | null;
  } {
    return {
      objects: [...this.objects.values()].map((e) => ({
        id: e.object.id,
        name: e.object.name,
        assetId: e.object.assetId,
        loaded: e.loaded,
        position: { ...e.object.transform.position },
        scale: { ...e.object.transform.scale },
        color: e.object.color,
        texture: e.object.texture,
      })),
      users: this.avatars.rendered(),
      camera: this.cameraTransform(),
      skybox: this.skyboxHash,
      skyboxLoaded: this.skyboxLoaded,
      fetches: this.assets.fetches,
      drawCalls: this.engine._drawCalls?.current ?? 0,
      activeMeshes: this.scene.getActiveMeshes().length,
      frames: this.frames,
      firstFrameAt: this.firstFrameAt,
      firstCompleteFrameAt: this.firstCompleteFrameAt,
      pendingLoads: this.pendingLoads,
      selected: this.selection?.id ?? null,
      placing: this.placing,
    };
  }

  dispose(): void {
    this.disposed = true;
    window.removeEventListener("keydown", this.onKeyDown);
    window.removeEventListener("keyup", this.onKeyUp);
    window.removeEventListener("blur", this.onBlur);
    window.removeEventListener("resize", this.onResize);
    this.gizmos?.dispose();
    this.assets.dispose();
    this.engine.stopRenderLoop();
    this.scene.dispose();
    this.engine.dispose();
  }
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}

function isTyping(e: KeyboardEvent): boolean {
  const t = e.target as HTMLElement | null;
  if (!t) return false;
  return t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable;
}

function findMeta(mesh: AbstractMesh | null): { objectId?: string; userId?: string } | null {
  let node: { metadata?: unknown; parent: unknown } | null = mesh;
  while (node) {
    const meta = node.metadata as { objectId?: string; userId?: string } | undefined;
    if (meta && (meta.objectId || meta.userId)) return meta;
    node = node.parent as typeof node;
  }
  return null;
}


/**
 * The Babylon.js world view, composed of its parts: the flight camera (flightCamera.ts), the
 * objects (worldObjects.ts), the avatars (avatars.ts), the skybox (skybox.ts) and the creator
 * tools (selection.ts, placement.ts). This file owns the engine, the lights, picking, drawing
 * frames on demand, and turns world changes into calls on the parts.
 */
import {
  Color3,
  Color4,
  DirectionalLight,
  Engine,
  HemisphericLight,
  PointerEventTypes,
  Scene,
  Vector3,
  type AbstractMesh,
  type UniversalCamera,
} from "./babylon";
import type { Transform, TransformNoScale } from "../posbus";
import type { WorldChange } from "../state/worldModel";
import { AssetLibrary } from "./assets";
import { Avatars } from "./avatars";
import { FlightCamera } from "./flightCamera";
import { PlacementPreview } from "./placement";
import { Selection, type GizmoMode } from "./selection";
import { Skybox } from "./skybox";
import { WorldObjects, type RenderedObject } from "./worldObjects";

export interface SceneCallbacks {
  assetUrl(assetId: string): string;
  textureUrl(hash: string | null, size?: "s3" | "s8"): string | null;
  onMove(transform: TransformNoScale): void;
  onObjectClick(objectId: string | null): void;
  onUserClick(userId: string): void;
  /** Gizmo drags of the selected object. */
  onObjectEdit(objectId: string, transform: Transform, final: boolean): void;
}

/** What the end-to-end tests and the HUD read of the scene. */
export interface WorldSceneSnapshot {
  objects: RenderedObject[];
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
}

export class WorldScene {
  readonly engine: Engine;
  readonly scene: Scene;
  readonly assets: AssetLibrary;
  readonly avatars: Avatars;
  private readonly flight: FlightCamera;
  private readonly objects: WorldObjects;
  private readonly sky: Skybox;
  private readonly selection: Selection;
  private readonly placement: PlacementPreview;
  readonly lowPower: boolean;
  private readonly baseScaling: number;
  /** Milliseconds (performance.now) of the first frame drawn with every known object loaded. */
  firstCompleteFrameAt: number | null = null;
  firstFrameAt: number | null = null;
  frames = 0;
  private awakeUntil = 0;
  private lastRenderAt = 0;
  private lastAdaptAt = 0;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly cb: SceneCallbacks,
  ) {
    this.engine = new Engine(canvas, false, { preserveDrawingBuffer: true, stencil: true, antialias: false }, true);
    this.baseScaling = 1 / Math.min(window.devicePixelRatio || 1, 2);
    this.engine.setHardwareScalingLevel(this.baseScaling);
    this.scene = createScene(this.engine);
    const wake = (ms: number): void => this.wake(ms);
    this.flight = new FlightCamera(this.scene, canvas, (t) => cb.onMove(t), wake);

    // Software rasterizers (SwiftShader, llvmpipe) get cheaper materials and adaptive resolution.
    const renderer = this.engine.getGlInfo().renderer ?? "";
    this.lowPower = /swiftshader|llvmpipe|software/i.test(renderer);
    this.assets = new AssetLibrary(this.scene, (id) => cb.assetUrl(id), this.lowPower);
    this.avatars = new Avatars(this.scene);
    this.objects = new WorldObjects(this.scene, this.assets, (hash) => cb.textureUrl(hash, "s3"), wake, (id) => this.selection.objectMoved(id));
    this.sky = new Skybox(this.scene, (hash) => cb.textureUrl(hash, "s8"), wake);
    this.selection = new Selection(this.scene, this.objects, wake, (id, t, final) => cb.onObjectEdit(id, t, final));
    this.placement = new PlacementPreview(this.scene, this.assets);

    window.addEventListener("resize", this.onResize);
    this.scene.onPointerObservable.add((info) => {
      if (info.type === PointerEventTypes.POINTERTAP && info.event.button === 0) this.pick();
    });
    // Render on demand: a frame is drawn when something can have changed (input, camera,
    // world changes, loads, moving avatars, tools), and at least once a second otherwise.
    for (const type of ["pointerdown", "pointerup", "wheel"] as const) {
      canvas.addEventListener(type, () => this.wake(900), { passive: true });
    }
    canvas.addEventListener("pointermove", (e) => e.buttons !== 0 && this.wake(900), { passive: true });
    this.startRenderLoop();
  }

  /**
   * Objects and avatars are picked separately: an avatar hugging the camera (someone at the same
   * spawn point) must not swallow clicks meant for the world in front of it.
   */
  private pick(): void {
    const { scene, cb } = this;
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
  }

  private startRenderLoop(): void {
    let last = performance.now();
    this.engine.runRenderLoop(() => {
      const now = performance.now();
      const dt = Math.min(0.1, (now - last) / 1000);
      last = now;
      this.flight.step(dt);
      const avatarsMoving = this.avatars.step(dt);
      if (this.placement.assetId) this.placement.moveTo(this.flight.pointAhead(6));
      const busy =
        avatarsMoving ||
        this.flight.flying ||
        this.placement.assetId !== null ||
        this.objects.pendingLoads > 0 ||
        this.flight.animated ||
        !this.scene.isReady(false) ||
        now < this.awakeUntil ||
        now - this.lastRenderAt > 1000;
      if (busy) this.render(now);
    });
  }

  private render(now: number): void {
    this.scene.render();
    this.lastRenderAt = now;
    this.frames += 1;
    if (now - this.lastAdaptAt > 1000) {
      this.lastAdaptAt = now;
      this.adaptResolution();
    }
    if (this.firstFrameAt === null) this.firstFrameAt = now;
    if (this.firstCompleteFrameAt === null && this.objects.expectingObjects && this.objects.pendingLoads === 0) {
      this.firstCompleteFrameAt = performance.now();
    }
  }

  /** Keep drawing frames for the next `ms` milliseconds. */
  wake(ms = 500): void {
    this.awakeUntil = Math.max(this.awakeUntil, performance.now() + ms);
  }

  /** Render fewer pixels when frames are slow, more again when there is headroom. */
  private adaptResolution(): void {
    if (performance.now() > this.awakeUntil && !this.flight.flying) return;
    const fps = this.engine.getFps();
    const level = this.engine.getHardwareScalingLevel();
    const max = this.baseScaling * 1.5;
    if (fps < 24 && level < max) this.engine.setHardwareScalingLevel(Math.min(max, level + 0.25 * this.baseScaling));
    else if (fps > 55 && level > this.baseScaling) this.engine.setHardwareScalingLevel(Math.max(this.baseScaling, level - 0.25 * this.baseScaling));
  }

  private readonly onResize = (): void => {
    this.engine.resize();
    this.wake(300);
  };

  // --- camera --------------------------------------------------------------------------------

  get camera(): UniversalCamera {
    return this.flight.camera;
  }

  /** Press or release a flight key programmatically (the on-screen controls use it). */
  setKey(code: string, down: boolean): void {
    this.flight.setKey(code, down);
  }

  cameraTransform(): TransformNoScale {
    return this.flight.transform();
  }

  setCamera(t: TransformNoScale): void {
    this.flight.setTransform(t);
  }

  /** Turn the camera toward a point and fly near it (Scene explorer, high-five). */
  flyTo(target: Vector3, distance = 4, durationMs = 900): Promise<void> {
    return this.flight.flyTo(target, distance, durationMs);
  }

  // --- world changes -------------------------------------------------------------------------

  apply(changes: WorldChange[]): void {
    if (changes.length > 0) this.wake(600);
    for (const c of changes) this.applyOne(c);
  }

  private applyOne(c: WorldChange): void {
    switch (c.kind) {
      case "world":
        this.selection.select(null);
        this.objects.clear();
        this.avatars.clear();
        this.firstCompleteFrameAt = null;
        this.objects.expectingObjects = false;
        break;
      case "spawn":
        this.setCamera(c.transform);
        break;
      case "object-added":
      case "object-appearance":
        this.objects.upsert(c.object);
        break;
      case "object-removed":
        if (this.selection.id === c.id) this.selection.select(null);
        this.objects.remove(c.id);
        break;
      case "object-transform":
        this.objects.place(c.object.id, c.object.transform);
        break;
      case "skybox":
        this.setSkybox(c.hash);
        break;
      case "user-added":
        this.avatars.upsert({ id: c.user.id, name: c.user.name, avatarUrl: this.cb.textureUrl(c.user.avatar || null, "s3"), transform: c.user.transform });
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

  // --- skybox ----------------------------------------------------------------------------------

  setSkybox(hash: string | null): void {
    this.sky.set(hash);
  }

  get skybox(): string | null {
    return this.sky.hash;
  }

  get skyboxLoaded(): boolean {
    return this.sky.loaded;
  }

  // --- creator tools -------------------------------------------------------------------------

  select(id: string | null): void {
    this.selection.select(id);
  }

  setGizmoMode(mode: GizmoMode): void {
    this.selection.setMode(mode);
  }

  /** Local transform edits (numeric fields) before they come back from the server. */
  previewTransform(id: string, t: Transform): void {
    this.wake(600);
    this.objects.place(id, t);
  }

  /** A translucent copy of an asset that follows the camera until placed. */
  startPlacement(assetId: string): Promise<void> {
    return this.placement.start(assetId);
  }

  cancelPlacement(): void {
    this.placement.cancel();
  }

  get placing(): string | null {
    return this.placement.assetId;
  }

  /** Where the preview stands now; ends the preview. */
  finishPlacement(): Transform | null {
    return this.placement.finish();
  }

  /** Where an object's centre is on screen, in CSS pixels (null when behind the camera). */
  screenPoint(id: string): { x: number; y: number } | null {
    const engine = this.engine;
    const viewport = this.camera.viewport.toGlobal(engine.getRenderWidth(), engine.getRenderHeight());
    const p = this.objects.project(id, viewport);
    if (!p) return null;
    const scale = this.canvas.clientWidth / engine.getRenderWidth();
    return { x: p.x * scale, y: p.y * scale };
  }

  // --- state for tests and the HUD --------------------------------------------------------------

  snapshot(): WorldSceneSnapshot {
    return {
      objects: this.objects.rendered(),
      users: this.avatars.rendered(),
      camera: this.cameraTransform(),
      skybox: this.sky.hash,
      skyboxLoaded: this.sky.loaded,
      fetches: this.assets.fetches,
      drawCalls: this.engine._drawCalls?.current ?? 0,
      activeMeshes: this.scene.getActiveMeshes().length,
      frames: this.frames,
      firstFrameAt: this.firstFrameAt,
      firstCompleteFrameAt: this.firstCompleteFrameAt,
      pendingLoads: this.objects.pendingLoads,
      selected: this.selection.id,
      placing: this.placing,
    };
  }

  dispose(): void {
    this.objects.dispose();
    this.flight.dispose();
    window.removeEventListener("resize", this.onResize);
    this.selection.dispose();
    this.assets.dispose();
    this.engine.stopRenderLoop();
    this.scene.dispose();
    this.engine.dispose();
  }
}

/** A right-handed scene with the world's two lights. */
function createScene(engine: Engine): Scene {
  const scene = new Scene(engine);
  scene.useRightHandedSystem = true;
  scene.clearColor = new Color4(0.03, 0.04, 0.08, 1);
  scene.skipPointerMovePicking = true;
  scene.autoClearDepthAndStencil = true;
  const hemi = new HemisphericLight("hemi", new Vector3(0.2, 1, 0.1), scene);
  hemi.intensity = 0.75;
  hemi.groundColor = new Color3(0.18, 0.2, 0.28);
  const sun = new DirectionalLight("sun", new Vector3(-0.4, -1, -0.3), scene);
  sun.intensity = 0.9;
  return scene;
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

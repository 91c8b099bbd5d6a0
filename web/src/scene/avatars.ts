/** Other users: a glowing orb with their avatar image on a billboard disc and a name label. */
import {
  Color3,
  DynamicTexture,
  Mesh,
  MeshBuilder,
  Scene,
  StandardMaterial,
  Texture,
  TransformNode,
  Vector3,
} from "./babylon";
import type { TransformNoScale } from "../posbus";
import { distance, lerpAngles, lerpVec, smoothingFactor } from "../lib/interp";

/** Time constant of the smoothing toward the latest received transform, seconds. */
export const AVATAR_SMOOTHING_TAU = 0.12;

export interface AvatarInfo {
  id: string;
  name: string;
  avatarUrl: string | null;
  transform: TransformNoScale;
}

class Avatar {
  readonly root: TransformNode;
  private readonly disposables: { dispose(): void }[] = [];
  current: TransformNoScale;
  target: TransformNoScale;

  constructor(scene: Scene, info: AvatarInfo, accent: Color3) {
    this.current = info.transform;
    this.target = info.transform;
    this.root = new TransformNode(`user:${info.id}`, scene);
    this.root.metadata = { userId: info.id };

    const orbMat = new StandardMaterial(`orb:${info.id}`, scene);
    orbMat.emissiveColor = accent.scale(0.8);
    orbMat.diffuseColor = accent;
    orbMat.alpha = 0.55;
    const orb = MeshBuilder.CreateIcoSphere(`orb:${info.id}`, { radius: 0.45, subdivisions: 2, flat: true }, scene);
    orb.material = orbMat;
    orb.parent = this.root;
    orb.metadata = { userId: info.id };

    const discMat = new StandardMaterial(`disc:${info.id}`, scene);
    discMat.disableLighting = true;
    discMat.emissiveColor = Color3.White();
    discMat.backFaceCulling = false;
    if (info.avatarUrl) {
      const t = new Texture(info.avatarUrl, scene);
      t.vScale = -1; // the disc's UVs run bottom-up relative to images
      discMat.diffuseTexture = t;
      discMat.emissiveTexture = t;
      this.disposables.push(t);
    } else {
      // No picture: the initials on the accent colour.
      const badge = new DynamicTexture(`badge:${info.id}`, { width: 128, height: 128 }, scene, true);
      const bctx = badge.getContext() as CanvasRenderingContext2D;
      bctx.fillStyle = accent.toHexString();
      bctx.fillRect(0, 0, 128, 128);
      bctx.fillStyle = "#04121a";
      bctx.font = "700 56px system-ui, -apple-system, Segoe UI, Roboto, sans-serif";
      bctx.textAlign = "center";
      bctx.textBaseline = "middle";
      bctx.fillText(initials(info.name), 64, 68);
      badge.update();
      badge.wrapV = Texture.WRAP_ADDRESSMODE;
      badge.vScale = -1;
      discMat.diffuseTexture = badge;
      discMat.emissiveTexture = badge;
      this.disposables.push(badge);
    }
    const disc = MeshBuilder.CreateDisc(`disc:${info.id}`, { radius: 0.32, tessellation: 48 }, scene);
    disc.material = discMat;
    disc.parent = this.root;
    disc.billboardMode = Mesh.BILLBOARDMODE_ALL;
    disc.metadata = { userId: info.id };

    const label = new DynamicTexture(`label:${info.id}`, { width: 512, height: 96 }, scene, true);
    label.hasAlpha = true;
    const ctx = label.getContext() as CanvasRenderingContext2D;
    ctx.clearRect(0, 0, 512, 96);
    ctx.fillStyle = "rgba(10,14,24,0.72)";
    const text = info.name || "Visitor";
    ctx.font = "600 44px system-ui, -apple-system, Segoe UI, Roboto, sans-serif";
    const w = Math.min(500, ctx.measureText(text).width + 48);
    roundRect(ctx, (512 - w) / 2, 12, w, 72, 36);
    ctx.fill();
    ctx.fillStyle = "#ffffff";
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.fillText(text, 256, 50, 470);
    label.update();
    const labelMat = new StandardMaterial(`labelmat:${info.id}`, scene);
    labelMat.diffuseTexture = label;
    labelMat.emissiveTexture = label;
    labelMat.opacityTexture = label;
    labelMat.disableLighting = true;
    labelMat.backFaceCulling = false;
    const plane = MeshBuilder.CreatePlane(`label:${info.id}`, { width: 2.4, height: 0.45 }, scene);
    plane.material = labelMat;
    plane.parent = this.root;
    plane.position.y = 0.85;
    plane.billboardMode = Mesh.BILLBOARDMODE_ALL;
    plane.isPickable = false;
    this.disposables.push(label, labelMat, orbMat, discMat);
    this.place(this.current);
  }

  place(t: TransformNoScale): void {
    this.root.position.set(t.position.x, t.position.y, t.position.z);
    this.root.rotation.set(t.rotation.x, t.rotation.y, t.rotation.z);
  }

  /** Advance the smoothing; true while still moving. */
  step(dt: number): boolean {
    const k = smoothingFactor(dt, AVATAR_SMOOTHING_TAU);
    this.current = {
      position: lerpVec(this.current.position, this.target.position, k),
      rotation: lerpAngles(this.current.rotation, this.target.rotation, k),
    };
    this.place(this.current);
    return distance(this.current.position, this.target.position) > 1e-3;
  }

  dispose(): void {
    this.root.dispose(false, true);
    for (const d of this.disposables) d.dispose();
  }
}

export function initials(name: string): string {
  const words = (name || "?").split(/[\s_]+/).filter(Boolean);
  return (
    words
      .slice(0, 2)
      .map((w) => w[0]?.toUpperCase() ?? "")
      .join("") || "?"
  );
}

function roundRect(ctx: CanvasRenderingContext2D, x: number, y: number, w: number, h: number, r: number): void {
  ctx.beginPath();
  ctx.moveTo(x + r, y);
  ctx.arcTo(x + w, y, x + w, y + h, r);
  ctx.arcTo(x + w, y + h, x, y + h, r);
  ctx.arcTo(x, y + h, x, y, r);
  ctx.arcTo(x, y, x + w, y, r);
  ctx.closePath();
}

export class Avatars {
  private readonly avatars = new Map<string, Avatar>();
  private readonly accent = Color3.FromHexString("#3dd6f5");

  constructor(private readonly scene: Scene) {}

  upsert(info: AvatarInfo): void {
    const existing = this.avatars.get(info.id);
    if (existing) {
      existing.target = info.transform;
      return;
    }
    this.avatars.set(info.id, new Avatar(this.scene, info, this.accent));
  }

  setTarget(id: string, t: TransformNoScale): void {
    const a = this.avatars.get(id);
    if (a) a.target = t;
  }

  remove(id: string): void {
    this.avatars.get(id)?.dispose();
    this.avatars.delete(id);
  }

  clear(): void {
    for (const a of this.avatars.values()) a.dispose();
    this.avatars.clear();
  }

  step(dt: number): boolean {
    let moving = false;
    for (const a of this.avatars.values()) if (a.step(dt)) moving = true;
    return moving;
  }

  position(id: string): Vector3 | null {
    return this.avatars.get(id)?.root.position ?? null;
  }

  /** Rendered (interpolated) positions, for the test hook. */
  rendered(): Record<string, { x: number; y: number; z: number }> {
    const out: Record<string, { x: number; y: number; z: number }> = {};
    for (const [id, a] of this.avatars) out[id] = { ...a.current.position };
    return out;
  }
}

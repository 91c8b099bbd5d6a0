/** The placement preview: a translucent copy of an asset that follows the camera until placed. */
import { TransformNode, type Scene, type Vector3 } from "./babylon";
import type { Transform } from "../posbus";
import type { AssetLibrary } from "./assets";

export class PlacementPreview {
  private ghost: { root: TransformNode; assetId: string } | null = null;

  constructor(
    private readonly scene: Scene,
    private readonly assets: AssetLibrary,
  ) {}

  /** The asset being placed, if any. */
  get assetId(): string | null {
    return this.ghost?.assetId ?? null;
  }

  async start(assetId: string): Promise<void> {
    this.cancel();
    const root = new TransformNode("ghost", this.scene);
    this.ghost = { root, assetId };
    await this.assets.ghost(assetId, root);
    if (this.ghost?.root !== root) root.dispose();
  }

  cancel(): void {
    this.ghost?.root.dispose();
    this.ghost = null;
  }

  /** Move the preview (each frame, to a point ahead of the camera). */
  moveTo(position: Vector3): void {
    this.ghost?.root.position.copyFrom(position);
  }

  /** Where the preview stands now (upright, unscaled); ends the preview. */
  finish(): Transform | null {
    if (!this.ghost) return null;
    const p = this.ghost.root.position;
    const t: Transform = {
      position: { x: round(p.x), y: round(p.y), z: round(p.z) },
      rotation: { x: 0, y: 0, z: 0 },
      scale: { x: 1, y: 1, z: 1 },
    };
    this.cancel();
    return t;
  }
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}

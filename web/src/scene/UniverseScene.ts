/** The Explore background: a glowing star with the node's worlds orbiting it as orbs. */
import {
  ArcRotateCamera,
  Color3,
  Color4,
  DynamicTexture,
  Engine,
  GlowLayer,
  HemisphericLight,
  Mesh,
  MeshBuilder,
  PointerEventTypes,
  Scene,
  StandardMaterial,
  Texture,
  TransformNode,
  Vector3,
  VertexData,
} from "./babylon";

export interface UniverseWorld {
  id: string;
  imageUrl: string | null;
}

/** Ring layout: 15 slots at radius 7 on the first ring, each next ring 5 more slots and +2.5 radius. */
export function ringLayout(count: number): { ring: number; angle: number; radius: number }[] {
  const out: { ring: number; angle: number; radius: number }[] = [];
  let ring = 0;
  let slots = 15;
  let radius = 7;
  while (out.length < count) {
    const n = Math.min(slots, count - out.length);
    for (let i = 0; i < n; i++) out.push({ ring, angle: (i / n) * Math.PI * 2 + ring * 0.4, radius });
    ring += 1;
    slots += 5;
    radius += 2.5;
  }
  return out;
}

export class UniverseScene {
  private readonly engine: Engine;
  private readonly scene: Scene;
  private readonly rings: TransformNode[] = [];
  private readonly orbs = new Map<string, Mesh>();
  onPick: ((worldId: string) => void) | null = null;

  constructor(canvas: HTMLCanvasElement) {
    this.engine = new Engine(canvas, true, { preserveDrawingBuffer: true, antialias: true }, true);
    const scene = new Scene(this.engine);
    this.scene = scene;
    scene.clearColor = new Color4(0.02, 0.03, 0.07, 1);
    const camera = new ArcRotateCamera("cam", -Math.PI / 2.4, 1.15, 34, Vector3.Zero(), scene);
    camera.lowerRadiusLimit = 12;
    camera.upperRadiusLimit = 80;
    camera.wheelPrecision = 20;
    camera.attachControl(canvas, true);
    camera.useAutoRotationBehavior = true;
    if (camera.autoRotationBehavior) camera.autoRotationBehavior.idleRotationSpeed = 0.04;
    new HemisphericLight("h", new Vector3(0, 1, 0), scene).intensity = 0.9;
    // Software rasterizers skip the glow and draw fewer pixels, at a calmer frame rate.
    const lowPower = /swiftshader|llvmpipe|software/i.test(this.engine.getGlInfo().renderer ?? "");
    if (lowPower) this.engine.setHardwareScalingLevel(1.5);
    else new GlowLayer("glow", scene, { blurKernelSize: 48 }).intensity = 0.9;
    const minFrameMs = lowPower ? 250 : 0;
    let lastFrame = 0;

    addStar(scene);
    addStarfield(scene);

    scene.onPointerObservable.add((info) => {
      if (info.type !== PointerEventTypes.POINTERTAP) return;
      const id = (info.pickInfo?.pickedMesh?.metadata as { worldId?: string } | null)?.worldId;
      if (id) this.onPick?.(id);
    });

    this.engine.runRenderLoop(() => {
      const now = performance.now();
      if (now - lastFrame < minFrameMs) return;
      const dt = Math.min(0.5, (now - (lastFrame || now)) / 1000);
      lastFrame = now;
      this.rings.forEach((r, i) => (r.rotation.y += dt * (0.05 / (i + 1))));
      scene.render();
    });
    window.addEventListener("resize", this.onResize);
  }

  private readonly onResize = (): void => this.engine.resize();

  setWorlds(worlds: UniverseWorld[]): void {
    for (const m of this.orbs.values()) m.dispose(false, true);
    this.orbs.clear();
    for (const r of this.rings) r.dispose();
    this.rings.length = 0;
    const layout = ringLayout(worlds.length);
    worlds.forEach((w, i) => {
      const slot = layout[i];
      if (!slot) return;
      let ring = this.rings[slot.ring];
      if (!ring) {
        ring = new TransformNode(`ring${slot.ring}`, this.scene);
        this.rings[slot.ring] = ring;
      }
      const orb = MeshBuilder.CreateSphere(`orb:${w.id}`, { diameter: 1.6, segments: 24 }, this.scene);
      const mat = new StandardMaterial(`orb:${w.id}`, this.scene);
      mat.emissiveColor = new Color3(0.15, 0.35, 0.6);
      mat.diffuseColor = new Color3(0.4, 0.7, 1);
      if (w.imageUrl) {
        const t = new Texture(w.imageUrl, this.scene);
        mat.diffuseTexture = t;
        mat.emissiveTexture = t;
      }
      orb.material = mat;
      orb.parent = ring;
      orb.position.set(Math.cos(slot.angle) * slot.radius, Math.sin(slot.angle * 3) * 0.6, Math.sin(slot.angle) * slot.radius);
      orb.metadata = { worldId: w.id };
      this.orbs.set(w.id, orb);
    });
  }

  dispose(): void {
    window.removeEventListener("resize", this.onResize);
    this.engine.stopRenderLoop();
    this.scene.dispose();
    this.engine.dispose();
  }
}

/** The glowing star at the centre, with a soft halo. */
function addStar(scene: Scene): void {
  const star = MeshBuilder.CreateSphere("star", { diameter: 3.2, segments: 32 }, scene);
  const starMat = new StandardMaterial("star", scene);
  starMat.emissiveColor = Color3.FromHexString("#3dd6f5");
  starMat.disableLighting = true;
  star.material = starMat;
  star.isPickable = false;
  // A soft halo around the star (a billboard with a radial gradient; cheap on any renderer).
  const haloTexture = new DynamicTexture("halo", { width: 256, height: 256 }, scene, false);
  const hctx = haloTexture.getContext() as CanvasRenderingContext2D;
  const gradient = hctx.createRadialGradient(128, 128, 20, 128, 128, 128);
  gradient.addColorStop(0, "rgba(61,214,245,0.85)");
  gradient.addColorStop(0.35, "rgba(61,214,245,0.25)");
  gradient.addColorStop(1, "rgba(61,214,245,0)");
  hctx.fillStyle = gradient;
  hctx.fillRect(0, 0, 256, 256);
  haloTexture.hasAlpha = true;
  haloTexture.update();
  const haloMat = new StandardMaterial("halo", scene);
  haloMat.diffuseTexture = haloTexture;
  haloMat.emissiveTexture = haloTexture;
  haloMat.opacityTexture = haloTexture;
  haloMat.disableLighting = true;
  haloMat.backFaceCulling = false;
  const halo = MeshBuilder.CreatePlane("halo", { size: 11 }, scene);
  halo.material = haloMat;
  halo.billboardMode = Mesh.BILLBOARDMODE_ALL;
  halo.isPickable = false;
}

/** A static starfield of points. */
function addStarfield(scene: Scene): void {
  const stars = new Mesh("stars", scene);
  const positions: number[] = [];
  const indices: number[] = [];
  let seed = 7;
  const rnd = (): number => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  for (let i = 0; i < 1400; i++) {
    const u = rnd() * 2 - 1;
    const th = rnd() * Math.PI * 2;
    const r = 300 + rnd() * 200;
    const s = Math.sqrt(1 - u * u);
    positions.push(r * s * Math.cos(th), r * u, r * s * Math.sin(th));
    indices.push(i);
  }
  const vd = new VertexData();
  vd.positions = positions;
  vd.indices = indices;
  vd.applyToMesh(stars);
  const starsMat = new StandardMaterial("starsMat", scene);
  starsMat.emissiveColor = new Color3(0.85, 0.9, 1);
  starsMat.disableLighting = true;
  starsMat.pointsCloud = true;
  starsMat.pointSize = 2;
  stars.material = starsMat;
  stars.isPickable = false;
}

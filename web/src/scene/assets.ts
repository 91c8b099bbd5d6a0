/**
 * GLB assets: each asset is fetched and parsed once (an AssetContainer), and each look of it
 * (asset × colour × texture) becomes one hidden template whose meshes every object of that look
 * instances. A thousand cubes of the same colour are one draw call per mesh, not a thousand.
 */
import {
  AbstractMesh,
  AssetContainer,
  Color3,
  LoadAssetContainerAsync,
  Mesh,
  MeshBuilder,
  PBRMaterial,
  Scene,
  StandardMaterial,
  Texture,
  TransformNode,
  type Material,
  type Node,
} from "./babylon";
import { hexToRgb01 } from "../lib/color";

export interface Look {
  assetId: string;
  color: string | null;
  textureUrl: string | null;
}

export function lookKey(look: Look): string {
  return `${look.assetId}|${look.color ?? ""}|${look.textureUrl ?? ""}`;
}

/** Beyond this distance objects are not drawn (LOD level "nothing"). */
export const CULL_DISTANCE = 900;

interface Template {
  root: TransformNode;
  meshes: Mesh[];
}

export class AssetLibrary {
  private readonly containers = new Map<string, Promise<AssetContainer | null>>();
  private readonly templates = new Map<string, Promise<Template>>();
  private readonly textures = new Map<string, Texture>();
  private readonly parking: TransformNode;
  /** Count of network fetches of GLBs (each asset id once). */
  fetches = 0;
  failures = 0;

  constructor(
    private readonly scene: Scene,
    private readonly assetUrl: (assetId: string) => string,
    /** Plain Blinn-Phong materials instead of PBR (software renderers). */
    private readonly lowPower = false,
  ) {
    this.parking = new TransformNode("asset-templates", scene);
    this.parking.setEnabled(true);
  }

  container(assetId: string): Promise<AssetContainer | null> {
    let p = this.containers.get(assetId);
    if (!p) {
      this.fetches += 1;
      p = LoadAssetContainerAsync(this.assetUrl(assetId), this.scene, { pluginExtension: ".glb" }).catch(
        (error: unknown) => {
          this.failures += 1;
          console.warn(`asset ${assetId} failed to load`, error);
          return null;
        },
      );
      this.containers.set(assetId, p);
    }
    return p;
  }

  template(look: Look): Promise<Template> {
    const key = lookKey(look);
    let p = this.templates.get(key);
    if (!p) {
      p = this.buildTemplate(look, key);
      this.templates.set(key, p);
    }
    return p;
  }

  private texture(url: string): Texture {
    let t = this.textures.get(url);
    if (!t) {
      t = new Texture(url, this.scene, { invertY: false });
      this.textures.set(url, t);
    }
    return t;
  }

  private async buildTemplate(look: Look, key: string): Promise<Template> {
    const container = await this.container(look.assetId);
    const root = new TransformNode(`tpl:${key}`, this.scene);
    root.parent = this.parking;
    let meshes: Mesh[];
    if (container) {
      const entries = container.instantiateModelsToScene((n) => `tpl:${n}`, false, { doNotInstantiate: true });
      for (const node of entries.rootNodes) node.parent = root;
      for (const group of entries.animationGroups) group.play(true);
      meshes = root.getChildMeshes(false).filter((m): m is Mesh => m instanceof Mesh && m.getTotalVertices() > 0);
    } else {
      const box = MeshBuilder.CreateBox(`tpl:missing:${look.assetId}`, { size: 1 }, this.scene);
      const mat = new StandardMaterial(`missing:${look.assetId}`, this.scene);
      mat.diffuseColor = new Color3(0.45, 0.47, 0.55);
      mat.alpha = 0.6;
      box.material = mat;
      box.parent = root;
      meshes = [box];
    }
    const rgb = look.color ? hexToRgb01(look.color) : null;
    const texture = look.textureUrl ? this.texture(look.textureUrl) : null;
    for (const mesh of meshes) {
      if (this.lowPower) mesh.material = simplify(mesh.material, rgb, texture, this.scene, key);
      else if (rgb || texture) mesh.material = tint(mesh.material, rgb, texture, this.scene, key);
      mesh.isPickable = true;
      mesh.alwaysSelectAsActiveMesh = false;
      mesh.addLODLevel(CULL_DISTANCE, null);
      // The template itself is never drawn; only its instances are.
      mesh.isVisible = false;
    }
    return { root, meshes };
  }

  /** A new object node holding instances of the template's meshes, in the template's layout. */
  async instantiate(look: Look, parent: TransformNode, objectId: string): Promise<AbstractMesh[]> {
    const template = await this.template(look);
    const created: AbstractMesh[] = [];
    const copy = (source: Node, target: TransformNode): void => {
      for (const child of source.getChildren()) {
        let node: TransformNode;
        if (child instanceof Mesh && child.getTotalVertices() > 0) {
          const instance = child.createInstance(`${objectId}:${child.name}`);
          instance.isVisible = true;
          instance.metadata = { objectId };
          created.push(instance);
          node = instance;
        } else if (child instanceof TransformNode) {
          node = new TransformNode(`${objectId}:${child.name}`, this.scene);
        } else continue;
        node.position.copyFrom(child.position);
        if (child.rotationQuaternion) node.rotationQuaternion = child.rotationQuaternion.clone();
        else node.rotation.copyFrom(child.rotation);
        node.scaling.copyFrom(child.scaling);
        node.parent = target;
        copy(child, node);
      }
    };
    copy(template.root, parent);
    return created;
  }

  /** Grey translucent copies for the placement preview (not instances: their own material). */
  async ghost(assetId: string, parent: TransformNode): Promise<void> {
    const container = await this.container(assetId);
    const mat = new StandardMaterial("ghost", this.scene);
    mat.diffuseColor = new Color3(0.55, 0.85, 1);
    mat.emissiveColor = new Color3(0.1, 0.3, 0.4);
    mat.alpha = 0.45;
    if (!container) {
      const box = MeshBuilder.CreateBox("ghost-missing", { size: 1 }, this.scene);
      box.material = mat;
      box.parent = parent;
      return;
    }
    const entries = container.instantiateModelsToScene((n) => `ghost:${n}`, false, { doNotInstantiate: true });
    for (const node of entries.rootNodes) node.parent = parent;
    for (const mesh of parent.getChildMeshes(false)) {
      mesh.material = mat;
      mesh.isPickable = false;
    }
  }

  dispose(): void {
    for (const t of this.textures.values()) t.dispose();
    this.textures.clear();
  }
}

/** A cheap StandardMaterial with the look of a glTF PBR material. */
function simplify(
  source: Material | null,
  rgb: [number, number, number] | null,
  texture: Texture | null,
  scene: Scene,
  key: string,
): Material {
  const m = new StandardMaterial(`lp:${key}:${source?.name ?? ""}`, scene);
  m.specularColor = new Color3(0.18, 0.18, 0.18);
  m.specularPower = 48;
  if (source instanceof PBRMaterial) {
    m.diffuseColor = source.albedoColor.toGammaSpace();
    if (source.albedoTexture instanceof Texture) m.diffuseTexture = source.albedoTexture;
    m.backFaceCulling = source.backFaceCulling;
    m.twoSidedLighting = !source.backFaceCulling;
    m.alpha = source.alpha;
  }
  if (rgb) m.diffuseColor = new Color3(...rgb);
  if (texture) m.diffuseTexture = texture;
  m.emissiveColor = m.diffuseColor.scale(0.18);
  return m;
}

function tint(
  source: Material | null,
  rgb: [number, number, number] | null,
  texture: Texture | null,
  scene: Scene,
  key: string,
): Material {
  if (source instanceof PBRMaterial) {
    const m = source.clone(`${source.name}:${key}`);
    // object_color is sRGB; PBR albedo is linear.
    if (rgb) m.albedoColor = new Color3(...rgb).toLinearSpace();
    if (texture) m.albedoTexture = texture;
    return m;
  }
  if (source instanceof StandardMaterial) {
    const m = source.clone(`${source.name}:${key}`);
    if (rgb) m.diffuseColor = new Color3(...rgb);
    if (texture) m.diffuseTexture = texture;
    return m;
  }
  const m = new PBRMaterial(`look:${key}`, scene);
  m.metallic = 0.1;
  m.roughness = 0.6;
  m.albedoColor = rgb ? new Color3(...rgb) : new Color3(0.8, 0.8, 0.8);
  if (texture) m.albedoTexture = texture;
  return m;
}

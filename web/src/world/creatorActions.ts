/**
 * Everything creator mode asks of the node's API, in one place. Loaders return the data (the
 * panels show loading and errors); actions a person only fires report their outcome as a toast
 * and resolve to whether they worked, so the panel can reset its form.
 */
import { describeError } from "../api/http";
import { OBJECT_TYPE, type Asset3d, type Member, type SkyboxEntry, type WorldDetails } from "../api/types";
import type { Transform } from "../posbus";
import type { WorldScene } from "../scene/WorldScene";
import { getApi } from "../state/session";
import { toast } from "../state/toasts";
import type { WorldSession } from "../state/worldSession";

export type AssetCategory = "basic" | "custom";

function showError(e: unknown): void {
  toast(describeError(e), "error");
}

/** Run `action`; a failure is a toast and `false`. */
async function attempt(action: () => Promise<unknown>, success?: string): Promise<boolean> {
  try {
    await action();
    if (success) toast(success, "success");
    return true;
  } catch (e) {
    showError(e);
    return false;
  }
}

// --- the asset library and placing objects ------------------------------------------------------

/** Names of the assets seen in a library or uploaded: a new object is named after its asset. */
const assetNames = new Map<string, string>();

export function assetName(asset: Asset3d): string {
  return asset.meta.name ?? "Model";
}

export async function loadAssetLibrary(category: AssetCategory): Promise<Asset3d[] | null> {
  const assets = await getApi().assets3d(category);
  for (const asset of assets ?? []) assetNames.set(asset.id, assetName(asset));
  return assets;
}

/** The name a new object gets: the name of the asset being placed. */
export function placingName(assetId: string): string {
  return assetNames.get(assetId) ?? "Object";
}

/** Whether the file starts like a binary glTF (the node refuses anything else). */
export async function isBinaryGltf(file: Blob): Promise<boolean> {
  const head = new Uint8Array(await file.slice(0, 4).arrayBuffer());
  return String.fromCharCode(...head) === "glTF";
}

/** Upload a GLB model; errors are the caller's to show (next to the form). */
export async function uploadAsset(file: File, name: string, isPrivate: boolean, onProgress: (fraction: number) => void): Promise<Asset3d> {
  const asset = await getApi().uploadAsset3d(file, name, isPrivate, onProgress);
  assetNames.set(asset.id, assetName(asset));
  toast("Model uploaded. Place it in the world.", "success");
  return asset;
}

/** Spawn the asset where the placement preview stands. */
export async function placeObject(world: WorldSession, scene: WorldScene, name: string): Promise<void> {
  const assetId = scene.placing;
  const transform = scene.finishPlacement();
  if (!assetId || !transform) return;
  await attempt(
    () =>
      getApi().createObject({
        object_name: name,
        parent_id: world.worldId,
        object_type_id: OBJECT_TYPE.custom,
        asset_3d_id: assetId,
        transform,
      }),
    `${name} placed`,
  );
}

// --- the selected object ---------------------------------------------------------------------------

/** Move the selected object now: shown at once, sent unthrottled. */
export function moveObject(world: WorldSession, scene: WorldScene, objectId: string, transform: Transform): void {
  scene.previewTransform(objectId, transform);
  world.sendObjectTransform(objectId, transform, true);
}

/** The object's name lives twice: on the object and in its `name` attribute (best effort). */
export function renameObject(objectId: string, name: string): Promise<boolean> {
  const api = getApi();
  return attempt(async () => {
    await api.updateObject(objectId, { object_name: name });
    await api.setAttribute(objectId, "name", { name }).catch(() => undefined);
  }, "Name saved");
}

export function duplicateObject(objectId: string): Promise<boolean> {
  return attempt(() => getApi().cloneObject(objectId), "Duplicated");
}

export function deleteObject(objectId: string): Promise<boolean> {
  return attempt(() => getApi().deleteObject(objectId), "Object deleted");
}

export function colourObject(objectId: string, hex: string): Promise<boolean> {
  return attempt(() => getApi().setAttribute(objectId, "object_color", { value: hex }));
}

/** Upload an image and wrap the object in it. */
export function wrapImage(objectId: string, file: File): Promise<boolean> {
  const api = getApi();
  return attempt(async () => {
    const { hash } = await api.uploadImage(file);
    await api.setAttribute(objectId, "texture", { render_hash: hash });
  }, "Image applied");
}

/** Remove the object's image; a failure changes nothing visible, so it says nothing. */
export async function removeImage(objectId: string): Promise<void> {
  await getApi()
    .deleteAttribute(objectId, "texture")
    .catch(() => undefined);
}

// --- skybox ----------------------------------------------------------------------------------------

export async function loadSkyboxLibrary(): Promise<SkyboxEntry[]> {
  const list = await getApi().nodeAttribute<{ skyboxes?: SkyboxEntry[] }>("skybox_list");
  return list?.skyboxes ?? [];
}

export function applySkybox(worldId: string, hash: string): Promise<boolean> {
  return attempt(() => getApi().setAttribute(worldId, "active_skybox", { render_hash: hash }), "Skybox changed for everyone");
}

/** Upload a 360° image; resolves to its hash, or null after saying why it failed. */
export async function uploadSkybox(file: File): Promise<string | null> {
  try {
    return (await getApi().uploadImage(file)).hash;
  } catch (e) {
    showError(e);
    return null;
  }
}

// --- the world's profile ---------------------------------------------------------------------------

export interface WorldProfileDraft {
  name: string;
  description: string;
  link: string;
  picture: File | null;
}

export function loadWorldDetails(worldId: string): Promise<WorldDetails> {
  return getApi().world(worldId);
}

/** Save what changed; `saved` is the profile as loaded. */
export function saveWorldProfile(worldId: string, saved: WorldDetails | undefined, draft: WorldProfileDraft): Promise<boolean> {
  const api = getApi();
  return attempt(async () => {
    const name = draft.name.trim();
    if (name && name !== saved?.name) {
      await api.updateObject(worldId, { object_name: name });
      await api.setAttribute(worldId, "name", { name }).catch(() => undefined);
    }
    await api.setAttribute(worldId, "description", { description: draft.description });
    await api.setAttribute(worldId, "website_link", { website_link: draft.link.trim() });
    if (draft.picture) {
      const { hash } = await api.uploadImage(draft.picture);
      await api.setAttribute(worldId, "world_avatar", { render_hash: hash });
    }
  }, "World profile saved");
}

// --- co-creators -------------------------------------------------------------------------------------

export function loadCoCreators(worldId: string): Promise<Member[] | null> {
  return getApi().members(worldId);
}

/** Add a co-creator by user id or wallet address. */
export function addCoCreator(worldId: string, who: string): Promise<boolean> {
  const target = /^[0-9a-f-]{36}$/i.test(who) ? { user_id: who } : { wallet: who };
  return attempt(() => getApi().addMember(worldId, target), "Co-creator added");
}

export function removeCoCreator(worldId: string, userId: string): Promise<boolean> {
  return attempt(() => getApi().removeMember(worldId, userId));
}

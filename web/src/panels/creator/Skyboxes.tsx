/** Creator tab "Skybox": preview skyboxes from the node's library or an upload, apply one for everyone. */
import { useEffect, useState, type ReactElement } from "react";
import { Empty, Spinner, useAsync } from "../../ui/common";
import { Icon } from "../../ui/icons";
import type { SkyboxEntry } from "../../api/types";
import { useStore } from "../../lib/useStore";
import type { WorldScene } from "../../scene/WorldScene";
import { getMedia } from "../../state/session";
import type { WorldSession } from "../../state/worldSession";
import { applySkybox, loadSkyboxLibrary, uploadSkybox } from "../../world/creatorActions";

export function Skyboxes({ world, scene }: { world: WorldSession; scene: WorldScene }): ReactElement {
  const view = useStore(world.view);
  const library = useAsync(loadSkyboxLibrary, []);
  const [uploads, setUploads] = useState<SkyboxEntry[]>([]);
  const [preview, setPreview] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const active = view.skybox;
  // Leaving the tab without applying restores the world's skybox.
  useEffect(() => () => scene.setSkybox(world.model.skybox), [scene, world]);
  const entries = [...(library.data ?? []), ...uploads];
  if (active && !entries.some((e) => e.render_hash === active)) entries.unshift({ name: "Current skybox", render_hash: active });
  const apply = async (hash: string): Promise<void> => {
    setBusy(true);
    if (await applySkybox(world.worldId, hash)) setPreview(null);
    setBusy(false);
  };
  const upload = async (file: File): Promise<void> => {
    setBusy(true);
    const hash = await uploadSkybox(file);
    setBusy(false);
    if (!hash) return;
    setUploads((u) => [...u, { name: file.name.replace(/\.[^.]+$/, ""), render_hash: hash }]);
    await apply(hash);
  };
  const showPreview = (hash: string | null): void => {
    setPreview(hash);
    scene.setSkybox(hash ?? active);
  };
  return (
    <div className="stack">
      <label className="btn btn-ghost wide">
        {busy ? <span className="spinner" /> : <Icon name="upload" size={16} />} Upload a 360° image
        <input type="file" accept="image/*" hidden data-testid="skybox-upload" onChange={(e) => e.target.files?.[0] && void upload(e.target.files[0])} />
      </label>
      {library.loading ? (
        <Spinner />
      ) : entries.length === 0 ? (
        <Empty icon="sky">No skyboxes in the library yet.</Empty>
      ) : (
        <ul className="sky-grid" data-testid="skybox-list">
          {entries.map((s) => (
            <li key={s.render_hash}>
              <button className={`sky-tile${(preview ?? active) === s.render_hash ? " active" : ""}`} onClick={() => showPreview(s.render_hash)} data-testid="skybox-tile">
                <img src={getMedia().texture(s.render_hash, "s3") ?? ""} alt="" />
                <span>
                  {s.name}
                  {active === s.render_hash ? " · active" : ""}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {preview && preview !== active ? (
        <div className="row">
          <button className="btn btn-ghost" onClick={() => showPreview(null)}>Cancel preview</button>
          <button className="btn btn-primary grow" disabled={busy} onClick={() => void apply(preview)} data-testid="skybox-apply">
            <Icon name="check" size={16} /> Use this skybox
          </button>
        </div>
      ) : null}
    </div>
  );
}

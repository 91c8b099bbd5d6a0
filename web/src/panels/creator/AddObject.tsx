/** Creator tab "Add object": the asset libraries, GLB uploads, and the start of a placement. */
import { useState, type ReactElement } from "react";
import { Empty, ErrorState, Field, Spinner, useAsync } from "../../ui/common";
import { Icon } from "../../ui/icons";
import { describeError } from "../../api/http";
import type { Asset3d } from "../../api/types";
import type { WorldScene } from "../../scene/WorldScene";
import { getMedia } from "../../state/session";
import { assetName, isBinaryGltf, loadAssetLibrary, uploadAsset } from "../../world/creatorActions";
import { ShapeGlyph } from "./ShapeGlyph";

type Library = "basic" | "community" | "private";

const LIBRARY_LABEL: Record<Library, string> = { basic: "Basic shapes", community: "Community", private: "Private" };

export function AddObject({ scene }: { scene: WorldScene }): ReactElement {
  const [lib, setLib] = useState<Library>("basic");
  const basic = useAsync(() => loadAssetLibrary("basic"), []);
  const custom = useAsync(() => loadAssetLibrary("custom"), []);
  const [uploading, setUploading] = useState(false);
  const source = lib === "basic" ? basic : custom;
  const list = (source.data ?? []).filter((a) => (lib === "basic" ? true : lib === "private" ? a.is_private : !a.is_private));
  const uploaded = (asset: Asset3d | null): void => {
    setUploading(false);
    custom.reload();
    if (asset) {
      setLib(asset.is_private ? "private" : "community");
      void scene.startPlacement(asset.id);
    }
  };
  return (
    <div className="stack">
      <div className="segmented">
        {(["basic", "community", "private"] as const).map((k) => (
          <button key={k} className={lib === k ? "active" : ""} onClick={() => setLib(k)} data-testid={`library-${k}`}>
            {LIBRARY_LABEL[k]}
          </button>
        ))}
      </div>
      {uploading ? (
        <UploadAsset onDone={uploaded} />
      ) : (
        <button className="btn btn-ghost wide" onClick={() => setUploading(true)} data-testid="upload-asset">
          <Icon name="upload" size={16} /> Upload a GLB model
        </button>
      )}
      {source.loading ? (
        <Spinner label="Loading the library…" />
      ) : source.error ? (
        <ErrorState error={source.error} onRetry={source.reload} />
      ) : list.length === 0 ? (
        <Empty icon="cube">{lib === "basic" ? "No basic shapes on this node." : "No models here yet. Upload one!"}</Empty>
      ) : (
        <ul className="asset-grid" data-testid="asset-grid">
          {list.map((a) => (
            <AssetTile key={a.id} asset={a} active={scene.placing === a.id} onPick={() => void scene.startPlacement(a.id)} />
          ))}
        </ul>
      )}
      <p className="muted small">Pick a model: a preview follows your camera. Fly to the right spot, then press “Place here”.</p>
    </div>
  );
}

function AssetTile({ asset, onPick, active }: { asset: Asset3d; onPick: () => void; active: boolean }): ReactElement {
  const preview = getMedia().texture(asset.meta.preview_hash ?? null, "s3");
  const name = assetName(asset);
  return (
    <li>
      <button className={`asset-tile${active ? " active" : ""}`} onClick={onPick} data-testid="asset-tile" data-asset-name={name} data-asset-id={asset.id}>
        <span className="asset-thumb">{preview ? <img src={preview} alt="" /> : <ShapeGlyph name={name} />}</span>
        <span className="asset-name">{name}</span>
      </button>
    </li>
  );
}

const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

const withoutGlb = (fileName: string): string => fileName.replace(/\.glb$/i, "");

function UploadAsset({ onDone }: { onDone: (asset: Asset3d | null) => void }): ReactElement {
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState("");
  const [isPrivate, setPrivate] = useState(false);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const submit = async (): Promise<void> => {
    if (!file) return;
    setError(null);
    if (!(await isBinaryGltf(file))) {
      setError("This is not a binary glTF (.glb) file.");
      return;
    }
    setProgress(0);
    try {
      onDone(await uploadAsset(file, name.trim() || withoutGlb(file.name), isPrivate, setProgress));
    } catch (e) {
      setError(describeError(e));
      setProgress(null);
    }
  };
  const choose = (f: File | null): void => {
    setFile(f);
    if (f && !name) setName(withoutGlb(f.name));
  };
  return (
    <div className="upload-box" data-testid="upload-form">
      <label className="dropzone">
        <Icon name="upload" />
        <span>{file ? `${file.name} · ${(file.size / 1024 / 1024).toFixed(2)} MB` : "Choose a .glb file (up to 50 MB)"}</span>
        <input type="file" accept=".glb,model/gltf-binary" hidden data-testid="upload-file" onChange={(e) => choose(e.target.files?.[0] ?? null)} />
      </label>
      <Field label="Name">
        <input value={name} onChange={(e) => setName(e.target.value)} data-testid="upload-name" />
      </Field>
      <div className="segmented">
        <button className={!isPrivate ? "active" : ""} onClick={() => setPrivate(false)}>Community</button>
        <button className={isPrivate ? "active" : ""} onClick={() => setPrivate(true)} data-testid="upload-private">Private</button>
      </div>
      {progress !== null ? (
        <div className="progress" role="progressbar" aria-valuenow={Math.round(progress * 100)}>
          <span style={{ width: `${Math.round(progress * 100)}%` }} />
        </div>
      ) : null}
      {error ? <div className="form-error">{error}</div> : null}
      <div className="row">
        <button className="btn btn-ghost" onClick={() => onDone(null)}>Cancel</button>
        <button className="btn btn-primary grow" disabled={!file || file.size > MAX_UPLOAD_BYTES || progress !== null} onClick={() => void submit()} data-testid="upload-submit">
          <Icon name="upload" size={16} /> Upload
        </button>
      </div>
    </div>
  );
}

/** Creator mode: asset library and uploads, inspector, skybox, world profile, co-creators. */
import { useEffect, useState, type ReactElement } from "react";
import { Empty, ErrorState, Field, Panel, Spinner, UserAvatar, useAsync } from "../ui/common";
import { Icon, type IconName } from "../ui/icons";
import { describeError } from "../api/http";
import { OBJECT_TYPE, type Asset3d, type SkyboxEntry } from "../api/types";
import { getApi, getMedia } from "../state/session";
import { toast } from "../state/toasts";
import { PALETTE, normalizeHex } from "../lib/color";
import { useStore } from "../lib/useStore";
import type { WorldSession } from "../state/worldSession";
import type { WorldScene, GizmoMode } from "../scene/WorldScene";
import type { Transform } from "../posbus";

export type CreatorTab = "add" | "inspector" | "skybox" | "world" | "members";

interface CreatorProps {
  world: WorldSession;
  scene: WorldScene;
  tab: CreatorTab;
  setTab: (t: CreatorTab) => void;
  onClose: () => void;
  userNames: (id: string) => string;
}

const TABS: { id: CreatorTab; icon: IconName; label: string }[] = [
  { id: "add", icon: "plus", label: "Add object" },
  { id: "inspector", icon: "cube", label: "Inspector" },
  { id: "skybox", icon: "sky", label: "Skybox" },
  { id: "world", icon: "globe", label: "World" },
  { id: "members", icon: "users", label: "Co-creators" },
];

export function CreatorPanel(props: CreatorProps): ReactElement {
  return (
    <Panel side="right" title="Creator" icon="pencil" onClose={props.onClose} testId="creator-panel" wide>
      <div className="creator-tabs" role="tablist">
        {TABS.map((t) => (
          <button key={t.id} role="tab" aria-selected={props.tab === t.id} className={props.tab === t.id ? "active" : ""} onClick={() => props.setTab(t.id)} data-testid={`creator-tab-${t.id}`} title={t.label}>
            <Icon name={t.icon} size={18} />
            <span>{t.label}</span>
          </button>
        ))}
      </div>
      {props.tab === "add" ? <AddObject {...props} /> : null}
      {props.tab === "inspector" ? <Inspector {...props} /> : null}
      {props.tab === "skybox" ? <Skyboxes {...props} /> : null}
      {props.tab === "world" ? <WorldProfile {...props} /> : null}
      {props.tab === "members" ? <CoCreators {...props} /> : null}
    </Panel>
  );
}

// --- add objects -------------------------------------------------------------------------------

function AddObject({ scene }: CreatorProps): ReactElement {
  const [lib, setLib] = useState<"basic" | "community" | "private">("basic");
  const basic = useAsync(() => getApi().assets3d("basic"), []);
  const custom = useAsync(() => getApi().assets3d("custom"), []);
  const [uploading, setUploading] = useState(false);
  const source = lib === "basic" ? basic : custom;
  const list = (source.data ?? []).filter((a) => (lib === "basic" ? true : lib === "private" ? a.is_private : !a.is_private));
  return (
    <div className="stack">
      <div className="segmented">
        {(["basic", "community", "private"] as const).map((k) => (
          <button key={k} className={lib === k ? "active" : ""} onClick={() => setLib(k)} data-testid={`library-${k}`}>
            {k === "basic" ? "Basic shapes" : k === "community" ? "Community" : "Private"}
          </button>
        ))}
      </div>
      {uploading ? (
        <UploadAsset
          onDone={(asset) => {
            setUploading(false);
            custom.reload();
            if (asset) {
              assetNames.set(asset.id, asset.meta.name ?? "Model");
              setLib(asset.is_private ? "private" : "community");
              void scene.startPlacement(asset.id);
            }
          }}
        />
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

const assetNames = new Map<string, string>();

/** The name a new object gets: the name of the asset being placed. */
export function placingName(assetId: string): string {
  return assetNames.get(assetId) ?? "Object";
}

function AssetTile({ asset, onPick, active }: { asset: Asset3d; onPick: () => void; active: boolean }): ReactElement {
  const preview = getMedia().texture(asset.meta.preview_hash ?? null, "s3");
  const name = asset.meta.name ?? "Model";
  assetNames.set(asset.id, name);
  return (
    <li>
      <button className={`asset-tile${active ? " active" : ""}`} onClick={onPick} data-testid="asset-tile" data-asset-name={name} data-asset-id={asset.id}>
        <span className="asset-thumb">{preview ? <img src={preview} alt="" /> : <ShapeGlyph name={name} />}</span>
        <span className="asset-name">{name}</span>
      </button>
    </li>
  );
}

/** A small drawing of a basic shape, for assets without a preview image. */
function ShapeGlyph({ name }: { name: string }): ReactElement {
  const n = name.toLowerCase();
  const common = { fill: "none", stroke: "currentColor", strokeWidth: 1.6, strokeLinejoin: "round" as const };
  let shape: ReactElement;
  if (n.includes("sphere") || n.includes("orb") || n.includes("ball")) shape = <><circle cx="20" cy="20" r="12" {...common} /><ellipse cx="20" cy="20" rx="12" ry="4" {...common} /></>;
  else if (n.includes("cylinder") || n.includes("capsule")) shape = <><ellipse cx="20" cy="10" rx="9" ry="3.5" {...common} /><path d="M11 10v20a9 3.5 0 0 0 18 0V10" {...common} /></>;
  else if (n.includes("cone")) shape = <><path d="M20 6 11 30a9 3.5 0 0 0 18 0z" {...common} /></>;
  else if (n.includes("torus") || n.includes("ring")) shape = <><ellipse cx="20" cy="20" rx="13" ry="7" {...common} /><ellipse cx="20" cy="19" rx="6" ry="2.5" {...common} /></>;
  else if (n.includes("disc") || n.includes("quad") || n.includes("plane")) shape = <path d="M6 25 20 18l14 7-14 7z" {...common} />;
  else if (n.includes("octa") || n.includes("icosa") || n.includes("dodeca") || n.includes("bucky")) shape = <path d="M20 5 33 20 20 35 7 20z M7 20h26 M20 5v30" {...common} />;
  else shape = <><path d="M20 6 32 12.5v14L20 33 8 26.5v-14z" {...common} /><path d="M8 12.5 20 19l12-6.5M20 19v14" {...common} /></>;
  return (
    <svg width="40" height="40" viewBox="0 0 40 40" aria-hidden>
      {shape}
    </svg>
  );
}

function UploadAsset({ onDone }: { onDone: (asset: Asset3d | null) => void }): ReactElement {
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState("");
  const [isPrivate, setPrivate] = useState(false);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const submit = async (): Promise<void> => {
    if (!file) return;
    setError(null);
    const head = new Uint8Array(await file.slice(0, 4).arrayBuffer());
    if (String.fromCharCode(...head) !== "glTF") {
      setError("This is not a binary glTF (.glb) file.");
      return;
    }
    setProgress(0);
    try {
      const asset = await getApi().uploadAsset3d(file, name.trim() || file.name.replace(/\.glb$/i, ""), isPrivate, setProgress);
      toast("Model uploaded. Place it in the world.", "success");
      onDone(asset);
    } catch (e) {
      setError(describeError(e));
      setProgress(null);
    }
  };
  return (
    <div className="upload-box" data-testid="upload-form">
      <label className="dropzone">
        <Icon name="upload" />
        <span>{file ? `${file.name} · ${(file.size / 1024 / 1024).toFixed(2)} MB` : "Choose a .glb file (up to 50 MB)"}</span>
        <input
          type="file"
          accept=".glb,model/gltf-binary"
          hidden
          data-testid="upload-file"
          onChange={(e) => {
            const f = e.target.files?.[0] ?? null;
            setFile(f);
            if (f && !name) setName(f.name.replace(/\.glb$/i, ""));
          }}
        />
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
        <button className="btn btn-primary grow" disabled={!file || file.size > 50 * 1024 * 1024 || progress !== null} onClick={() => void submit()} data-testid="upload-submit">
          <Icon name="upload" size={16} /> Upload
        </button>
      </div>
    </div>
  );
}

/** Spawn the asset where the placement preview stands. */
export async function placeObject(world: WorldSession, scene: WorldScene, name: string): Promise<void> {
  const assetId = scene.placing;
  const transform = scene.finishPlacement();
  if (!assetId || !transform) return;
  try {
    await getApi().createObject({
      object_name: name,
      parent_id: world.worldId,
      object_type_id: OBJECT_TYPE.custom,
      asset_3d_id: assetId,
      transform,
    });
    toast(`${name} placed`, "success");
  } catch (e) {
    toast(describeError(e), "error");
  }
}

// --- inspector ---------------------------------------------------------------------------------

const DEG = 180 / Math.PI;

function Inspector({ world, scene, userNames }: CreatorProps): ReactElement {
  const view = useStore(world.view);
  const id = view.selectedId;
  const [, setTick] = useState(0);
  useEffect(() => world.onChanges(() => setTick((n) => n + 1)), [world]);
  const object = id ? world.object(id) : undefined;
  const [mode, setMode] = useState<GizmoMode>("move");
  if (!id || !object) return <Empty icon="cube">Click an object in the world to select it.</Empty>;
  const lockedByOther = object.lockOwner && object.lockOwner !== world.userId;
  const setTransform = (t: Transform): void => {
    scene.previewTransform(id, t);
    world.sendObjectTransform(id, t, true);
  };
  return (
    <div className="stack" data-testid="inspector" key={id}>
      <NameField objectId={id} name={object.name} />
      <div className="lock-line">
        <Icon name="lock" size={14} />{" "}
        {object.lockOwner === world.userId ? "You are editing this object" : lockedByOther ? `Locked by ${userNames(object.lockOwner ?? "")}` : "Not locked"}
      </div>
      <div className="segmented">
        {(["move", "rotate", "scale"] as const).map((m) => (
          <button key={m} className={mode === m ? "active" : ""} onClick={() => { setMode(m); scene.setGizmoMode(m); }} data-testid={`gizmo-${m}`}>
            <Icon name={m} size={14} /> {m[0]?.toUpperCase() + m.slice(1)}
          </button>
        ))}
      </div>
      <TransformFields transform={object.transform} onChange={setTransform} />
      <h4>Colour</h4>
      <ColourPicker objectId={id} value={object.color} />
      <h4>Image</h4>
      <ImagePicker objectId={id} hash={object.texture} />
      <div className="row">
        <button
          className="btn btn-ghost grow"
          data-testid="duplicate-object"
          onClick={() =>
            void getApi()
              .cloneObject(id)
              .then(() => toast("Duplicated", "success"), (e: unknown) => toast(describeError(e), "error"))
          }
        >
          <Icon name="copy" size={16} /> Duplicate
        </button>
        <DeleteButton objectId={id} name={object.name} onDeleted={() => world.select(null)} />
      </div>
    </div>
  );
}

function NameField({ objectId, name }: { objectId: string; name: string }): ReactElement {
  const [value, setValue] = useState(name);
  useEffect(() => setValue(name), [name]);
  const save = (): void => {
    const v = value.trim();
    if (!v || v === name) return;
    void getApi()
      .updateObject(objectId, { object_name: v })
      .then(() => getApi().setAttribute(objectId, "name", { name: v }).catch(() => undefined))
      .then(() => toast("Name saved", "success"), (e: unknown) => toast(describeError(e), "error"));
  };
  return (
    <Field label="Name">
      <input value={value} onChange={(e) => setValue(e.target.value)} onBlur={save} onKeyDown={(e) => e.key === "Enter" && save()} data-testid="object-name" />
    </Field>
  );
}

function NumberInput({ value, onCommit, testId, step = 0.1 }: { value: number; onCommit: (v: number) => void; testId: string; step?: number }): ReactElement {
  const [text, setText] = useState(fmt(value));
  const [focused, setFocused] = useState(false);
  useEffect(() => {
    if (!focused) setText(fmt(value));
  }, [value, focused]);
  const commit = (): void => {
    const v = Number(text);
    if (Number.isFinite(v) && Math.abs(v - value) > 1e-6) onCommit(v);
    else setText(fmt(value));
  };
  return (
    <input
      type="number"
      step={step}
      value={text}
      data-testid={testId}
      onFocus={() => setFocused(true)}
      onBlur={() => {
        setFocused(false);
        commit();
      }}
      onChange={(e) => setText(e.target.value)}
      onKeyDown={(e) => {
        if (e.key === "Enter") commit();
      }}
    />
  );
}

function fmt(v: number): string {
  return String(Math.round(v * 1000) / 1000);
}

function TransformFields({ transform, onChange }: { transform: Transform; onChange: (t: Transform) => void }): ReactElement {
  const rows: { key: "position" | "rotation" | "scale"; label: string; factor: number }[] = [
    { key: "position", label: "Position", factor: 1 },
    { key: "rotation", label: "Rotation °", factor: DEG },
    { key: "scale", label: "Scale", factor: 1 },
  ];
  return (
    <div className="transform-grid">
      <span />
      <span className="axis x">X</span>
      <span className="axis y">Y</span>
      <span className="axis z">Z</span>
      {rows.map((row) => (
        <FragmentRow key={row.key} label={row.label}>
          {(["x", "y", "z"] as const).map((axis) => (
            <NumberInput
              key={axis}
              testId={`${row.key}-${axis}`}
              step={row.key === "rotation" ? 5 : 0.1}
              value={transform[row.key][axis] * row.factor}
              onCommit={(v) => {
                const next: Transform = {
                  position: { ...transform.position },
                  rotation: { ...transform.rotation },
                  scale: { ...transform.scale },
                };
                next[row.key][axis] = v / row.factor;
                onChange(next);
              }}
            />
          ))}
        </FragmentRow>
      ))}
    </div>
  );
}

function FragmentRow({ label, children }: { label: string; children: ReactElement[] }): ReactElement {
  return (
    <>
      <span className="row-label">{label}</span>
      {children}
    </>
  );
}

function ColourPicker({ objectId, value }: { objectId: string; value: string | null }): ReactElement {
  const [custom, setCustom] = useState(value ?? "#ffffff");
  const apply = (hex: string): void => {
    const n = normalizeHex(hex);
    if (!n) return;
    void getApi()
      .setAttribute(objectId, "object_color", { value: n })
      .catch((e: unknown) => toast(describeError(e), "error"));
  };
  return (
    <div className="palette" data-testid="palette">
      {PALETTE.map((c) => (
        <button key={c} className={`swatch${value === c ? " active" : ""}`} style={{ background: c }} onClick={() => apply(c)} aria-label={`Colour ${c}`} data-testid={`swatch-${c.slice(1)}`} />
      ))}
      <label className="swatch custom" title="Custom colour">
        <input type="color" value={normalizeHex(custom) ?? "#ffffff"} onChange={(e) => setCustom(e.target.value)} onBlur={() => apply(custom)} data-testid="colour-input" />
      </label>
    </div>
  );
}

function ImagePicker({ objectId, hash }: { objectId: string; hash: string | null }): ReactElement {
  const [busy, setBusy] = useState(false);
  const upload = async (file: File): Promise<void> => {
    setBusy(true);
    try {
      const { hash: h } = await getApi().uploadImage(file);
      await getApi().setAttribute(objectId, "texture", { render_hash: h });
      toast("Image applied", "success");
    } catch (e) {
      toast(describeError(e), "error");
    } finally {
      setBusy(false);
    }
  };
  const url = getMedia().texture(hash, "s3");
  return (
    <div className="row">
      <span className="thumb small">{url ? <img src={url} alt="" /> : <Icon name="image" />}</span>
      <label className="btn btn-ghost grow">
        {busy ? <span className="spinner" /> : <Icon name="upload" size={16} />} {hash ? "Replace image" : "Wrap an image"}
        <input type="file" accept="image/*" hidden data-testid="object-image" onChange={(e) => e.target.files?.[0] && void upload(e.target.files[0])} />
      </label>
      {hash ? (
        <button className="icon-btn" aria-label="Remove image" onClick={() => void getApi().deleteAttribute(objectId, "texture").catch(() => undefined)}>
          <Icon name="trash" size={16} />
        </button>
      ) : null}
    </div>
  );
}

function DeleteButton({ objectId, name, onDeleted }: { objectId: string; name: string; onDeleted: () => void }): ReactElement {
  const [confirm, setConfirm] = useState(false);
  if (confirm) {
    return (
      <div className="confirm" role="alertdialog" aria-label={`Delete ${name}?`}>
        <span>Delete {name}?</span>
        <button className="btn btn-small btn-ghost" onClick={() => setConfirm(false)}>No</button>
        <button
          className="btn btn-small btn-danger"
          data-testid="confirm-delete"
          onClick={() =>
            void getApi()
              .deleteObject(objectId)
              .then(() => {
                toast("Object deleted", "success");
                onDeleted();
              }, (e: unknown) => toast(describeError(e), "error"))
          }
        >
          Delete
        </button>
      </div>
    );
  }
  return (
    <button className="btn btn-danger-ghost grow" onClick={() => setConfirm(true)} data-testid="delete-object">
      <Icon name="trash" size={16} /> Delete
    </button>
  );
}

// --- skybox --------------------------------------------------------------------------------------

function Skyboxes({ world, scene }: CreatorProps): ReactElement {
  const view = useStore(world.view);
  const library = useAsync(() => getApi().nodeAttribute<{ skyboxes?: SkyboxEntry[] }>("skybox_list"), []);
  const [uploads, setUploads] = useState<SkyboxEntry[]>([]);
  const [preview, setPreview] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const active = view.skybox;
  // Leaving the tab without applying restores the world's skybox.
  useEffect(() => () => scene.setSkybox(world.model.skybox), [scene, world]);
  const entries = [...(library.data?.skyboxes ?? []), ...uploads];
  if (active && !entries.some((e) => e.render_hash === active)) entries.unshift({ name: "Current skybox", render_hash: active });
  const apply = async (hash: string): Promise<void> => {
    setBusy(true);
    try {
      await getApi().setAttribute(world.worldId, "active_skybox", { render_hash: hash });
      setPreview(null);
      toast("Skybox changed for everyone", "success");
    } catch (e) {
      toast(describeError(e), "error");
    } finally {
      setBusy(false);
    }
  };
  const upload = async (file: File): Promise<void> => {
    setBusy(true);
    try {
      const { hash } = await getApi().uploadImage(file);
      setUploads((u) => [...u, { name: file.name.replace(/\.[^.]+$/, ""), render_hash: hash }]);
      setBusy(false);
      await apply(hash);
    } catch (e) {
      toast(describeError(e), "error");
      setBusy(false);
    }
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
              <button
                className={`sky-tile${(preview ?? active) === s.render_hash ? " active" : ""}`}
                onClick={() => {
                  setPreview(s.render_hash);
                  scene.setSkybox(s.render_hash);
                }}
                data-testid="skybox-tile"
              >
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
          <button className="btn btn-ghost" onClick={() => { setPreview(null); scene.setSkybox(active); }}>Cancel preview</button>
          <button className="btn btn-primary grow" disabled={busy} onClick={() => void apply(preview)} data-testid="skybox-apply">
            <Icon name="check" size={16} /> Use this skybox
          </button>
        </div>
      ) : null}
    </div>
  );
}

// --- world profile -------------------------------------------------------------------------------

function WorldProfile({ world }: CreatorProps): ReactElement {
  const details = useAsync(() => getApi().world(world.worldId), [world.worldId]);
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [link, setLink] = useState("");
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (!details.data) return;
    setName(details.data.name ?? "");
    setDescription(details.data.description ?? "");
    setLink(details.data.website_link ?? "");
  }, [details.data]);
  if (details.loading) return <Spinner />;
  if (details.error) return <ErrorState error={details.error} onRetry={details.reload} />;
  const save = async (): Promise<void> => {
    setBusy(true);
    try {
      const api = getApi();
      const id = world.worldId;
      if (name.trim() && name.trim() !== details.data?.name) {
        await api.updateObject(id, { object_name: name.trim() });
        await api.setAttribute(id, "name", { name: name.trim() }).catch(() => undefined);
      }
      await api.setAttribute(id, "description", { description });
      await api.setAttribute(id, "website_link", { website_link: link.trim() });
      if (file) {
        const { hash } = await api.uploadImage(file);
        await api.setAttribute(id, "world_avatar", { render_hash: hash });
      }
      toast("World profile saved", "success");
      details.reload();
    } catch (e) {
      toast(describeError(e), "error");
    } finally {
      setBusy(false);
    }
  };
  const avatar = file ? URL.createObjectURL(file) : getMedia().texture(details.data?.avatarHash, "s3");
  return (
    <div className="stack" data-testid="world-profile">
      <div className="avatar-pick">
        <span className="thumb">{avatar ? <img src={avatar} alt="" /> : <Icon name="globe" />}</span>
        <label className="btn btn-ghost">
          <Icon name="upload" size={16} /> World picture
          <input type="file" accept="image/*" hidden onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        </label>
      </div>
      <Field label="Name">
        <input value={name} onChange={(e) => setName(e.target.value)} data-testid="world-name" />
      </Field>
      <Field label="Description">
        <textarea rows={4} value={description} onChange={(e) => setDescription(e.target.value)} data-testid="world-description" />
      </Field>
      <Field label="Website">
        <input value={link} placeholder="https://" onChange={(e) => setLink(e.target.value)} />
      </Field>
      <button className="btn btn-primary wide" disabled={busy || name.trim().length < 2} onClick={() => void save()} data-testid="world-save">
        {busy ? <span className="spinner" /> : <Icon name="check" size={16} />} Save
      </button>
    </div>
  );
}

// --- co-creators ---------------------------------------------------------------------------------

function CoCreators({ world }: CreatorProps): ReactElement {
  const members = useAsync(() => getApi().members(world.worldId), [world.worldId]);
  const [who, setWho] = useState("");
  const [busy, setBusy] = useState(false);
  const add = async (): Promise<void> => {
    const v = who.trim();
    if (!v) return;
    setBusy(true);
    try {
      await getApi().addMember(world.worldId, /^[0-9a-f-]{36}$/i.test(v) ? { user_id: v } : { wallet: v });
      setWho("");
      members.reload();
      toast("Co-creator added", "success");
    } catch (e) {
      toast(describeError(e), "error");
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="stack">
      <p className="muted small">Co-creators can edit this world like you do.</p>
      <div className="row">
        <input className="grow" value={who} onChange={(e) => setWho(e.target.value)} placeholder="Wallet address or user id" data-testid="member-input" />
        <button className="btn btn-primary" disabled={busy || !who.trim()} onClick={() => void add()}>
          <Icon name="plus" size={16} /> Add
        </button>
      </div>
      {members.loading ? (
        <Spinner />
      ) : members.error ? (
        <ErrorState error={members.error} onRetry={members.reload} />
      ) : (members.data ?? []).length === 0 ? (
        <Empty icon="users">No co-creators yet.</Empty>
      ) : (
        <ul className="people">
          {(members.data ?? []).map((m) => (
            <li key={m.user_id} className="person">
              <UserAvatar url={getMedia().texture(m.avatar_hash || null, "s3")} name={m.name} size={32} />
              <span className="grow">
                <strong>{m.name || m.user_id.slice(0, 8)}</strong>
                <small>{m.role}</small>
              </span>
              <button
                className="icon-btn"
                aria-label={`Remove ${m.name}`}
                onClick={() => void getApi().removeMember(world.worldId, m.user_id).then(members.reload, (e: unknown) => toast(describeError(e), "error"))}
              >
                <Icon name="trash" size={16} />
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

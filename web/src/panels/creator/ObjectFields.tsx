/** The fields of the inspector that change one object through the API: name, colour, image, delete. */
import { useEffect, useState, type ReactElement } from "react";
import { Field } from "../../ui/common";
import { Icon } from "../../ui/icons";
import { PALETTE, normalizeHex } from "../../lib/color";
import { getMedia } from "../../state/session";
import { colourObject, deleteObject, removeImage, renameObject, wrapImage } from "../../world/creatorActions";

export function NameField({ objectId, name }: { objectId: string; name: string }): ReactElement {
  const [value, setValue] = useState(name);
  useEffect(() => setValue(name), [name]);
  const save = (): void => {
    const v = value.trim();
    if (!v || v === name) return;
    void renameObject(objectId, v);
  };
  return (
    <Field label="Name">
      <input value={value} onChange={(e) => setValue(e.target.value)} onBlur={save} onKeyDown={(e) => e.key === "Enter" && save()} data-testid="object-name" />
    </Field>
  );
}

export function ColourPicker({ objectId, value }: { objectId: string; value: string | null }): ReactElement {
  const [custom, setCustom] = useState(value ?? "#ffffff");
  const apply = (hex: string): void => {
    const n = normalizeHex(hex);
    if (n) void colourObject(objectId, n);
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

export function ImagePicker({ objectId, hash }: { objectId: string; hash: string | null }): ReactElement {
  const [busy, setBusy] = useState(false);
  const upload = async (file: File): Promise<void> => {
    setBusy(true);
    await wrapImage(objectId, file);
    setBusy(false);
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
        <button className="icon-btn" aria-label="Remove image" onClick={() => void removeImage(objectId)}>
          <Icon name="trash" size={16} />
        </button>
      ) : null}
    </div>
  );
}

export function DeleteButton({ objectId, name, onDeleted }: { objectId: string; name: string; onDeleted: () => void }): ReactElement {
  const [confirm, setConfirm] = useState(false);
  if (confirm) {
    return (
      <div className="confirm" role="alertdialog" aria-label={`Delete ${name}?`}>
        <span>Delete {name}?</span>
        <button className="btn btn-small btn-ghost" onClick={() => setConfirm(false)}>No</button>
        <button className="btn btn-small btn-danger" data-testid="confirm-delete" onClick={() => void deleteObject(objectId).then((ok) => ok && onDeleted())}>
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

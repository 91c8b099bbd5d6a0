/** Creator tab "World": the world's name, description, website and picture. */
import { useEffect, useState, type ReactElement } from "react";
import { ErrorState, Field, Spinner, useAsync } from "../../ui/common";
import { Icon } from "../../ui/icons";
import { useObjectUrl } from "../../ui/useObjectUrl";
import { getMedia } from "../../state/session";
import { loadWorldDetails, saveWorldProfile } from "../../world/creatorActions";

export function WorldProfile({ worldId }: { worldId: string }): ReactElement {
  const details = useAsync(() => loadWorldDetails(worldId), [worldId]);
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [link, setLink] = useState("");
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const picked = useObjectUrl(file);
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
    if (await saveWorldProfile(worldId, details.data, { name, description, link, picture: file })) details.reload();
    setBusy(false);
  };
  const avatar = (file ? picked : null) ?? getMedia().texture(details.data?.avatarHash, "s3");
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

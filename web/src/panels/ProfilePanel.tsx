/** Your profile: view and edit name, bio, location, link and picture; log out. */
import { useState, type ReactElement } from "react";
import { Field, Panel, UserAvatar } from "../ui/common";
import { Icon } from "../ui/icons";
import { describeError } from "../api/http";
import { getApi, getMedia, logOut, saveProfile, session } from "../state/session";
import { useStore } from "../lib/useStore";
import { shortAddress } from "../lib/wallet";
import { toast } from "../state/toasts";
import { safeHref } from "../lib/links";

export function ProfilePanel({ onClose }: { onClose: () => void }): ReactElement {
  const { user } = useStore(session);
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState({ name: "", bio: "", location: "", profileLink: "" });
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!user) return <Panel side="left" title="Profile" onClose={onClose}><div /></Panel>;
  const avatarUrl = file ? URL.createObjectURL(file) : getMedia().texture(user.profile?.avatarHash, "s3");
  const startEdit = (): void => {
    setDraft({
      name: user.name ?? "",
      bio: user.profile?.bio ?? "",
      location: user.profile?.location ?? "",
      profileLink: user.profile?.profileLink ?? "",
    });
    setEditing(true);
  };
  const save = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      const avatarHash = file ? (await getApi().uploadImage(file)).hash : undefined;
      await saveProfile({ ...draft, ...(avatarHash ? { avatarHash } : {}) });
      setEditing(false);
      setFile(null);
      toast("Profile saved", "success");
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Panel
      side="left"
      title="My profile"
      icon="user"
      onClose={onClose}
      testId="profile-panel"
      footer={
        <button className="btn btn-ghost wide" onClick={() => void logOut().then(() => toast("Signed out"))} data-testid="logout">
          <Icon name="logout" size={16} /> Log out
        </button>
      }
    >
      <div className="profile-head">
        <UserAvatar url={avatarUrl} name={user.name} size={72} />
        <div>
          <div className="title">{user.name || "Unnamed"}</div>
          {user.wallet ? <div className="muted mono">{shortAddress(user.wallet)}</div> : null}
          {user.createdAt ? <div className="muted small">Joined {new Date(user.createdAt).toLocaleDateString()}</div> : null}
        </div>
      </div>
      {editing ? (
        <div className="stack">
          <label className="btn btn-ghost">
            <Icon name="upload" size={16} /> {file ? file.name : "Upload a new picture"}
            <input type="file" accept="image/*" hidden onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
          </label>
          <Field label="Name">
            <input value={draft.name} maxLength={32} onChange={(e) => setDraft({ ...draft, name: e.target.value })} />
          </Field>
          <Field label="Bio">
            <textarea rows={3} value={draft.bio} onChange={(e) => setDraft({ ...draft, bio: e.target.value })} />
          </Field>
          <Field label="Location">
            <input value={draft.location} onChange={(e) => setDraft({ ...draft, location: e.target.value })} />
          </Field>
          <Field label="Link">
            <input value={draft.profileLink} placeholder="https://" onChange={(e) => setDraft({ ...draft, profileLink: e.target.value })} />
          </Field>
          {error ? <div className="form-error">{error}</div> : null}
          <div className="row">
            <button className="btn btn-ghost" onClick={() => setEditing(false)} disabled={busy}>Cancel</button>
            <button className="btn btn-primary grow" onClick={() => void save()} disabled={busy || draft.name.trim().length < 2}>
              {busy ? <span className="spinner" /> : <Icon name="check" size={16} />} Save
            </button>
          </div>
        </div>
      ) : (
        <div className="stack">
          <dl className="facts">
            <dt>Bio</dt>
            <dd>{user.profile?.bio || <span className="muted">No bio yet</span>}</dd>
            <dt>Location</dt>
            <dd>{user.profile?.location || <span className="muted">—</span>}</dd>
            <dt>Link</dt>
            <dd>
              {safeHref(user.profile?.profileLink) ? (
                <a href={safeHref(user.profile?.profileLink)} target="_blank" rel="noreferrer noopener">{user.profile?.profileLink}</a>
              ) : user.profile?.profileLink ? (
                <span>{user.profile.profileLink}</span>
              ) : (
                <span className="muted">—</span>
              )}
            </dd>
          </dl>
          <button className="btn btn-primary" onClick={startEdit} data-testid="edit-profile">
            <Icon name="pencil" size={16} /> Edit profile
          </button>
        </div>
      )}
    </Panel>
  );
}

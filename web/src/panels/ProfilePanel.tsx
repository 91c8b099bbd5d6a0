/** Your profile: view and edit name, bio, location, link and picture; log out. */
import { useState, type ReactElement } from "react";
import { Field, Panel, UserAvatar } from "../ui/common";
import { Icon } from "../ui/icons";
import { useObjectUrl } from "../ui/useObjectUrl";
import { describeError } from "../api/http";
import type { User } from "../api/types";
import { getApi, getMedia, logOut, saveProfile, session } from "../state/session";
import { useStore } from "../lib/useStore";
import { shortAddress } from "../lib/wallet";
import { toast } from "../state/toasts";
import { safeHref } from "../lib/links";

interface ProfileDraft {
  name: string;
  bio: string;
  location: string;
  profileLink: string;
}

export function ProfilePanel({ onClose }: { onClose: () => void }): ReactElement {
  const { user } = useStore(session);
  const [editing, setEditing] = useState(false);
  const [file, setFile] = useState<File | null>(null);
  const picked = useObjectUrl(file);
  if (!user) return <Panel side="left" title="Profile" onClose={onClose}><div /></Panel>;
  const avatarUrl = (file ? picked : null) ?? getMedia().texture(user.profile?.avatarHash, "s3");
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
        <ProfileEditor
          user={user}
          picture={file}
          setPicture={setFile}
          onDone={() => {
            setEditing(false);
            setFile(null);
          }}
          onCancel={() => setEditing(false)}
        />
      ) : (
        <ProfileFacts user={user} onEdit={() => setEditing(true)} />
      )}
    </Panel>
  );
}

function ProfileFacts({ user, onEdit }: { user: User; onEdit: () => void }): ReactElement {
  const link = user.profile?.profileLink;
  return (
    <div className="stack">
      <dl className="facts">
        <dt>Bio</dt>
        <dd>{user.profile?.bio || <span className="muted">No bio yet</span>}</dd>
        <dt>Location</dt>
        <dd>{user.profile?.location || <span className="muted">—</span>}</dd>
        <dt>Link</dt>
        <dd>
          {safeHref(link) ? (
            <a href={safeHref(link)} target="_blank" rel="noreferrer noopener">{link}</a>
          ) : link ? (
            <span>{link}</span>
          ) : (
            <span className="muted">—</span>
          )}
        </dd>
      </dl>
      <button className="btn btn-primary" onClick={onEdit} data-testid="edit-profile">
        <Icon name="pencil" size={16} /> Edit profile
      </button>
    </div>
  );
}

interface EditorProps {
  user: User;
  picture: File | null;
  setPicture: (file: File | null) => void;
  onDone: () => void;
  onCancel: () => void;
}

function ProfileEditor({ user, picture, setPicture, onDone, onCancel }: EditorProps): ReactElement {
  const [draft, setDraft] = useState<ProfileDraft>(() => ({
    name: user.name ?? "",
    bio: user.profile?.bio ?? "",
    location: user.profile?.location ?? "",
    profileLink: user.profile?.profileLink ?? "",
  }));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const save = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      const avatarHash = picture ? (await getApi().uploadImage(picture)).hash : undefined;
      await saveProfile({ ...draft, ...(avatarHash ? { avatarHash } : {}) });
      onDone();
      toast("Profile saved", "success");
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };
  const edit = (key: keyof ProfileDraft) => (e: { target: { value: string } }) => setDraft({ ...draft, [key]: e.target.value });
  return (
    <div className="stack">
      <label className="btn btn-ghost">
        <Icon name="upload" size={16} /> {picture ? picture.name : "Upload a new picture"}
        <input type="file" accept="image/*" hidden onChange={(e) => setPicture(e.target.files?.[0] ?? null)} />
      </label>
      <Field label="Name">
        <input value={draft.name} maxLength={32} onChange={edit("name")} />
      </Field>
      <Field label="Bio">
        <textarea rows={3} value={draft.bio} onChange={edit("bio")} />
      </Field>
      <Field label="Location">
        <input value={draft.location} onChange={edit("location")} />
      </Field>
      <Field label="Link">
        <input value={draft.profileLink} placeholder="https://" onChange={edit("profileLink")} />
      </Field>
      {error ? <div className="form-error">{error}</div> : null}
      <div className="row">
        <button className="btn btn-ghost" onClick={onCancel} disabled={busy}>Cancel</button>
        <button className="btn btn-primary grow" onClick={() => void save()} disabled={busy || draft.name.trim().length < 2}>
          {busy ? <span className="spinner" /> : <Icon name="check" size={16} />} Save
        </button>
      </div>
    </div>
  );
}

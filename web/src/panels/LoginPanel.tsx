/** Sign in with a wallet (any EIP-1193 provider, Polkadot extensions), then the sign-up step. */
import { useState, type ReactElement } from "react";
import { Field, Panel, UserAvatar } from "../ui/common";
import { Icon } from "../ui/icons";
import { describeError } from "../api/http";
import {
  ethereumProvider,
  getApi,
  needsSignUp,
  polkadotExtensions,
  saveProfile,
  session,
  signInWithEthereum,
  signInWithPolkadot,
} from "../state/session";
import { useStore } from "../lib/useStore";
import { toast } from "../state/toasts";

export function LoginPanel({ onClose }: { onClose: () => void }): ReactElement {
  const { user } = useStore(session);
  if (needsSignUp(user)) return <SignUpPanel onClose={onClose} />;
  return <ConnectPanel onClose={onClose} />;
}

function ConnectPanel({ onClose }: { onClose: () => void }): ReactElement {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const eth = ethereumProvider();
  const dots = polkadotExtensions();
  const run = async (key: string, fn: () => Promise<unknown>): Promise<void> => {
    setBusy(key);
    setError(null);
    try {
      await fn();
      if (!needsSignUp(session.get().user)) {
        toast("Signed in. Welcome back!", "success");
        onClose();
      }
    } catch (e) {
      const code = (e as { code?: number }).code;
      setError(code === 4001 ? "The request was rejected in the wallet." : describeError(e));
    } finally {
      setBusy(null);
    }
  };
  const ethName = eth?.isMetaMask ? "MetaMask" : eth?.isCoinbaseWallet ? "Coinbase Wallet" : "Browser wallet";
  return (
    <Panel side="left" title="Connect as member" icon="wallet" onClose={onClose} testId="login-panel">
      <p className="muted">
        Guests can explore and fly. Connect a wallet to build worlds, keep a profile and be recognised by others.
        You will be asked to sign a one-time message; no transaction is made.
      </p>
      <div className="stack">
        <button
          className="wallet-btn"
          disabled={!eth || busy !== null}
          onClick={() => eth && void run("eth", () => signInWithEthereum(eth))}
          data-testid="connect-ethereum"
        >
          <Icon name="wallet" />
          <span className="grow">
            <strong>{ethName}</strong>
            <small>{eth ? "Ethereum account (EIP-1193)" : "No Ethereum wallet extension found"}</small>
          </span>
          {busy === "eth" ? <span className="spinner" /> : null}
        </button>
        {dots.length === 0 ? (
          <div className="wallet-btn disabled" aria-disabled>
            <Icon name="wallet" />
            <span className="grow">
              <strong>Polkadot{"{.js}"} / Talisman</strong>
              <small>No Polkadot extension found</small>
            </span>
          </div>
        ) : (
          dots.map((name) => (
            <button
              key={name}
              className="wallet-btn"
              disabled={busy !== null}
              onClick={() => void run(name, () => signInWithPolkadot(name))}
            >
              <Icon name="wallet" />
              <span className="grow">
                <strong>{name}</strong>
                <small>Polkadot account</small>
              </span>
              {busy === name ? <span className="spinner" /> : null}
            </button>
          ))
        )}
      </div>
      {error ? (
        <div className="form-error" role="alert">
          {error}
        </div>
      ) : null}
    </Panel>
  );
}

export function SignUpPanel({ onClose }: { onClose: () => void }): ReactElement {
  const [name, setName] = useState("");
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const preview = file ? URL.createObjectURL(file) : null;
  const valid = name.trim().length >= 2 && name.trim().length <= 32;
  const submit = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      let avatarHash: string | undefined;
      if (file) avatarHash = (await getApi().uploadImage(file)).hash;
      await saveProfile({ name: name.trim(), ...(avatarHash ? { avatarHash } : {}) });
      toast(`Welcome, ${name.trim()}!`, "success");
      onClose();
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Panel side="left" title="Create your profile" icon="user" onClose={onClose} testId="signup-panel">
      <p className="muted">One last step: choose the name and picture others will see.</p>
      <div className="avatar-pick">
        <UserAvatar url={preview} name={name || "?"} size={72} />
        <label className="btn btn-ghost">
          <Icon name="upload" size={16} /> {file ? "Change picture" : "Choose a picture"}
          <input type="file" accept="image/*" hidden onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        </label>
      </div>
      <Field label="Name" hint="2 to 32 characters">
        <input value={name} maxLength={32} onChange={(e) => setName(e.target.value)} placeholder="Your name" data-testid="signup-name" />
      </Field>
      {error ? <div className="form-error">{error}</div> : null}
      <button className="btn btn-primary wide" disabled={!valid || busy} onClick={() => void submit()} data-testid="signup-submit">
        {busy ? <span className="spinner" /> : <Icon name="check" size={16} />} Continue
      </button>
    </Panel>
  );
}

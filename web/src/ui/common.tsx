/** Shared building blocks: panels, buttons, avatars, empty/loading/error states, toasts. */
import { useEffect, useState, type ReactElement, type ReactNode } from "react";
import { Icon, type IconName } from "./icons";
import { toasts, dismissToast } from "../state/toasts";
import { useStore } from "../lib/useStore";
import { describeError } from "../api/http";

export function Panel(props: {
  title: ReactNode;
  icon?: IconName;
  onClose?: () => void;
  side: "left" | "right" | "center";
  children: ReactNode;
  footer?: ReactNode;
  testId?: string;
  wide?: boolean;
}): ReactElement {
  return (
    <section className={`panel panel-${props.side}${props.wide ? " panel-wide" : ""}`} data-testid={props.testId} aria-label={typeof props.title === "string" ? props.title : undefined}>
      <header className="panel-head">
        {props.icon ? <Icon name={props.icon} /> : null}
        <h2>{props.title}</h2>
        {props.onClose ? (
          <button className="icon-btn" onClick={props.onClose} aria-label="Close">
            <Icon name="close" size={18} />
          </button>
        ) : null}
      </header>
      <div className="panel-body">{props.children}</div>
      {props.footer ? <footer className="panel-foot">{props.footer}</footer> : null}
    </section>
  );
}

export function Spinner({ label = "Loading…" }: { label?: string }): ReactElement {
  return (
    <div className="state state-loading" role="status">
      <span className="spinner" />
      <span>{label}</span>
    </div>
  );
}

export function Empty({ icon = "info", children }: { icon?: IconName; children: ReactNode }): ReactElement {
  return (
    <div className="state state-empty">
      <Icon name={icon} size={28} />
      <div>{children}</div>
    </div>
  );
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }): ReactElement {
  return (
    <div className="state state-error" role="alert">
      <div>{describeError(error)}</div>
      {onRetry ? (
        <button className="btn btn-ghost" onClick={onRetry}>
          <Icon name="refresh" size={16} /> Try again
        </button>
      ) : null}
    </div>
  );
}

export function UserAvatar({ url, name, size = 36 }: { url: string | null; name: string; size?: number }): ReactElement {
  const [failed, setFailed] = useState(false);
  const initials = (name || "?")
    .split(/[\s_]+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w[0]?.toUpperCase())
    .join("");
  return (
    <span className="avatar" style={{ width: size, height: size, fontSize: size * 0.38 }} title={name}>
      {url && !failed ? <img src={url} alt="" onError={() => setFailed(true)} /> : <span>{initials || "?"}</span>}
    </span>
  );
}

export function Toasts(): ReactElement {
  const { items } = useStore(toasts);
  return (
    <div className="toasts" aria-live="polite">
      {items.map((t) => (
        <div key={t.id} className={`toast toast-${t.kind}`} data-testid="toast">
          <span>{t.text}</span>
          {t.action ? (
            <button
              className="btn btn-small"
              onClick={() => {
                t.action?.run();
                dismissToast(t.id);
              }}
            >
              {t.action.label}
            </button>
          ) : null}
          <button className="icon-btn" aria-label="Dismiss" onClick={() => dismissToast(t.id)}>
            <Icon name="close" size={14} />
          </button>
        </div>
      ))}
    </div>
  );
}

/** Load something async with loading / error / data states. */
export function useAsync<T>(load: () => Promise<T>, deps: unknown[]): {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
} {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({
    data: undefined,
    error: null,
    loading: true,
  });
  const [nonce, setNonce] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true, error: null }));
    load().then(
      (data) => live && setState({ data, error: null, loading: false }),
      (error: unknown) => live && setState({ data: undefined, error, loading: false }),
    );
    return () => {
      live = false;
    };
    // The caller's `deps` stand for what `load` reads (like useCallback's); the rule cannot see
    // through a spread array, so it is told here.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, nonce]);
  return { ...state, reload: () => setNonce((n) => n + 1) };
}

export function MenuButton(props: {
  icon: IconName;
  label: string;
  active?: boolean;
  onClick: () => void;
  testId?: string;
  accent?: boolean;
}): ReactElement {
  return (
    <button
      className={`menu-btn${props.active ? " active" : ""}${props.accent ? " accent" : ""}`}
      onClick={props.onClick}
      aria-pressed={props.active}
      data-testid={props.testId}
      title={props.label}
    >
      <Icon name={props.icon} size={22} />
      <span>{props.label}</span>
    </button>
  );
}

export function Field(props: { label: string; children: ReactNode; hint?: ReactNode }): ReactElement {
  return (
    <label className="field">
      <span className="field-label">{props.label}</span>
      {props.children}
      {props.hint ? <span className="field-hint">{props.hint}</span> : null}
    </label>
  );
}

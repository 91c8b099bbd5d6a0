/** App shell: boot, system screens, routes, and the layers every page shares. */
import { useEffect, type ReactElement } from "react";
import { BrowserRouter, Navigate, Route, Routes } from "react-router";
import { boot, session } from "./state/session";
import { useStore } from "./lib/useStore";
import { Toasts } from "./ui/common";
import { Icon } from "./ui/icons";
import { Logo } from "./ui/Logo";
import { ExplorePage } from "./pages/ExplorePage";
import { WorldPage } from "./pages/WorldPage";
import { installTestHooks } from "./testHooks";

function useConnectivity(): void {
  useEffect(() => {
    const update = (): void => session.patch({ online: navigator.onLine });
    window.addEventListener("online", update);
    window.addEventListener("offline", update);
    return () => {
      window.removeEventListener("online", update);
      window.removeEventListener("offline", update);
    };
  }, []);
}

export function App(): ReactElement {
  const state = useStore(session);
  useConnectivity();
  useEffect(() => {
    installTestHooks();
    void boot();
  }, []);

  if (state.phase === "booting") {
    return (
      <div className="system-screen" data-testid="boot">
        <div className="brand-mark" aria-hidden>
          <Logo />
        </div>
        <div className="system-title">Odyssey</div>
        <div className="state state-loading">
          <span className="spinner" /> Connecting to this node…
        </div>
      </div>
    );
  }
  if (state.phase === "error") {
    return (
      <div className="system-screen" data-testid="boot-error" role="alert">
        <div className="brand-mark" aria-hidden>
          <Icon name={state.online ? "info" : "wifiOff"} size={40} />
        </div>
        <div className="system-title">{state.online ? "This node is not available" : "You are offline"}</div>
        <p className="system-text">{state.error}</p>
        <button className="btn btn-primary" onClick={() => void boot()}>
          <Icon name="refresh" size={16} /> Try again
        </button>
      </div>
    );
  }
  return (
    <BrowserRouter>
      {!state.online ? (
        <div className="banner banner-offline" role="status" data-testid="offline-banner">
          <Icon name="wifiOff" size={16} /> You are offline. Changes will resume when the connection is back.
        </div>
      ) : null}
      <Routes>
        <Route path="/" element={<ExplorePage />} />
        <Route path="/explore" element={<ExplorePage />} />
        <Route path="/odyssey/:worldId" element={<WorldPage />} />
        <Route path="*" element={<Navigate to="/" replace />} />
      </Routes>
      <Toasts />
    </BrowserRouter>
  );
}

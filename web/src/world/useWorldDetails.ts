/** The details of the world being visited (name, picture, is_admin); unknown worlds go back to Explore. */
import { useEffect, useState } from "react";
import { useNavigate } from "react-router";
import { ApiError, describeError } from "../api/http";
import type { WorldDetails } from "../api/types";
import { isUuid } from "../lib/ids";
import { useStore } from "../lib/useStore";
import { getApi, session } from "../state/session";
import { toast } from "../state/toasts";

export function useWorldDetails(worldId: string): WorldDetails | null {
  const navigate = useNavigate();
  const { tokenVersion } = useStore(session);
  const [details, setDetails] = useState<WorldDetails | null>(null);
  // Signing in (a new token) asks again: is_admin depends on who asks.
  useEffect(() => {
    if (!isUuid(worldId)) {
      toast("This world does not exist.", "error");
      void navigate("/explore", { replace: true });
      return;
    }
    let live = true;
    getApi()
      .world(worldId)
      .then(
        (d) => {
          if (!live) return;
          setDetails(d);
          document.title = `${d.name || "World"} · Odyssey`;
        },
        (e: unknown) => {
          if (!live) return;
          if (e instanceof ApiError && e.status === 404) {
            toast("This world does not exist.", "error");
            void navigate("/explore", { replace: true });
          } else toast(describeError(e), "error");
        },
      );
    return () => {
      live = false;
    };
  }, [worldId, navigate, tokenVersion]);
  return details;
}

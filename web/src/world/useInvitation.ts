/** An invitation into another world: shown until the person accepts (our own teleport) or declines. */
import { useCallback, useState } from "react";
import { useNavigate } from "react-router";
import { getApi } from "../state/session";

export interface PendingInvitation {
  inviterName: string;
  worldId: string;
  /** Filled in once the world's details arrive. */
  worldName: string | null;
}

export interface Invitation {
  pending: PendingInvitation | null;
  /** Show an invitation; the world's name follows when its details arrive. */
  receive(worldId: string, inviterName: string): void;
  /** Accepting is our own teleport: the world page of the other world connects and enters it. */
  accept(): void;
  decline(): void;
}

export function useInvitation(): Invitation {
  const navigate = useNavigate();
  const [pending, setPending] = useState<PendingInvitation | null>(null);
  const receive = useCallback((worldId: string, inviterName: string): void => {
    setPending({ inviterName, worldId, worldName: null });
    getApi()
      .world(worldId)
      .then(
        (d) => setPending((cur) => (cur?.worldId === worldId ? { ...cur, worldName: d.name ?? null } : cur)),
        () => undefined,
      );
  }, []);
  const decline = useCallback(() => setPending(null), []);
  const accept = (): void => {
    const to = pending?.worldId;
    setPending(null);
    if (to) void navigate(`/odyssey/${to}`);
  };
  return { pending, receive, accept, decline };
}

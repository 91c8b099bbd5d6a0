/** An invitation into another world (posbus `fly_to_me`): the user chooses, nothing moves them. */
import { useEffect, useRef, type ReactElement } from "react";
import { Icon } from "../ui/icons";
import type { PendingInvitation } from "../world/useInvitation";

export function invitationText(invitation: PendingInvitation): string {
  const who = invitation.inviterName.trim() || "Someone";
  return `${who} invites you to ${invitation.worldName?.trim() || "another world"}.`;
}

export function InvitationDialog({
  invitation,
  onAccept,
  onDecline,
}: {
  invitation: PendingInvitation;
  onAccept: () => void;
  onDecline: () => void;
}): ReactElement {
  const accept = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    accept.current?.focus();
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === "Escape") onDecline();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [invitation.worldId, onDecline]);
  return (
    <div className="invitation" role="alertdialog" aria-labelledby="invitation-title" aria-describedby="invitation-text" data-testid="invitation">
      <div className="controls-title" id="invitation-title">
        <Icon name="globe" /> Invitation
      </div>
      <p id="invitation-text">{invitationText(invitation)}</p>
      <div className="invitation-actions">
        <button className="btn btn-ghost" onClick={onDecline} data-testid="invitation-decline">
          Decline
        </button>
        <button ref={accept} className="btn btn-primary" onClick={onAccept} data-testid="invitation-accept">
          Accept
        </button>
      </div>
    </div>
  );
}

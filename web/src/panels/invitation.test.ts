import { describe, expect, it } from "vitest";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { InvitationDialog, invitationText } from "./Invitation";

const noop = (): void => undefined;

describe("InvitationDialog", () => {
  it("names the inviter and the world, with Accept and Decline", () => {
    const html = renderToStaticMarkup(
      createElement(InvitationDialog, {
        invitation: { inviterName: "Ada", worldId: "w", worldName: "Moon base" },
        onAccept: noop,
        onDecline: noop,
      }),
    );
    expect(html).toContain('role="alertdialog"');
    expect(html).toContain('aria-labelledby="invitation-title"');
    expect(html).toContain('aria-describedby="invitation-text"');
    expect(html).toContain("Ada invites you to Moon base.");
    expect(html).toMatch(/<button[^>]*data-testid="invitation-decline"[^>]*>Decline<\/button>/);
    expect(html).toMatch(/<button[^>]*data-testid="invitation-accept"[^>]*>Accept<\/button>/);
  });

  it("has words before the world's details arrive", () => {
    expect(invitationText({ inviterName: " ", worldId: "w", worldName: null })).toBe("Someone invites you to another world.");
  });
});

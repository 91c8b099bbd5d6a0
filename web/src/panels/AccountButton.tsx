/** The bottom menu's account button: your profile once you are a member, else "Connect". */
import type { ReactElement } from "react";
import { MenuButton, UserAvatar } from "../ui/common";
import type { User } from "../api/types";
import { getMedia } from "../state/session";

export function AccountButton({ user, member, active, onClick }: { user: User | null; member: boolean; active: boolean; onClick: () => void }): ReactElement {
  if (!member) return <MenuButton icon="wallet" label="Connect" accent active={active} onClick={onClick} testId="menu-connect" />;
  return (
    <button className={`menu-btn${active ? " active" : ""}`} onClick={onClick} data-testid="menu-profile" title="My profile">
      <UserAvatar url={getMedia().texture(user?.profile?.avatarHash, "s3")} name={user?.name ?? ""} size={24} />
      <span>{user?.name}</span>
    </button>
  );
}

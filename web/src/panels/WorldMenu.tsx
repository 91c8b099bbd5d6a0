/** The bottom menu of a world. */
import type { ReactElement } from "react";
import { MenuButton } from "../ui/common";
import type { User } from "../api/types";
import { AccountButton } from "./AccountButton";

/** The panel open on the left of a world. */
export type WorldLeftPanel = "account" | "visitors" | null;

interface WorldMenuProps {
  user: User | null;
  member: boolean;
  canBuild: boolean;
  people: number;
  left: WorldLeftPanel;
  toggleLeft: (panel: Exclude<WorldLeftPanel, null>) => void;
  creator: boolean;
  toggleCreator: () => void;
  controls: boolean;
  toggleControls: () => void;
  onExplore: () => void;
}

export function WorldMenu(props: WorldMenuProps): ReactElement {
  const { left, toggleLeft } = props;
  return (
    <nav className="bottom-menu" aria-label="World menu">
      <MenuButton icon="compass" label="Explore" onClick={props.onExplore} testId="menu-explore" />
      <AccountButton user={props.user} member={props.member} active={left === "account"} onClick={() => toggleLeft("account")} />
      <MenuButton icon="users" label={`People · ${props.people}`} active={left === "visitors"} onClick={() => toggleLeft("visitors")} testId="menu-visitors" />
      {props.canBuild ? <MenuButton icon="pencil" label="Creator" active={props.creator} onClick={props.toggleCreator} testId="menu-creator" /> : null}
      <MenuButton icon="keyboard" label="Controls" active={props.controls} onClick={props.toggleControls} testId="menu-controls" />
    </nav>
  );
}

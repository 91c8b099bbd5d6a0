/** Creator mode: asset library and uploads, inspector, skybox, world profile, co-creators. */
import type { ReactElement } from "react";
import { Panel } from "../../ui/common";
import { Icon, type IconName } from "../../ui/icons";
import type { WorldScene } from "../../scene/WorldScene";
import type { WorldSession } from "../../state/worldSession";
import { AddObject } from "./AddObject";
import { CoCreators } from "./CoCreators";
import { Inspector } from "./Inspector";
import { Skyboxes } from "./Skyboxes";
import { WorldProfile } from "./WorldProfile";

export type CreatorTab = "add" | "inspector" | "skybox" | "world" | "members";

interface CreatorProps {
  world: WorldSession;
  scene: WorldScene;
  tab: CreatorTab;
  setTab: (t: CreatorTab) => void;
  onClose: () => void;
  userNames: (id: string) => string;
}

const TABS: { id: CreatorTab; icon: IconName; label: string }[] = [
  { id: "add", icon: "plus", label: "Add object" },
  { id: "inspector", icon: "cube", label: "Inspector" },
  { id: "skybox", icon: "sky", label: "Skybox" },
  { id: "world", icon: "globe", label: "World" },
  { id: "members", icon: "users", label: "Co-creators" },
];

export function CreatorPanel({ world, scene, tab, setTab, onClose, userNames }: CreatorProps): ReactElement {
  return (
    <Panel side="right" title="Creator" icon="pencil" onClose={onClose} testId="creator-panel" wide>
      <div className="creator-tabs" role="tablist">
        {TABS.map((t) => (
          <button key={t.id} role="tab" aria-selected={tab === t.id} className={tab === t.id ? "active" : ""} onClick={() => setTab(t.id)} data-testid={`creator-tab-${t.id}`} title={t.label}>
            <Icon name={t.icon} size={18} />
            <span>{t.label}</span>
          </button>
        ))}
      </div>
      {tab === "add" ? <AddObject scene={scene} /> : null}
      {tab === "inspector" ? <Inspector world={world} scene={scene} userNames={userNames} /> : null}
      {tab === "skybox" ? <Skyboxes world={world} scene={scene} /> : null}
      {tab === "world" ? <WorldProfile worldId={world.worldId} /> : null}
      {tab === "members" ? <CoCreators worldId={world.worldId} /> : null}
    </Panel>
  );
}

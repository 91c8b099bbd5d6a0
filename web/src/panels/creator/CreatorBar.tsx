/** The sub-menu above the bottom menu in creator mode: place the previewed asset, or act on the selection. */
import type { ReactElement } from "react";
import { Icon } from "../../ui/icons";
import type { WorldScene } from "../../scene/WorldScene";
import type { WorldSession } from "../../state/worldSession";
import { placeObject, placingName } from "../../world/creatorActions";

export function PlacementBar({ world, scene, assetId }: { world: WorldSession; scene: WorldScene; assetId: string }): ReactElement {
  return (
    <div className="sub-menu" data-testid="placement-bar">
      <span>Fly to the right spot, then place the object.</span>
      <button className="btn btn-ghost" onClick={() => scene.cancelPlacement()}>Cancel</button>
      <button className="btn btn-primary" data-testid="place-object" onClick={() => void placeObject(world, scene, placingName(assetId))}>
        <Icon name="check" size={16} /> Place here
      </button>
    </div>
  );
}

export function SelectionBar({ onClear, onInspect }: { onClear: () => void; onInspect: () => void }): ReactElement {
  return (
    <div className="sub-menu">
      <button className="btn btn-ghost" onClick={onClear} data-testid="clear-selection">
        <Icon name="close" size={16} /> Clear selection
      </button>
      <button className="btn btn-ghost" onClick={onInspect}>
        <Icon name="cube" size={16} /> Inspector
      </button>
    </div>
  );
}

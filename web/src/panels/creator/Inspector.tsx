/** Creator tab "Inspector": the selected object, its lock, gizmo mode, transform and look. */
import { useEffect, useState, type ReactElement } from "react";
import { Empty } from "../../ui/common";
import { Icon } from "../../ui/icons";
import { useStore } from "../../lib/useStore";
import type { GizmoMode } from "../../scene/selection";
import type { WorldScene } from "../../scene/WorldScene";
import type { WorldSession } from "../../state/worldSession";
import { duplicateObject, moveObject } from "../../world/creatorActions";
import { ColourPicker, DeleteButton, ImagePicker, NameField } from "./ObjectFields";
import { TransformFields } from "./TransformFields";

interface InspectorProps {
  world: WorldSession;
  scene: WorldScene;
  userNames: (id: string) => string;
}

export function Inspector({ world, scene, userNames }: InspectorProps): ReactElement {
  const view = useStore(world.view);
  const id = view.selectedId;
  // The object itself is read from the model: follow every change of the world.
  const [, setTick] = useState(0);
  useEffect(() => world.onChanges(() => setTick((n) => n + 1)), [world]);
  const object = id ? world.object(id) : undefined;
  const [mode, setMode] = useState<GizmoMode>("move");
  if (!id || !object) return <Empty icon="cube">Click an object in the world to select it.</Empty>;
  const lockedByOther = object.lockOwner && object.lockOwner !== world.userId;
  const chooseMode = (m: GizmoMode): void => {
    setMode(m);
    scene.setGizmoMode(m);
  };
  return (
    <div className="stack" data-testid="inspector" key={id}>
      <NameField objectId={id} name={object.name} />
      <div className="lock-line">
        <Icon name="lock" size={14} />{" "}
        {object.lockOwner === world.userId ? "You are editing this object" : lockedByOther ? `Locked by ${userNames(object.lockOwner ?? "")}` : "Not locked"}
      </div>
      <div className="segmented">
        {(["move", "rotate", "scale"] as const).map((m) => (
          <button key={m} className={mode === m ? "active" : ""} onClick={() => chooseMode(m)} data-testid={`gizmo-${m}`}>
            <Icon name={m} size={14} /> {m[0]?.toUpperCase() + m.slice(1)}
          </button>
        ))}
      </div>
      <TransformFields transform={object.transform} onChange={(t) => moveObject(world, scene, id, t)} />
      <h4>Colour</h4>
      <ColourPicker objectId={id} value={object.color} />
      <h4>Image</h4>
      <ImagePicker objectId={id} hash={object.texture} />
      <div className="row">
        <button className="btn btn-ghost grow" data-testid="duplicate-object" onClick={() => void duplicateObject(id)}>
          <Icon name="copy" size={16} /> Duplicate
        </button>
        <DeleteButton objectId={id} name={object.name} onDeleted={() => world.select(null)} />
      </div>
    </div>
  );
}

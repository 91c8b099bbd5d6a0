/**
 * Clicking objects: outside creator mode a click shows the object's content; in creator mode it
 * selects the object for editing, which takes the object's edit lock first. Leaving creator mode
 * releases the selection.
 */
import { useCallback, useEffect } from "react";
import type { WorldScene } from "../scene/WorldScene";
import { toast } from "../state/toasts";
import type { WorldSession } from "../state/worldSession";

/** Returns what a click on an object (or on nothing: null) does; `onSelected` follows a selection. */
export function useObjectSelection(
  world: WorldSession | null,
  scene: WorldScene | null,
  creator: boolean,
  onSelected: () => void,
): (objectId: string | null) => Promise<void> {
  useEffect(() => {
    if (creator || !world || !scene) return;
    const selected = world.view.get().selectedId;
    if (selected) world.unlock(selected);
    world.select(null);
    scene.select(null);
    scene.cancelPlacement();
  }, [creator, world, scene]);

  return useCallback(
    async (id: string | null): Promise<void> => {
      if (!world || !scene) return;
      if (!creator) {
        world.inspect(id);
        return;
      }
      const previous = world.view.get().selectedId;
      if (previous && previous !== id) {
        world.unlock(previous);
        scene.select(null);
        world.select(null);
      }
      if (!id || id === previous) return;
      const owner = await world.lock(id);
      if (owner === world.userId) {
        scene.select(id);
        world.select(id);
        onSelected();
      } else if (owner) {
        const holder = world.model.users.get(owner)?.name ?? "another creator";
        toast(`Locked: ${holder} is editing this object.`, "error");
      } else toast("The object could not be locked. Try again.", "error");
    },
    [world, scene, creator, onSelected],
  );
}

/** What a visitor does to others in a world. */
import type { WorldScene } from "../scene/WorldScene";
import { toast } from "../state/toasts";
import type { WorldUser } from "../state/worldModel";
import type { WorldSession } from "../state/worldSession";

/** Fly to someone and high-five them. */
export async function sendHighFive(world: WorldSession, scene: WorldScene, target: WorldUser): Promise<void> {
  const p = scene.avatars.position(target.id);
  if (p) await scene.flyTo(p.clone(), 3, 1200);
  if (world.highFive(target.id)) toast(`High five sent to ${target.name}`, "success");
  else toast("Not connected: the high five was not sent.", "error");
}

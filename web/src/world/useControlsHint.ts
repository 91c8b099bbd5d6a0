/** The controls help: shown until the person closes it once (remembered in localStorage). */
import { useState } from "react";

const CONTROLS_SEEN = "odyssey.controlsSeen";

export function useControlsHint(): { shown: boolean; toggle: () => void; close: () => void } {
  const [shown, setShown] = useState(() => {
    try {
      return localStorage.getItem(CONTROLS_SEEN) !== "1";
    } catch {
      return true;
    }
  });
  const close = (): void => {
    setShown(false);
    try {
      localStorage.setItem(CONTROLS_SEEN, "1");
    } catch {
      /* private mode: the hint comes back next time */
    }
  };
  return { shown, toggle: () => setShown(!shown), close };
}

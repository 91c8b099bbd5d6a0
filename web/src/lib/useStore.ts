import { useSyncExternalStore } from "react";
import type { Store } from "./store";

/** Subscribe a component to a store (optionally to one derived value of it). */
export function useStore<T, R = T>(store: Store<T & object>, select?: (state: T) => R): R {
  return useSyncExternalStore(
    store.subscribe,
    () => (select ? select(store.get()) : (store.get() as unknown as R)),
  );
}

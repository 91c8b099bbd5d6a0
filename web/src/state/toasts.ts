/** Toast notifications. */
import { createStore } from "../lib/store";

export interface Toast {
  id: number;
  text: string;
  kind: "info" | "success" | "error";
  action?: { label: string; run: () => void };
  ttl: number;
}

export const toasts = createStore<{ items: Toast[] }>({ items: [] });
let nextId = 1;

export function toast(text: string, kind: Toast["kind"] = "info", action?: Toast["action"], ttl = 4500): number {
  const id = nextId++;
  toasts.set((s) => ({ items: [...s.items.slice(-4), { id, text, kind, action, ttl }] }));
  if (ttl > 0) setTimeout(() => dismissToast(id), ttl);
  return id;
}

export function dismissToast(id: number): void {
  toasts.set((s) => ({ items: s.items.filter((t) => t.id !== id) }));
}

import { createContext, useContext, type ReactNode } from "react";
import { useStore } from "zustand";
import type { DesignerState, DesignerStore } from "./store";

const DesignerStoreContext = createContext<DesignerStore | null>(null);

/** Provides one designer store (xyflow's pattern: a store per canvas, made by a factory). */
export function DesignerStoreProvider({ store, children }: { store: DesignerStore; children: ReactNode }) {
  return <DesignerStoreContext.Provider value={store}>{children}</DesignerStoreContext.Provider>;
}

export function useDesignerStore(): DesignerStore {
  const store = useContext(DesignerStoreContext);
  if (!store) throw new Error("useDesigner must be used inside <DesignerStoreProvider>.");
  return store;
}

export function useDesigner<T>(selector: (state: DesignerState) => T): T {
  return useStore(useDesignerStore(), selector);
}

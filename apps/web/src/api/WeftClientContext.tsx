import { createWeftClient, type WeftClient } from "@weft/client";
import { createContext, useContext, type ReactNode } from "react";

const WeftClientContext = createContext<WeftClient | null>(null);

/** The API client for the app; tests pass one built on a fake fetch. */
export function WeftClientProvider({ client, children }: { client?: WeftClient; children: ReactNode }) {
  return <WeftClientContext.Provider value={client ?? defaultClient()}>{children}</WeftClientContext.Provider>;
}

let shared: WeftClient | undefined;
function defaultClient(): WeftClient {
  shared ??= createWeftClient();
  return shared;
}

export function useWeftClient(): WeftClient {
  const client = useContext(WeftClientContext);
  if (!client) throw new Error("useWeftClient must be used inside <WeftClientProvider>.");
  return client;
}

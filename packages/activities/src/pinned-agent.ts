import type { LookupAddress, LookupOptions } from "node:dns";
import type { LookupFunction } from "node:net";
import type { Agent } from "undici";
import { loadUndici } from "./undici.js";

export interface ResolvedAddress {
  address: string;
  family: number;
}

export interface PinnedAgentOptions {
  /** The host name of the URL, without brackets: the only name this agent connects to. */
  host: string;
  /** The addresses that were checked; the connection goes to one of them and nowhere else. */
  addresses: readonly ResolvedAddress[];
  /** Extra trust roots for https (tests); the system's roots otherwise. */
  ca?: string | undefined;
}

/**
 * An undici dispatcher that connects to `addresses` only, whatever a name server
 * would answer by the time the socket opens (the socket's own lookup is replaced, so a
 * rebinding name server is never asked twice). TLS still gets the host NAME as SNI and
 * verifies the certificate against it: undici takes both from the URL, not from the
 * address. One agent serves one hop of one request, so a pooled connection can never
 * carry a request to an address that was not checked for it.
 */
export async function createPinnedAgent(options: PinnedAgentOptions): Promise<Agent> {
  const { Agent } = await loadUndici();
  return new Agent({
    connect: {
      lookup: pinnedLookup(options.host, options.addresses),
      ...(options.ca === undefined ? {} : { ca: options.ca }),
    },
  });
}

function pinnedLookup(host: string, addresses: readonly ResolvedAddress[]): LookupFunction {
  return (hostname: string, lookupOptions: LookupOptions, callback) => {
    const wanted = lookupOptions.family === 4 || lookupOptions.family === 6 ? lookupOptions.family : 0;
    const candidates: LookupAddress[] = addresses
      .filter((entry) => wanted === 0 || entry.family === wanted)
      .map(({ address, family }) => ({ address, family }));
    const first = candidates[0];
    if (hostname !== host || first === undefined) {
      // Never reached through http.request (the agent is made for the URL's host); a
      // refusal here keeps the agent from ever resolving a name by itself.
      const error: NodeJS.ErrnoException = new Error(
        `no checked address for '${hostname}'${hostname === host ? ` in IPv${wanted}` : ` (this connection is pinned to '${host}')`}`,
      );
      error.code = "ENOTFOUND";
      callback(error, "", 0);
      return;
    }
    if (lookupOptions.all === true) callback(null, candidates);
    else callback(null, first.address, first.family);
  };
}

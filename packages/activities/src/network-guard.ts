import { isIP } from "node:net";
import ipaddr from "ipaddr.js";
import { IPV4_SPECIAL_RANGES, IPV6_EMBEDDING_RANGES, IPV6_SPECIAL_RANGES } from "./special-purpose-ranges.js";
import type { BlockedAddressKind, EmbeddingRange, SpecialRange } from "./special-purpose-ranges.js";

export type { BlockedAddressKind } from "./special-purpose-ranges.js";

/** Why `http.request` refuses an address by default, with the range that holds it. */
export interface BlockedAddress {
  readonly kind: BlockedAddressKind;
  /** The most specific special-purpose range that holds the address, e.g. "198.18.0.0/15". */
  readonly range: string;
  /** That range's name in its IANA registry, e.g. "Benchmarking". */
  readonly name: string;
  /** Set when an IPv6 address was judged by the IPv4 address it carries (IPv4-mapped, NAT64, 6to4…). */
  readonly embedded?: { readonly ipv4: string; readonly range: string; readonly name: string };
}

type Parsed<T> = T & { readonly network: [ipaddr.IPv4 | ipaddr.IPv6, number] };
const parseAll = <T extends { cidr: string }>(ranges: readonly T[]): Parsed<T>[] =>
  ranges.map((range) => ({ ...range, network: ipaddr.parseCIDR(range.cidr) }));

const IPV4 = parseAll(IPV4_SPECIAL_RANGES);
const IPV6 = parseAll(IPV6_SPECIAL_RANGES);
const IPV6_EMBEDDING = parseAll(IPV6_EMBEDDING_RANGES);

/**
 * Says why `address` (an IPv4 or IPv6 literal, brackets and zone allowed) must not be
 * fetched by default, or `undefined` if it is a public address. Every IANA
 * special-purpose range is refused (see `special-purpose-ranges.ts`); an IPv6 address
 * that carries an IPv4 one is judged by the IPv4 address.
 *
 * @example
 * classifyAddress("198.18.0.1"); // { kind: "benchmarking", range: "198.18.0.0/15", name: "Benchmarking" }
 * classifyAddress("8.8.8.8"); // undefined
 */
export function classifyAddress(address: string): BlockedAddress | undefined {
  const bare = address.startsWith("[") && address.endsWith("]") ? address.slice(1, -1) : address;
  // Node's own parser decides what is an address (as the connection will); ipaddr.js
  // also reads forms the socket layer does not ("127.1", "0x7f.0.0.1").
  const version = isIP(bare);
  // Not an IP literal: refuse rather than guess (the caller passes resolved addresses).
  if (version === 0) return { kind: "unspecified", range: bare, name: "not an IP address" };
  return version === 4 ? classifyIpv4(ipaddr.IPv4.parse(bare)) : classifyIpv6(ipaddr.IPv6.parse(withHexTail(bare)));
}

/**
 * "::1.2.3.4" written with its last 32 bits in hex ("::102:304"): ipaddr.js reads the
 * dotted form after a bare "::" as IPv4-mapped (::ffff:1.2.3.4), which is another
 * address than the IPv4-compatible one the socket would use.
 */
function withHexTail(address: string): string {
  const zone = address.indexOf("%");
  const text = zone >= 0 ? address.slice(0, zone) : address;
  const lastColon = text.lastIndexOf(":");
  const tail = text.slice(lastColon + 1);
  if (!tail.includes(".")) return text;
  const [a = 0, b = 0, c = 0, d = 0] = ipaddr.IPv4.parse(tail).octets;
  return `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
}

function classifyIpv4(address: ipaddr.IPv4): BlockedAddress | undefined {
  const range = mostSpecific(address, IPV4);
  if (range !== undefined) return { kind: range.kind, range: range.cidr, name: range.name };
  return unknownToTheTable(address);
}

function classifyIpv6(address: ipaddr.IPv6): BlockedAddress | undefined {
  const direct = mostSpecific(address, IPV6);
  const embedding = mostSpecific(address, IPV6_EMBEDDING);
  // ::/128 and ::1/128 lie inside ::/96 but are not IPv4 addresses; ::/8 holds ::/96.
  if (embedding !== undefined && (direct === undefined || direct.network[1] < embedding.network[1])) {
    return classifyEmbedded(address, embedding);
  }
  if (direct !== undefined) return { kind: direct.kind, range: direct.cidr, name: direct.name };
  return unknownToTheTable(address);
}

function classifyEmbedded(address: ipaddr.IPv6, embedding: EmbeddingRange): BlockedAddress | undefined {
  const bytes = address.toByteArray().slice(embedding.offset, embedding.offset + 4);
  const ipv4 = ipaddr.fromByteArray(bytes).toString();
  const carried = classifyAddress(ipv4);
  const via = { ipv4, range: embedding.cidr, name: embedding.name };
  if (carried !== undefined) return { kind: carried.kind, range: carried.range, name: carried.name, embedded: via };
  if (embedding.publicAllowed) return undefined;
  return { kind: "reserved", range: embedding.cidr, name: embedding.name };
}

// A backstop: should a later ipaddr.js know a special range this table lacks, it is
// refused too rather than passed as public.
function unknownToTheTable(address: ipaddr.IPv4 | ipaddr.IPv6): BlockedAddress | undefined {
  const range = address.range();
  if (range === "unicast") return undefined;
  return { kind: "reserved", range: address.toString(), name: `special-purpose (${range})` };
}

function mostSpecific<T extends SpecialRange | EmbeddingRange>(
  address: ipaddr.IPv4 | ipaddr.IPv6,
  ranges: readonly Parsed<T>[],
): Parsed<T> | undefined {
  let best: Parsed<T> | undefined;
  for (const range of ranges) {
    if (range.network[0].kind() !== address.kind() || !address.match(range.network)) continue;
    if (best === undefined || range.network[1] > best.network[1]) best = range;
  }
  return best;
}

const KIND_WORDS: Record<BlockedAddressKind, string> = {
  unspecified: "an unspecified address",
  loopback: "a loopback address",
  "link-local": "a link-local address",
  private: "a private-network address",
  documentation: "a documentation address",
  benchmarking: "a benchmarking address",
  multicast: "a multicast address",
  broadcast: "a broadcast address",
  reserved: "a reserved special-purpose address",
};

/**
 * The kind and range in words, for error messages.
 *
 * @example
 * describeBlockedAddress(classifyAddress("2002:7f00:1::")!);
 * // "a loopback address (127.0.0.1 in Loopback, 127.0.0.0/8, carried by 6to4, 2002::/16)"
 */
export function describeBlockedAddress(block: BlockedAddress): string {
  const where = `${block.name}, ${block.range}`;
  if (block.embedded === undefined) return `${KIND_WORDS[block.kind]} (${where})`;
  const { ipv4, name, range } = block.embedded;
  return `${KIND_WORDS[block.kind]} (${ipv4} in ${where}, carried by ${name}, ${range})`;
}

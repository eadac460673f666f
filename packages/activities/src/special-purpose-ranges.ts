/**
 * Why an address is not reachable from `http.request` without `allowPrivateNetworks`.
 * Callers show it (the error's `details.kind`) and may branch on it; the range and its
 * registry name say more (see `BlockedAddress`).
 */
export type BlockedAddressKind =
  "unspecified" | "loopback" | "link-local" | "private" | "documentation" | "benchmarking" | "multicast" | "broadcast" | "reserved";

export interface SpecialRange {
  readonly cidr: string;
  readonly kind: BlockedAddressKind;
  /** The name in the IANA registry it comes from, so an error can be looked up there. */
  readonly name: string;
}

/**
 * IPv6 prefixes whose addresses carry an IPv4 address: they are judged by the IPv4
 * address, since the kernel (IPv4-mapped), a NAT64 gateway or a 6to4 relay delivers
 * them there. The deprecated forms are refused even when the IPv4 address is public:
 * nothing legitimate uses them, and stacks disagree on where they go.
 */
export interface EmbeddingRange {
  readonly cidr: string;
  readonly name: string;
  /** Byte offset of the 4 IPv4 bytes within the 16 bytes of the IPv6 address. */
  readonly offset: number;
  readonly publicAllowed: boolean;
}

// The IANA IPv4 Special-Purpose Address Registry (every entry, whatever its
// "globally reachable" column says: a workflow has no business calling anycast
// relays or AS112 sinks either), plus multicast from the IPv4 Multicast registry.
// The most specific entry that holds an address names it.
export const IPV4_SPECIAL_RANGES: readonly SpecialRange[] = [
  { cidr: "0.0.0.0/8", kind: "unspecified", name: "This network" },
  { cidr: "0.0.0.0/32", kind: "unspecified", name: "This host on this network" },
  { cidr: "10.0.0.0/8", kind: "private", name: "Private-Use" },
  // Carrier-grade NAT; some clouds put their metadata services here.
  { cidr: "100.64.0.0/10", kind: "private", name: "Shared Address Space" },
  { cidr: "127.0.0.0/8", kind: "loopback", name: "Loopback" },
  // Holds 169.254.169.254, the cloud metadata service.
  { cidr: "169.254.0.0/16", kind: "link-local", name: "Link Local" },
  { cidr: "172.16.0.0/12", kind: "private", name: "Private-Use" },
  { cidr: "192.0.0.0/24", kind: "reserved", name: "IETF Protocol Assignments" },
  { cidr: "192.0.0.0/29", kind: "reserved", name: "IPv4 Service Continuity Prefix" },
  { cidr: "192.0.0.8/32", kind: "reserved", name: "IPv4 dummy address" },
  { cidr: "192.0.0.9/32", kind: "reserved", name: "Port Control Protocol Anycast" },
  { cidr: "192.0.0.10/32", kind: "reserved", name: "Traversal Using Relays around NAT Anycast" },
  { cidr: "192.0.0.170/32", kind: "reserved", name: "NAT64/DNS64 Discovery" },
  { cidr: "192.0.0.171/32", kind: "reserved", name: "NAT64/DNS64 Discovery" },
  { cidr: "192.0.2.0/24", kind: "documentation", name: "Documentation (TEST-NET-1)" },
  { cidr: "192.31.196.0/24", kind: "reserved", name: "AS112-v4" },
  { cidr: "192.52.193.0/24", kind: "reserved", name: "AMT" },
  { cidr: "192.88.99.0/24", kind: "reserved", name: "Deprecated (6to4 Relay Anycast)" },
  { cidr: "192.88.99.2/32", kind: "reserved", name: "6a44-relay anycast address" },
  { cidr: "192.168.0.0/16", kind: "private", name: "Private-Use" },
  { cidr: "192.175.48.0/24", kind: "reserved", name: "Direct Delegation AS112 Service" },
  { cidr: "198.18.0.0/15", kind: "benchmarking", name: "Benchmarking" },
  { cidr: "198.51.100.0/24", kind: "documentation", name: "Documentation (TEST-NET-2)" },
  { cidr: "203.0.113.0/24", kind: "documentation", name: "Documentation (TEST-NET-3)" },
  { cidr: "224.0.0.0/4", kind: "multicast", name: "Multicast" },
  { cidr: "240.0.0.0/4", kind: "reserved", name: "Reserved" },
  { cidr: "255.255.255.255/32", kind: "broadcast", name: "Limited Broadcast" },
];

// The IANA IPv6 Special-Purpose Address Registry, multicast, the deprecated
// site-local range (RFC 3879), and from the IPv6 Address Space registry every block
// outside global unicast (2000::/3) that is "Reserved by IETF" — nothing there is
// reachable, so nothing there should be tried.
export const IPV6_SPECIAL_RANGES: readonly SpecialRange[] = [
  { cidr: "::/128", kind: "unspecified", name: "Unspecified Address" },
  { cidr: "::1/128", kind: "loopback", name: "Loopback Address" },
  { cidr: "64:ff9b:1::/48", kind: "private", name: "IPv4-IPv6 Translat. (local-use)" },
  { cidr: "100::/64", kind: "reserved", name: "Discard-Only Address Block" },
  { cidr: "100:0:0:1::/64", kind: "reserved", name: "Dummy IPv6 Prefix" },
  { cidr: "2001::/23", kind: "reserved", name: "IETF Protocol Assignments" },
  // Teredo carries IPv4 addresses too, but the whole block is refused, so whatever it
  // carries is never reached.
  { cidr: "2001::/32", kind: "reserved", name: "TEREDO" },
  { cidr: "2001:1::1/128", kind: "reserved", name: "Port Control Protocol Anycast" },
  { cidr: "2001:1::2/128", kind: "reserved", name: "Traversal Using Relays around NAT Anycast" },
  { cidr: "2001:1::3/128", kind: "reserved", name: "DNS-SD Service Registration Protocol Anycast" },
  { cidr: "2001:2::/48", kind: "benchmarking", name: "Benchmarking" },
  { cidr: "2001:3::/32", kind: "reserved", name: "AMT" },
  { cidr: "2001:4:112::/48", kind: "reserved", name: "AS112-v6" },
  { cidr: "2001:10::/28", kind: "reserved", name: "Deprecated (previously ORCHID)" },
  { cidr: "2001:20::/28", kind: "reserved", name: "ORCHIDv2" },
  { cidr: "2001:30::/28", kind: "reserved", name: "Drone Remote ID Protocol Entity Tags (DETs) Prefix" },
  { cidr: "2001:db8::/32", kind: "documentation", name: "Documentation" },
  { cidr: "2620:4f:8000::/48", kind: "reserved", name: "Direct Delegation AS112 Service" },
  { cidr: "3fff::/20", kind: "documentation", name: "Documentation" },
  { cidr: "5f00::/16", kind: "reserved", name: "Segment Routing (SRv6) SIDs" },
  { cidr: "fc00::/7", kind: "private", name: "Unique-Local" },
  { cidr: "fe80::/10", kind: "link-local", name: "Link-Local Unicast" },
  { cidr: "fec0::/10", kind: "private", name: "Site-Local (deprecated)" },
  { cidr: "ff00::/8", kind: "multicast", name: "Multicast" },
  ...[
    "::/8",
    "100::/8",
    "200::/7",
    "400::/6",
    "800::/5",
    "1000::/4",
    "4000::/3",
    "6000::/3",
    "8000::/3",
    "a000::/3",
    "c000::/3",
    "e000::/4",
    "f000::/5",
    "f800::/6",
    "fe00::/9",
  ].map((cidr): SpecialRange => ({ cidr, kind: "reserved", name: "Reserved by IETF" })),
];

export const IPV6_EMBEDDING_RANGES: readonly EmbeddingRange[] = [
  { cidr: "::ffff:0:0/96", name: "IPv4-mapped Address", offset: 12, publicAllowed: true },
  { cidr: "64:ff9b::/96", name: "IPv4-IPv6 Translat.", offset: 12, publicAllowed: true },
  { cidr: "2002::/16", name: "6to4", offset: 2, publicAllowed: true },
  // RFC 4291 §2.5.5.1; ::/128 and ::1/128 are more specific and keep their own names.
  { cidr: "::/96", name: "IPv4-compatible Address (deprecated)", offset: 12, publicAllowed: false },
  // RFC 2765 (SIIT), replaced by 64:ff9b::/96.
  { cidr: "::ffff:0:0:0/96", name: "IPv4-translated Address (deprecated)", offset: 12, publicAllowed: false },
];

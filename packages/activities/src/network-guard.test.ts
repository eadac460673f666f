import ipaddr from "ipaddr.js";
import { describe, expect, it } from "vitest";
import { classifyAddress, describeBlockedAddress } from "./network-guard.js";
import type { BlockedAddressKind } from "./network-guard.js";

// The specification, written out from the IANA IPv4 and IPv6 Special-Purpose Address
// Registries (names as there), the IPv4 multicast and IPv6 address-space registries
// (multicast, "Reserved by IETF"), and the deprecated forms stacks still accept. It is
// kept apart from the implementation's table on purpose: the test compares the two.
// Nothing here sends traffic; every check is on the address alone.
type Spec = readonly [cidr: string, kind: BlockedAddressKind, name: string];

const IPV4: readonly Spec[] = [
  ["0.0.0.0/8", "unspecified", "This network"],
  ["0.0.0.0/32", "unspecified", "This host on this network"],
  ["10.0.0.0/8", "private", "Private-Use"],
  ["100.64.0.0/10", "private", "Shared Address Space"],
  ["127.0.0.0/8", "loopback", "Loopback"],
  ["169.254.0.0/16", "link-local", "Link Local"],
  ["172.16.0.0/12", "private", "Private-Use"],
  ["192.0.0.0/24", "reserved", "IETF Protocol Assignments"],
  ["192.0.0.0/29", "reserved", "IPv4 Service Continuity Prefix"],
  ["192.0.0.8/32", "reserved", "IPv4 dummy address"],
  ["192.0.0.9/32", "reserved", "Port Control Protocol Anycast"],
  ["192.0.0.10/32", "reserved", "Traversal Using Relays around NAT Anycast"],
  ["192.0.0.170/32", "reserved", "NAT64/DNS64 Discovery"],
  ["192.0.0.171/32", "reserved", "NAT64/DNS64 Discovery"],
  ["192.0.2.0/24", "documentation", "Documentation (TEST-NET-1)"],
  ["192.31.196.0/24", "reserved", "AS112-v4"],
  ["192.52.193.0/24", "reserved", "AMT"],
  ["192.88.99.0/24", "reserved", "Deprecated (6to4 Relay Anycast)"],
  ["192.88.99.2/32", "reserved", "6a44-relay anycast address"],
  ["192.168.0.0/16", "private", "Private-Use"],
  ["192.175.48.0/24", "reserved", "Direct Delegation AS112 Service"],
  ["198.18.0.0/15", "benchmarking", "Benchmarking"],
  ["198.51.100.0/24", "documentation", "Documentation (TEST-NET-2)"],
  ["203.0.113.0/24", "documentation", "Documentation (TEST-NET-3)"],
  ["224.0.0.0/4", "multicast", "Multicast"],
  ["240.0.0.0/4", "reserved", "Reserved"],
  ["255.255.255.255/32", "broadcast", "Limited Broadcast"],
];

const IPV6: readonly Spec[] = [
  ["::/128", "unspecified", "Unspecified Address"],
  ["::1/128", "loopback", "Loopback Address"],
  ["64:ff9b:1::/48", "private", "IPv4-IPv6 Translat. (local-use)"],
  ["100::/64", "reserved", "Discard-Only Address Block"],
  ["100:0:0:1::/64", "reserved", "Dummy IPv6 Prefix"],
  ["2001::/23", "reserved", "IETF Protocol Assignments"],
  ["2001::/32", "reserved", "TEREDO"],
  ["2001:1::1/128", "reserved", "Port Control Protocol Anycast"],
  ["2001:1::2/128", "reserved", "Traversal Using Relays around NAT Anycast"],
  ["2001:1::3/128", "reserved", "DNS-SD Service Registration Protocol Anycast"],
  ["2001:2::/48", "benchmarking", "Benchmarking"],
  ["2001:3::/32", "reserved", "AMT"],
  ["2001:4:112::/48", "reserved", "AS112-v6"],
  ["2001:10::/28", "reserved", "Deprecated (previously ORCHID)"],
  ["2001:20::/28", "reserved", "ORCHIDv2"],
  ["2001:30::/28", "reserved", "Drone Remote ID Protocol Entity Tags (DETs) Prefix"],
  ["2001:db8::/32", "documentation", "Documentation"],
  ["2620:4f:8000::/48", "reserved", "Direct Delegation AS112 Service"],
  ["3fff::/20", "documentation", "Documentation"],
  ["5f00::/16", "reserved", "Segment Routing (SRv6) SIDs"],
  ["fc00::/7", "private", "Unique-Local"],
  ["fe80::/10", "link-local", "Link-Local Unicast"],
  ["fec0::/10", "private", "Site-Local (deprecated)"],
  ["ff00::/8", "multicast", "Multicast"],
  // The IPv6 Address Space registry: everything outside 2000::/3 that is not named above.
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
  ].map((cidr) => [cidr, "reserved", "Reserved by IETF"] as const),
];

/** IPv6 prefixes whose addresses carry an IPv4 address in their last 32 bits (6to4: bits 16–47). */
const EMBEDDING: readonly { cidr: string; name: string; embed: (ipv4: string) => string; publicAllowed: boolean }[] = [
  { cidr: "::ffff:0:0/96", name: "IPv4-mapped Address", embed: (v4) => `::ffff:${v4}`, publicAllowed: true },
  { cidr: "64:ff9b::/96", name: "IPv4-IPv6 Translat.", embed: (v4) => `64:ff9b::${v4}`, publicAllowed: true },
  { cidr: "2002::/16", name: "6to4", embed: (v4) => `2002:${hexWords(v4)}::`, publicAllowed: true },
  // Deprecated forms: refused even when the IPv4 address they carry is public.
  { cidr: "::/96", name: "IPv4-compatible Address (deprecated)", embed: (v4) => `::${v4}`, publicAllowed: false },
  { cidr: "::ffff:0:0:0/96", name: "IPv4-translated Address (deprecated)", embed: (v4) => `::ffff:0:${v4}`, publicAllowed: false },
];

function hexWords(ipv4: string): string {
  const [a = 0, b = 0, c = 0, d = 0] = ipaddr.IPv4.parse(ipv4).octets;
  return `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
}

const toBig = (address: ipaddr.IPv4 | ipaddr.IPv6): bigint => address.toByteArray().reduce((sum, byte) => (sum << 8n) | BigInt(byte), 0n);

function fromBig(value: bigint, bytes: number): string {
  const out: number[] = [];
  for (let i = bytes - 1; i >= 0; i--) out.push(Number((value >> BigInt(i * 8)) & 0xffn));
  return ipaddr.fromByteArray(out).toString();
}

/** First and last address of a CIDR, and the addresses just outside it (when they exist). */
function edges(cidr: string): { first: string; last: string; before?: string; after?: string } {
  const [network, bits] = ipaddr.parseCIDR(cidr);
  const width = network.kind() === "ipv4" ? 32 : 128;
  const first = toBig(network);
  const last = first + (1n << BigInt(width - bits)) - 1n;
  const bytes = width / 8;
  return {
    first: fromBig(first, bytes),
    last: fromBig(last, bytes),
    ...(first > 0n ? { before: fromBig(first - 1n, bytes) } : {}),
    ...(last < (1n << BigInt(width)) - 1n ? { after: fromBig(last + 1n, bytes) } : {}),
  };
}

/**
 * The oracle's own parser: IPv6 through the WHATWG URL serialiser, which writes every
 * address in hex (ipaddr.js would read "::1.2.3.4" as the IPv4-mapped ::ffff:1.2.3.4).
 */
const parse = (address: string): ipaddr.IPv4 | ipaddr.IPv6 =>
  address.includes(":") ? ipaddr.IPv6.parse(new URL(`http://[${address}]/`).hostname.slice(1, -1)) : ipaddr.IPv4.parse(address);

const contains = (cidr: string, address: string): boolean => {
  const parsed = parse(address);
  const range = ipaddr.parseCIDR(cidr);
  return parsed.kind() === range[0].kind() && parsed.match(range);
};

/** The most specific range of the specification that holds the address. */
function specOf(address: string): Spec | undefined {
  const table = parse(address).kind() === "ipv4" ? IPV4 : IPV6;
  return table.filter(([cidr]) => contains(cidr, address)).sort((a, b) => ipaddr.parseCIDR(b[0])[1] - ipaddr.parseCIDR(a[0])[1])[0];
}

interface Expected {
  kind: BlockedAddressKind;
  range: string;
  name: string;
  embedded?: { ipv4: string; range: string; name: string };
}

const prefixOf = (cidr: string): number => ipaddr.parseCIDR(cidr)[1];

/** What the specification says about an address: undefined for a public one. */
function expectedFor(address: string): Expected | undefined {
  const direct = specOf(address);
  if (parse(address).kind() === "ipv4") return direct && { kind: direct[1], range: direct[0], name: direct[2] };
  const embedding = EMBEDDING.filter(({ cidr }) => contains(cidr, address)).sort((a, b) => prefixOf(b.cidr) - prefixOf(a.cidr))[0];
  if (embedding === undefined || (direct !== undefined && prefixOf(direct[0]) > prefixOf(embedding.cidr))) {
    return direct && { kind: direct[1], range: direct[0], name: direct[2] };
  }
  const bytes = parse(address).toByteArray();
  const v4bytes = embedding.cidr === "2002::/16" ? bytes.slice(2, 6) : bytes.slice(12, 16);
  const ipv4 = ipaddr.fromByteArray(v4bytes).toString();
  const carried = specOf(ipv4);
  const via = { ipv4, range: embedding.cidr, name: embedding.name };
  if (carried !== undefined) return { kind: carried[1], range: carried[0], name: carried[2], embedded: via };
  return embedding.publicAllowed ? undefined : { kind: "reserved", range: embedding.cidr, name: embedding.name };
}

function expectClassified(address: string, why: string): void {
  const expected = expectedFor(address);
  if (expected === undefined) expect(classifyAddress(address), `${address} (${why}) is public`).toBeUndefined();
  else expect(classifyAddress(address), `${address} (${why})`).toEqual(expected);
}

describe("classifyAddress refuses every special-purpose range", () => {
  it.each([...IPV4, ...IPV6])("refuses the first and last address of %s as %s (%s)", (cidr) => {
    const { first, last } = edges(cidr);
    for (const address of [first, last]) {
      expect(expectedFor(address), `${address} is in the specification`).toBeDefined();
      expectClassified(address, `in ${cidr}`);
    }
  });

  it.each(EMBEDDING.map((e) => [e.cidr, e.name, e] as const))(
    "judges %s (%s) by the IPv4 address it carries",
    (_cidr, _name, { embed, publicAllowed }) => {
      for (const [v4cidr] of IPV4) {
        for (const v4 of [edges(v4cidr).first, edges(v4cidr).last]) {
          expect(classifyAddress(embed(v4)), `${embed(v4)} carries ${v4} of ${v4cidr}`).toBeDefined();
          expectClassified(embed(v4), `carries ${v4} of ${v4cidr}`);
        }
      }
      for (const v4 of ["8.8.8.8", "93.184.216.34", "198.20.0.0", "223.255.255.255"]) {
        expect(classifyAddress(embed(v4)) === undefined, `${embed(v4)} carries the public ${v4}`).toBe(publicAllowed);
        expectClassified(embed(v4), `carries the public ${v4}`);
      }
    },
  );

  it("lets through the public addresses just outside every range", () => {
    const checked: string[] = [];
    for (const { cidr } of [...IPV4, ...IPV6].map(([cidr]) => ({ cidr })).concat(EMBEDDING)) {
      const { before, after } = edges(cidr);
      for (const neighbour of [before, after]) {
        if (neighbour === undefined || expectedFor(neighbour) !== undefined) continue;
        expect(classifyAddress(neighbour), `${neighbour}, next to ${cidr}`).toBeUndefined();
        checked.push(neighbour);
      }
    }
    // Most ranges have a public neighbour on both sides; this keeps the loop honest.
    expect(checked.length).toBeGreaterThanOrEqual(40);
    expect(checked).toEqual(
      expect.arrayContaining([
        "198.17.255.255",
        "198.20.0.0",
        "223.255.255.255",
        "2001:200::",
        "2003::",
        "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff",
      ]),
    );
  });

  it.each([
    ["127.0.0.1", "loopback"],
    ["[::1]", "loopback"],
    ["0:0:0:0:0:0:0:1", "loopback"],
    ["169.254.169.254", "link-local"],
    ["fe80::1%eth0", "link-local"],
    ["100.100.100.200", "private"],
    ["::ffff:7f00:1", "loopback"],
    ["::ffff:a9fe:a9fe", "link-local"],
    ["0:0:0:0:0:ffff:c0a8:0101", "private"],
    ["64:ff9b::7f00:1", "loopback"],
    ["2002:7f00:1::", "loopback"],
    ["2002:a9fe:a9fe:1234::5", "link-local"],
    ["::127.0.0.1", "loopback"],
    ["::ffff:0:127.0.0.1", "loopback"],
    ["64:ff9b::169.254.169.254", "link-local"],
    ["::8.8.8.8", "reserved"],
    ["ff02::1", "multicast"],
    ["224.0.0.1", "multicast"],
  ])("refuses %s, however it is written, as %s", (address, kind) => {
    expect(classifyAddress(address)?.kind).toBe(kind);
  });

  it.each([
    "93.184.216.34",
    "8.8.8.8",
    "1.1.1.1",
    "2606:4700::1111",
    "2a00:1450:4001::200e",
    "::ffff:8.8.8.8",
    "64:ff9b::808:808",
    "2002:808:808::1",
  ])("lets the public address %s through", (address) => {
    expect(classifyAddress(address)).toBeUndefined();
  });

  it("refuses what is not an IP address rather than guessing", () => {
    expect(classifyAddress("localhost")).toMatchObject({ kind: "unspecified" });
  });

  it("names the kind and the range in words a workflow author can act on", () => {
    expect(describeBlockedAddress(classifyAddress("198.18.0.1")!)).toBe("a benchmarking address (Benchmarking, 198.18.0.0/15)");
    expect(describeBlockedAddress(classifyAddress("2002:7f00:1::")!)).toBe(
      "a loopback address (127.0.0.1 in Loopback, 127.0.0.0/8, carried by 6to4, 2002::/16)",
    );
    expect(describeBlockedAddress(classifyAddress("255.255.255.255")!)).toBe("a broadcast address (Limited Broadcast, 255.255.255.255/32)");
  });
});

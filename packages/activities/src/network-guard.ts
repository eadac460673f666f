import { isIP } from "node:net";

/** Why an address is not reachable from `http.request` without `allowPrivateNetworks`. */
export type BlockedAddressKind = "loopback" | "link-local" | "private" | "unspecified";

/**
 * Says why `address` (an IPv4 or IPv6 literal, brackets allowed) must not be
 * fetched by default, or `undefined` if it is a public address. IPv6 forms that
 * embed an IPv4 address (`::ffff:127.0.0.1`, `::ffff:7f00:1`, `::127.0.0.1`,
 * `64:ff9b::7f00:1`) are judged by the IPv4 address they carry, since the kernel
 * or a NAT64 gateway delivers them there.
 */
export function classifyAddress(address: string): BlockedAddressKind | undefined {
  const bare = address.startsWith("[") && address.endsWith("]") ? address.slice(1, -1) : address;
  const version = isIP(bare);
  if (version === 4) return classifyIpv4(parseIpv4(bare));
  if (version === 6) {
    const words = parseIpv6(bare);
    return words === undefined ? "unspecified" : classifyIpv6(words);
  }
  // Not an IP literal: refuse rather than guess (the caller passes resolved addresses).
  return "unspecified";
}

function parseIpv4(address: string): number[] {
  return address.split(".").map((part) => Number.parseInt(part, 10));
}

function classifyIpv4(octets: readonly number[]): BlockedAddressKind | undefined {
  const [a = 0, b = 0] = octets;
  if (a === 0) return "unspecified"; // 0.0.0.0/8: "this network"; 0.0.0.0 reaches the host itself
  if (a === 127) return "loopback";
  if (a === 169 && b === 254) return "link-local"; // includes 169.254.169.254, the cloud metadata service
  if (a === 10) return "private";
  if (a === 172 && b >= 16 && b <= 31) return "private";
  if (a === 192 && b === 168) return "private";
  if (a === 100 && b >= 64 && b <= 127) return "private"; // carrier-grade NAT; some clouds put metadata there
  return undefined;
}

/** Eight 16-bit words, with `::` expanded and a trailing dotted IPv4 part converted. */
function parseIpv6(address: string): number[] | undefined {
  let text = address.toLowerCase();
  const zone = text.indexOf("%");
  if (zone >= 0) text = text.slice(0, zone);
  const lastColon = text.lastIndexOf(":");
  const last = text.slice(lastColon + 1);
  if (last.includes(".")) {
    // "::ffff:1.2.3.4" is "::ffff:102:304" written with its last 32 bits in dotted form.
    const [a = 0, b = 0, c = 0, d = 0] = parseIpv4(last);
    text = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const toWords = (part: string | undefined): number[] =>
    part === undefined || part === "" ? [] : part.split(":").map((word) => Number.parseInt(word, 16));
  const head = toWords(halves[0]);
  const rest = toWords(halves[1]);
  const missing = 8 - head.length - rest.length;
  if (missing < 0 || (halves.length === 1 && missing !== 0)) return undefined;
  return [...head, ...new Array<number>(missing).fill(0), ...rest];
}

function classifyIpv6(words: readonly number[]): BlockedAddressKind | undefined {
  const w = (i: number): number => words[i] ?? 0;
  const embeddedIpv4 = (): number[] => [w(6) >> 8, w(6) & 0xff, w(7) >> 8, w(7) & 0xff];
  const firstSixZero = [0, 1, 2, 3, 4, 5].every((i) => w(i) === 0);
  if (firstSixZero && w(6) === 0 && w(7) === 0) return "unspecified"; // ::
  if (firstSixZero && w(6) === 0 && w(7) === 1) return "loopback"; // ::1
  // ::ffff:a.b.c.d (IPv4-mapped) and ::a.b.c.d (IPv4-compatible, deprecated but still parsed by stacks)
  if ([0, 1, 2, 3, 4].every((i) => w(i) === 0) && (w(5) === 0xffff || w(5) === 0)) return classifyIpv4(embeddedIpv4());
  // ::ffff:0:a.b.c.d (IPv4-translated) and 64:ff9b::/96 (NAT64)
  if ([0, 1, 2, 3].every((i) => w(i) === 0) && w(4) === 0xffff && w(5) === 0) return classifyIpv4(embeddedIpv4());
  if (w(0) === 0x64 && w(1) === 0xff9b && [2, 3, 4, 5].every((i) => w(i) === 0)) return classifyIpv4(embeddedIpv4());
  if ((w(0) & 0xffc0) === 0xfe80) return "link-local"; // fe80::/10
  if ((w(0) & 0xffc0) === 0xfec0) return "private"; // fec0::/10, the deprecated site-local range
  if ((w(0) & 0xfe00) === 0xfc00) return "private"; // fc00::/7, unique local
  return undefined;
}

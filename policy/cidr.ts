/**
 * THE CIDR parser: IPv4 and IPv6 blocks, host bits, prefix bounds, and how much of the address space a
 * set of blocks covers. Stack config (src/config/) and the policy rules (rules/network.ts,
 * rules/compute.ts) judge CIDRs through this one file, so "open to the internet" means the same thing
 * in both places. It lives in policy/ because the pack is self-contained (it imports nothing from src/).
 *
 * "Open to the internet" is a property of a SET of blocks, not of the string `0.0.0.0/0`:
 * `0.0.0.0/1` + `128.0.0.0/1`, `1.2.3.4/0` (host bits on a /0) and `::/0` are all the whole internet.
 * A set is open when the globally routable addresses it covers reach {@link OPEN_FRACTION} of its
 * family's address space (special-purpose ranges such as RFC 1918, loopback and link-local do not count:
 * a 10.0.0.0/8 office VPN is private, not the internet).
 */

export type IpFamily = 4 | 6;

export interface Cidr {
  family: IpFamily;
  /** First address of the block (host bits cleared). */
  network: bigint;
  prefix: number;
  /** True when the written address had bits set below the prefix (`10.0.0.1/16`). */
  hostBitsSet: boolean;
  /** The block written canonically (`10.0.0.0/16`, `2001:db8::/32`). */
  canonical: string;
}

export type CidrResult = { ok: true; cidr: Cidr } | { ok: false; error: string };

const BITS: Record<IpFamily, number> = { 4: 32, 6: 128 };

/**
 * The share of a family's address space (counting routable addresses only) from which a set of
 * blocks is "open to the internet": 1/256, i.e. a /8 of IPv4 (16.7 million addresses) or its IPv6
 * equivalent. No office, VPN or CI range is that large; every "open" trick (two /1s, a /0 written
 * with host bits, four /2s) is far above it.
 */
export const OPEN_FRACTION = 1 / 256;

/** Special-purpose ranges that are not reachable from the internet (IANA special-purpose registries, RFC 6890). */
const NON_ROUTABLE: Record<IpFamily, string[]> = {
  4: ["0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.168.0.0/16", "224.0.0.0/4", "240.0.0.0/4"],
  6: ["::/128", "::1/128", "fc00::/7", "fe80::/10", "ff00::/8"],
};

function parseIpv4(s: string): bigint | undefined {
  const parts = s.split(".");
  if (parts.length !== 4) return undefined;
  let v = 0n;
  for (const p of parts) {
    // Decimal only, no leading zeros: `010` is octal to some parsers and decimal to others.
    if (!/^(0|[1-9]\d{0,2})$/.test(p) || Number(p) > 255) return undefined;
    v = (v << 8n) | BigInt(p);
  }
  return v;
}

function parseIpv6(s: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(s)) return undefined;
  const halves = s.split("::");
  if (halves.length > 2) return undefined;
  const groupsOf = (h: string): string[] | undefined => {
    if (h === "") return [];
    const g = h.split(":");
    // An embedded IPv4 tail (`::ffff:192.0.2.1`) stands for two groups.
    const last = g[g.length - 1];
    if (last.includes(".")) {
      const v4 = parseIpv4(last);
      if (v4 === undefined) return undefined;
      g.splice(g.length - 1, 1, ((v4 >> 16n) & 0xffffn).toString(16), (v4 & 0xffffn).toString(16));
    }
    return g.every((x) => /^[0-9a-fA-F]{1,4}$/.test(x)) ? g : undefined;
  };
  const head = groupsOf(halves[0]);
  const tail = halves.length === 2 ? groupsOf(halves[1]) : [];
  if (!head || !tail) return undefined;
  if (halves[0].includes(".") && halves.length === 2) return undefined; // IPv4 tail only at the end
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  return groups.reduce((v, g) => (v << 16n) | BigInt(`0x${g}`), 0n);
}

function formatIp(family: IpFamily, v: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => ((v >> s) & 0xffn).toString()).join(".");
  const groups = Array.from({ length: 8 }, (_, i) => ((v >> BigInt(112 - 16 * i)) & 0xffffn).toString(16));
  // Compress the longest run of zero groups (RFC 5952).
  let best = { at: -1, len: 0 };
  for (let i = 0; i < 8; ) {
    if (groups[i] !== "0") {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === "0") j++;
    if (j - i > best.len && j - i > 1) best = { at: i, len: j - i };
    i = j;
  }
  if (best.at < 0) return groups.join(":");
  return `${groups.slice(0, best.at).join(":")}::${groups.slice(best.at + best.len).join(":")}`;
}

/** Parses `a.b.c.d/n` or an IPv6 `x::y/n`. A missing prefix is an error: a bare address is not a block. */
export function parseCidr(text: string): CidrResult {
  const m = /^([^/\s]+)\/(0|[1-9]\d{0,2})$/.exec(text);
  if (!m) return { ok: false, error: "a CIDR block such as 203.0.113.0/24 (address/prefix)" };
  const family: IpFamily = m[1].includes(":") ? 6 : 4;
  const address = family === 4 ? parseIpv4(m[1]) : parseIpv6(m[1]);
  if (address === undefined) return { ok: false, error: family === 4 ? "an IPv4 address of four decimal octets 0-255" : "a valid IPv6 address" };
  const prefix = Number(m[2]);
  if (prefix > BITS[family]) return { ok: false, error: `an IPv${family} prefix length of 0-${BITS[family]}` };
  const hostBits = BigInt(BITS[family] - prefix);
  const network = (address >> hostBits) << hostBits;
  return { ok: true, cidr: { family, network, prefix, hostBitsSet: network !== address, canonical: `${formatIp(family, network)}/${prefix}` } };
}

/** True when every address of `inner` lies in `outer` (same family; unparsable blocks are never within). */
export function cidrWithin(inner: string, outer: string): boolean {
  const a = parseCidr(inner);
  const b = parseCidr(outer);
  if (!a.ok || !b.ok || a.cidr.family !== b.cidr.family || a.cidr.prefix < b.cidr.prefix) return false;
  const shift = BigInt(BITS[b.cidr.family] - b.cidr.prefix);
  return a.cidr.network >> shift === b.cidr.network >> shift;
}

/** Addresses a block holds. */
export function blockSize(c: Pick<Cidr, "family" | "prefix">): bigint {
  return 1n << BigInt(BITS[c.family] - c.prefix);
}

type Range = [start: bigint, end: bigint]; // half-open

function merge(ranges: Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: Range[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r[0] <= last[1]) last[1] = r[1] > last[1] ? r[1] : last[1];
    else out.push([r[0], r[1]]);
  }
  return out;
}

function subtract(ranges: Range[], holes: Range[]): Range[] {
  let out = ranges;
  for (const [hs, he] of holes) {
    out = out.flatMap(([s, e]): Range[] => {
      if (he <= s || hs >= e) return [[s, e]];
      return [...(s < hs ? [[s, hs] as Range] : []), ...(he < e ? [[he, e] as Range] : [])];
    });
  }
  return out;
}

const rangeOf = (c: Cidr): Range => [c.network, c.network + blockSize(c)];

/** The routable addresses a set of blocks covers, per family (overlaps count once; unparsable entries are ignored: config refuses them separately). */
function routableAddresses(cidrs: readonly string[], family: IpFamily): bigint {
  const blocks = cidrs.map(parseCidr).flatMap((r) => (r.ok && r.cidr.family === family ? [r.cidr] : []));
  const holes = NON_ROUTABLE[family].map((h) => rangeOf((parseCidr(h) as { cidr: Cidr }).cidr));
  return subtract(merge(blocks.map(rangeOf)), holes).reduce((n, [s, e]) => n + (e - s), 0n);
}

/** {@link routableAddresses} as a share of each family's whole space (for messages). */
export function routableCoverage(cidrs: readonly string[]): Record<IpFamily, number> {
  const share = (f: IpFamily) => Number((routableAddresses(cidrs, f) * 1_000_000_000n) >> BigInt(BITS[f])) / 1e9;
  return { 4: share(4), 6: share(6) };
}

/** True when the blocks together cover at least {@link OPEN_FRACTION} of the IPv4 or IPv6 space in routable addresses. */
export function opensToInternet(cidrs: readonly string[]): boolean {
  // Compared in bigint: 2^128 is beyond a double's exact integers.
  const threshold = (f: IpFamily) => (1n << BigInt(BITS[f])) / BigInt(1 / OPEN_FRACTION);
  return ([4, 6] as const).some((f) => routableAddresses(cidrs, f) >= threshold(f));
}

/**
 * A config-facing check of one CIDR entry: undefined when fine, else what is wrong (host bits,
 * family, prefix bounds). `prefixRange` bounds the prefix; `family` restricts the family.
 */
export function cidrProblem(text: string, opts: { family?: IpFamily; prefixRange?: [number, number]; why?: string } = {}): string | undefined {
  const r = parseCidr(text);
  if (!r.ok) return `expected ${r.error}`;
  const c = r.cidr;
  if (opts.family && c.family !== opts.family) return `expected an IPv${opts.family} CIDR block${opts.why ? ` (${opts.why})` : ""}`;
  if (c.hostBitsSet) return `expected the network address ${c.canonical} (host bits are set below the /${c.prefix} prefix)`;
  if (opts.prefixRange && (c.prefix < opts.prefixRange[0] || c.prefix > opts.prefixRange[1]))
    return `expected a prefix length between /${opts.prefixRange[0]} and /${opts.prefixRange[1]}${opts.why ? ` (${opts.why})` : ""}`;
  return undefined;
}

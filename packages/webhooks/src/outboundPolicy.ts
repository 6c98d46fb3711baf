import { lookup as dnsLookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";

/**
 * Which addresses outgoing webhooks may reach. By default every public unicast address is
 * allowed and loopback, private, link-local (which holds the cloud metadata endpoint
 * 169.254.169.254), CGNAT, multicast, transition and reserved ranges are refused. An allow-list
 * (ENTREPOT_WEBHOOK_ALLOW) re-admits specific targets for development and tests:
 *
 * - a CIDR or address (`10.0.0.0/8`, `127.0.0.1`, `[fd00::/8]`) admits those addresses;
 * - a host name (`hooks.internal`) admits that name when it resolves to private or loopback
 *   addresses, but never to link-local (metadata), unspecified, multicast or reserved ones: the
 *   name is still checked on what it resolves to;
 * - either may end with `:port` (`127.0.0.1:8080`, `[::1]:8080`, `10.0.0.0/8:443`,
 *   `hooks.internal:8443`) to admit that port only; without one every port is admitted.
 */
export interface OutboundPolicy {
  readonly rules: readonly AllowRule[];
  /** the allow-list as given, for messages */
  readonly description: string;
}

type AllowRule =
  | { kind: "host"; host: string; port: number | undefined }
  | { kind: "net"; net: BlockList; type: "ipv4" | "ipv6"; port: number | undefined };

const V4_DENY: [string, number][] = [
  ["0.0.0.0", 8], // "this" network
  ["10.0.0.0", 8], // private
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8], // loopback
  ["169.254.0.0", 16], // link-local, cloud metadata (169.254.169.254)
  ["172.16.0.0", 12], // private
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.0.2.0", 24], // documentation
  ["192.88.99.0", 24], // 6to4 relay anycast (deprecated)
  ["192.168.0.0", 16], // private
  ["198.18.0.0", 15], // benchmarking
  ["198.51.100.0", 24], // documentation
  ["203.0.113.0", 24], // documentation
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast
];
const V6_DENY: [string, number][] = [
  ["::", 96], // unspecified, loopback, IPv4-compatible (deprecated)
  ["::ffff:0:0:0", 96], // IPv4-translated (SIIT)
  ["64:ff9b:1::", 48], // local-use NAT64
  ["100::", 64], // discard-only
  ["2001::", 32], // Teredo (embeds an IPv4 address)
  ["2001:db8::", 32], // documentation
  ["2002::", 16], // 6to4 (embeds an IPv4 address)
  ["3fff::", 20], // documentation
  ["fc00::", 7], // unique local (includes AWS fd00:ec2::254 metadata)
  ["fe80::", 10], // link-local
  ["fec0::", 10], // deprecated site-local
  ["ff00::", 8], // multicast
];
/** Refused even for an allow-listed host name: metadata, unspecified, multicast, reserved. */
const V4_NEVER_BY_NAME: [string, number][] = [
  ["0.0.0.0", 8],
  ["169.254.0.0", 16],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
];
const V6_NEVER_BY_NAME: [string, number][] = [
  ["::", 128],
  ["fd00:ec2::254", 128],
  ["fe80::", 10],
  ["ff00::", 8],
];

function blockList(v4: [string, number][], v6: [string, number][]): BlockList {
  const list = new BlockList();
  for (const [a, p] of v4) list.addSubnet(a, p, "ipv4");
  for (const [a, p] of v6) list.addSubnet(a, p, "ipv6");
  return list;
}
const DENY = blockList(V4_DENY, V6_DENY);
const NEVER_BY_NAME = blockList(V4_NEVER_BY_NAME, V6_NEVER_BY_NAME);

export class OutboundPolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OutboundPolicyError";
  }
}

/** Splits `entry` into the address or host part and an optional trailing `:port`. */
function splitPort(entry: string): { target: string; port: number | undefined } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return { target: bracketed[1] ?? "", port: portOf(entry, bracketed[2]) };
  if (isIP(entry.split("/")[0] ?? "") === 6) return { target: entry, port: undefined }; // bare IPv6: no port possible
  const m = /^([^:]+)(?::(\d+))?$/.exec(entry);
  if (!m) throw new OutboundPolicyError(`allow-list entry "${entry}" is neither a host name nor a CIDR, with an optional :port`);
  return { target: m[1] ?? "", port: portOf(entry, m[2]) };
}

function portOf(entry: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new OutboundPolicyError(`allow-list entry "${entry}": port must be 1..65535`);
  return port;
}

/**
 * Parses `host[:port], cidr[:port], [ipv6/len]:port, ...` into a policy; throws
 * OutboundPolicyError naming a malformed entry.
 */
export function parseOutboundPolicy(allow: string | undefined): OutboundPolicy {
  const entries = (allow ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  const rules = entries.map((entry): AllowRule => {
    const { target, port } = splitPort(entry);
    const [addr = "", bits, extra] = target.split("/");
    const family = isIP(addr);
    if (family === 0) {
      if (bits !== undefined) throw new OutboundPolicyError(`allow-list entry "${entry}": a prefix length needs an IP address`);
      if (!/^[a-z0-9.-]+$/i.test(target)) throw new OutboundPolicyError(`allow-list entry "${entry}" is neither a host name nor a CIDR`);
      return { kind: "host", host: target.toLowerCase(), port };
    }
    const type = family === 4 ? "ipv4" : "ipv6";
    const max = family === 4 ? 32 : 128;
    const prefix = bits === undefined ? max : Number(bits);
    if (extra !== undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > max) {
      throw new OutboundPolicyError(`allow-list entry "${entry}": prefix length must be 0..${max}`);
    }
    const net = new BlockList();
    net.addSubnet(addr, prefix, type);
    return { kind: "net", net, type, port };
  });
  return { rules, description: entries.join(",") || "(empty)" };
}

function unbracket(host: string): string {
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}

/** The eight 16-bit groups of an IPv6 address (any spelling, with or without a dotted IPv4 tail). */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase();
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const parse = (s: string) => (s === "" ? [] : s.split(":").map((g) => Number.parseInt(g, 16)));
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}

/** IPv4 embedded in an IPv4-mapped (::ffff:0:0/96) or well-known NAT64 (64:ff9b::/96) IPv6 address. */
function embeddedV4(address: string): string | undefined {
  if (isIP(address) !== 6) return undefined;
  const g = ipv6Groups(address);
  const mapped = g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff;
  const nat64 = g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0);
  if (!mapped && !nat64) return undefined;
  const hi = g[6] ?? 0;
  const lo = g[7] ?? 0;
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join(".");
}

/** Checks an address (and the IPv4 inside a mapped/NAT64 form) against a block list. */
function listed(list: BlockList, address: string): boolean {
  const family = isIP(address);
  if (family === 4) return list.check(address, "ipv4");
  if (family !== 6) return false;
  const v4 = embeddedV4(address);
  return v4 !== undefined ? list.check(v4, "ipv4") : list.check(address, "ipv6");
}

/** True when the address is loopback, private, link-local, metadata, multicast, transition or reserved. */
export function isNonPublicAddress(address: string): boolean {
  if (isIP(address) === 0) return true; // not an address at all: refuse
  return listed(DENY, address);
}

const portMatches = (rule: AllowRule, port: number) => rule.port === undefined || rule.port === port;

/** Throws OutboundPolicyError unless `address` (resolved for `hostname`) may be called on `port`. */
export function assertAddressAllowed(policy: OutboundPolicy, hostname: string, address: string, port: number): void {
  const host = unbracket(hostname).toLowerCase();
  if (isIP(address) !== 0) {
    const v4 = embeddedV4(address);
    const byAddress = policy.rules.some(
      (r) =>
        r.kind === "net" &&
        portMatches(r, port) &&
        (r.net.check(address, isIP(address) === 4 ? "ipv4" : "ipv6") || (v4 !== undefined && r.net.check(v4, "ipv4"))),
    );
    if (byAddress) return;
  }
  if (!isNonPublicAddress(address)) return;
  const byName = policy.rules.some((r) => r.kind === "host" && r.host === host && portMatches(r, port));
  if (byName && !listed(NEVER_BY_NAME, address)) return;
  throw new OutboundPolicyError(
    byName
      ? `refusing to call ${hostname}: it resolves to ${address}, which an allow-listed name may not reach (link-local, metadata, multicast or reserved)`
      : `refusing to call ${hostname} on port ${port}: it resolves to non-public address ${address} (allow it with ENTREPOT_WEBHOOK_ALLOW)`,
  );
}

export type ResolveAll = (host: string) => Promise<string[]>;

const resolveWithDns: ResolveAll = async (host) => (await dnsLookup(host, { all: true, verbatim: true })).map((a) => a.address);

/** The port a URL connects to (its explicit port, else the scheme's). */
export function portOfUrl(url: URL): number {
  return url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
}

/**
 * Why a webhook URL would be refused at delivery, or undefined: not http(s), credentials in the
 * URL, an address literal outside the policy, or a name resolving to one (every answer is
 * checked). A name that does not resolve now is not refused here: delivery checks again at
 * connect time, on the address actually connected to.
 */
export async function webhookUrlProblem(
  policy: OutboundPolicy,
  url: string,
  resolve: ResolveAll = resolveWithDns,
): Promise<string | undefined> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return "not a URL";
  }
  if (target.protocol !== "http:" && target.protocol !== "https:") return `refusing ${target.protocol} URL: only http and https`;
  if (target.username || target.password) return "refusing a URL with credentials (user:password@)";
  const host = unbracket(target.hostname);
  const port = portOfUrl(target);
  let addresses: string[];
  if (isIP(host) !== 0) addresses = [host];
  else {
    try {
      addresses = await resolve(host);
    } catch {
      return undefined;
    }
  }
  try {
    for (const a of addresses) assertAddressAllowed(policy, host, a, port);
  } catch (err) {
    if (err instanceof OutboundPolicyError) return err.message;
    throw err;
  }
  return undefined;
}

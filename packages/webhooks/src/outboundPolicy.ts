import { BlockList, isIP } from "node:net";

/**
 * Which addresses outgoing webhooks may reach. By default every public unicast address is
 * allowed and loopback, private, link-local (which holds the cloud metadata endpoint
 * 169.254.169.254), CGNAT, multicast and reserved ranges are refused. An allow-list of host
 * names and CIDRs (ENTREPOT_WEBHOOK_ALLOW) re-admits specific targets for development and tests.
 */
export interface OutboundPolicy {
  /** host names (lower case) allowed whatever they resolve to */
  allowedHosts: ReadonlySet<string>;
  /** addresses/CIDRs allowed even though private or loopback */
  allowedAddresses: BlockList;
  /** the allow-list as given, for messages */
  description: string;
}

const V4_DENY: [string, number][] = [
  ["0.0.0.0", 8], // "this" network
  ["10.0.0.0", 8], // private
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8], // loopback
  ["169.254.0.0", 16], // link-local, cloud metadata (169.254.169.254)
  ["172.16.0.0", 12], // private
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.0.2.0", 24], // documentation
  ["192.168.0.0", 16], // private
  ["198.18.0.0", 15], // benchmarking
  ["198.51.100.0", 24], // documentation
  ["203.0.113.0", 24], // documentation
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast
];
const V6_DENY: [string, number][] = [
  ["::", 128], // unspecified
  ["::1", 128], // loopback
  ["fc00::", 7], // unique local (includes AWS fd00:ec2::254 metadata)
  ["fe80::", 10], // link-local
  ["fec0::", 10], // deprecated site-local
  ["ff00::", 8], // multicast
  ["2001:db8::", 32], // documentation
  ["100::", 64], // discard-only
];

const DENY = new BlockList();
for (const [a, p] of V4_DENY) DENY.addSubnet(a, p, "ipv4");
for (const [a, p] of V6_DENY) DENY.addSubnet(a, p, "ipv6");

export class OutboundPolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OutboundPolicyError";
  }
}

/** Parses `host, 10.0.0.0/8, 127.0.0.1/32, ::1` into a policy; throws on a malformed CIDR. */
export function parseOutboundPolicy(allow: string | undefined): OutboundPolicy {
  const allowedHosts = new Set<string>();
  const allowedAddresses = new BlockList();
  const entries = (allow ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  for (const entry of entries) {
    const [addr, bits, extra] = entry.split("/");
    const family = isIP(unbracket(addr ?? ""));
    if (family === 0) {
      if (bits !== undefined) throw new OutboundPolicyError(`allow-list entry "${entry}": a prefix length needs an IP address`);
      if (!/^[a-z0-9.-]+$/i.test(entry)) throw new OutboundPolicyError(`allow-list entry "${entry}" is neither a host name nor a CIDR`);
      allowedHosts.add(entry.toLowerCase());
      continue;
    }
    const type = family === 4 ? "ipv4" : "ipv6";
    const max = family === 4 ? 32 : 128;
    const prefix = bits === undefined ? max : Number(bits);
    if (extra !== undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > max) {
      throw new OutboundPolicyError(`allow-list entry "${entry}": prefix length must be 0..${max}`);
    }
    allowedAddresses.addSubnet(unbracket(addr ?? ""), prefix, type);
  }
  return { allowedHosts, allowedAddresses, description: entries.join(",") || "(empty)" };
}

function unbracket(host: string): string {
  return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}

/** IPv4 embedded in an IPv4-mapped (::ffff:a.b.c.d) or NAT64 (64:ff9b::a.b.c.d) IPv6 address. */
function embeddedV4(address: string): string | undefined {
  const lower = address.toLowerCase();
  const m = /^(?:::ffff:|64:ff9b::)(?:(\d+\.\d+\.\d+\.\d+)|([0-9a-f]{1,4}):([0-9a-f]{1,4}))$/.exec(lower);
  if (!m) return undefined;
  if (m[1]) return m[1];
  const hi = Number.parseInt(m[2] ?? "0", 16);
  const lo = Number.parseInt(m[3] ?? "0", 16);
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join(".");
}

/** True when the address is loopback, private, link-local, metadata, multicast or reserved. */
export function isNonPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return DENY.check(address, "ipv4");
  if (family === 6) {
    const v4 = embeddedV4(address);
    if (v4 !== undefined) return DENY.check(v4, "ipv4");
    return DENY.check(address, "ipv6");
  }
  return true; // not an address at all: refuse
}

/** Throws OutboundPolicyError unless `address` (resolved for `hostname`) may be called. */
export function assertAddressAllowed(policy: OutboundPolicy, hostname: string, address: string): void {
  if (policy.allowedHosts.has(unbracket(hostname).toLowerCase())) return;
  const family = isIP(address);
  if (family !== 0) {
    const type = family === 4 ? "ipv4" : "ipv6";
    if (policy.allowedAddresses.check(address, type)) return;
    const v4 = family === 6 ? embeddedV4(address) : undefined;
    if (v4 !== undefined && policy.allowedAddresses.check(v4, "ipv4")) return;
  }
  if (isNonPublicAddress(address)) {
    throw new OutboundPolicyError(
      `refusing to call ${hostname}: it resolves to non-public address ${address} (allow it with ENTREPOT_WEBHOOK_ALLOW)`,
    );
  }
}

import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { guardedPost } from "./guardedPost";
import { assertAddressAllowed, isNonPublicAddress, OutboundPolicyError, parseOutboundPolicy } from "./outboundPolicy";

describe("outbound address policy", () => {
  it.each([
    "127.0.0.1",
    "10.1.2.3",
    "172.20.0.1",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "::1",
    "::",
    "fe80::1",
    "fd00:ec2::254",
    "::ffff:127.0.0.1",
    "::ffff:7f00:1",
    "64:ff9b::a9fe:a9fe",
    "224.0.0.1",
  ])("refuses non-public %s by default", (address) => {
    expect(isNonPublicAddress(address)).toBe(true);
    expect(() => assertAddressAllowed(parseOutboundPolicy(""), "h.example", address)).toThrow(OutboundPolicyError);
  });

  it.each(["93.184.215.14", "1.1.1.1", "2606:4700:4700::1111"])("allows public %s", (address) => {
    expect(isNonPublicAddress(address)).toBe(false);
    expect(() => assertAddressAllowed(parseOutboundPolicy(""), "h.example", address)).not.toThrow();
  });

  it("allow-list admits CIDRs and host names, nothing more", () => {
    const policy = parseOutboundPolicy("127.0.0.1/32, 10.0.0.0/8, hooks.internal");
    expect(() => assertAddressAllowed(policy, "x", "127.0.0.1")).not.toThrow();
    expect(() => assertAddressAllowed(policy, "x", "::ffff:127.0.0.1")).not.toThrow();
    expect(() => assertAddressAllowed(policy, "x", "10.9.9.9")).not.toThrow();
    expect(() => assertAddressAllowed(policy, "HOOKS.internal", "192.168.0.5")).not.toThrow();
    expect(() => assertAddressAllowed(policy, "x", "127.0.0.2")).toThrow(/127\.0\.0\.2/);
    expect(() => assertAddressAllowed(policy, "x", "169.254.169.254")).toThrow(OutboundPolicyError);
  });

  it("rejects malformed allow-list entries with the entry named", () => {
    expect(() => parseOutboundPolicy("10.0.0.0/33")).toThrow(/10\.0\.0\.0\/33/);
    expect(() => parseOutboundPolicy("foo/8")).toThrow(/foo\/8/);
    expect(() => parseOutboundPolicy("a b")).toThrow(/a b/);
  });
});

describe("guardedPost", () => {
  async function server(handler: Parameters<typeof createServer>[1]) {
    const s = createServer(handler);
    await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
    return { s, port: (s.address() as AddressInfo).port };
  }

  it("refuses loopback literals and names resolving to loopback unless allowed", async () => {
    const { s, port } = await server((_req, res) => res.end("ok"));
    try {
      const deny = parseOutboundPolicy("");
      await expect(guardedPost(`http://127.0.0.1:${port}/`, "{}", { policy: deny, headers: {} })).rejects.toThrow(OutboundPolicyError);
      await expect(guardedPost(`http://localhost:${port}/`, "{}", { policy: deny, headers: {} })).rejects.toThrow(OutboundPolicyError);
      await expect(guardedPost(`http://[::ffff:127.0.0.1]:${port}/`, "{}", { policy: deny, headers: {} })).rejects.toThrow(
        OutboundPolicyError,
      );
      await expect(guardedPost(`file:///etc/passwd`, "{}", { policy: deny, headers: {} })).rejects.toThrow(OutboundPolicyError);
      const res = await guardedPost(`http://127.0.0.1:${port}/`, "{}", { policy: parseOutboundPolicy("127.0.0.1/32"), headers: {} });
      expect(res).toMatchObject({ status: 200, body: "ok", truncated: false });
    } finally {
      s.close();
    }
  });

  it("does not follow redirects, caps the body and reports Retry-After", async () => {
    const { s, port } = await server((req, res) => {
      if (req.url === "/redirect") res.writeHead(307, { location: "http://169.254.169.254/" }).end();
      else res.writeHead(429, { "retry-after": "7" }).end("x".repeat(100_000));
    });
    try {
      const policy = parseOutboundPolicy("127.0.0.1/32");
      expect(await guardedPost(`http://127.0.0.1:${port}/redirect`, "{}", { policy, headers: {} })).toMatchObject({ status: 307 });
      const capped = await guardedPost(`http://127.0.0.1:${port}/big`, "{}", { policy, headers: {}, maxResponseBytes: 1000 });
      expect(capped).toMatchObject({ status: 429, retryAfter: "7", truncated: true });
      expect(capped.body).toHaveLength(1000);
    } finally {
      s.close();
    }
  });
});

import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { guardedPost } from "./guardedPost";
import { assertAddressAllowed, isNonPublicAddress, OutboundPolicyError, parseOutboundPolicy, webhookUrlProblem } from "./outboundPolicy";

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
    "0:0:0:0:0:ffff:7f00:1",
    "::127.0.0.1",
    "::a00:1",
    "::ffff:0:7f00:1",
    "2002:7f00:1::1",
    "2002:c0a8:101::1",
    "64:ff9b:1::a00:1",
    "3fff::1",
    "3fff:fff:ffff::1",
    "2001:0:4136:e378::1",
    "192.88.99.1",
  ])("refuses non-public %s by default", (address) => {
    expect(isNonPublicAddress(address)).toBe(true);
    expect(() => assertAddressAllowed(parseOutboundPolicy(""), "h.example", address, 443)).toThrow(OutboundPolicyError);
  });

  it.each(["93.184.215.14", "1.1.1.1", "2606:4700:4700::1111", "::ffff:1.1.1.1", "64:ff9b::101:101"])("allows public %s", (address) => {
    expect(isNonPublicAddress(address)).toBe(false);
    expect(() => assertAddressAllowed(parseOutboundPolicy(""), "h.example", address, 443)).not.toThrow();
  });

  it("allow-list admits CIDRs and host names, nothing more", () => {
    const policy = parseOutboundPolicy("127.0.0.1/32, 10.0.0.0/8, hooks.internal");
    expect(() => assertAddressAllowed(policy, "x", "127.0.0.1", 80)).not.toThrow();
    expect(() => assertAddressAllowed(policy, "x", "::ffff:127.0.0.1", 80)).not.toThrow();
    expect(() => assertAddressAllowed(policy, "x", "10.9.9.9", 80)).not.toThrow();
    expect(() => assertAddressAllowed(policy, "HOOKS.internal", "192.168.0.5", 80)).not.toThrow();
    expect(() => assertAddressAllowed(policy, "x", "127.0.0.2", 80)).toThrow(/127\.0\.0\.2/);
    expect(() => assertAddressAllowed(policy, "x", "169.254.169.254", 80)).toThrow(OutboundPolicyError);
  });

  it("an allow-listed name is still checked on what it resolves to: never metadata, link-local, multicast", () => {
    const policy = parseOutboundPolicy("hooks.internal");
    for (const address of ["169.254.169.254", "::ffff:169.254.169.254", "fd00:ec2::254", "fe80::1", "0.0.0.0", "224.0.0.1", "::"]) {
      expect(() => assertAddressAllowed(policy, "hooks.internal", address, 443), address).toThrow(/allow-listed name may not reach/);
    }
    expect(() => assertAddressAllowed(policy, "hooks.internal", "10.1.2.3", 443)).not.toThrow();
    // an explicit CIDR is the operator's decision and admits even those
    expect(() => assertAddressAllowed(parseOutboundPolicy("169.254.169.254/32"), "x", "169.254.169.254", 80)).not.toThrow();
  });

  it("allow-list entries may be scoped to one port", () => {
    const policy = parseOutboundPolicy("127.0.0.1:8080, [::1]:9000, 10.0.0.0/8:443, [fd00::/8]:8443, hooks.internal:8443");
    expect(() => assertAddressAllowed(policy, "x", "127.0.0.1", 8080)).not.toThrow();
    expect(() => assertAddressAllowed(policy, "x", "127.0.0.1", 6379)).toThrow(/port 6379/);
    expect(() => assertAddressAllowed(policy, "x", "::1", 9000)).not.toThrow();
    expect(() => assertAddressAllowed(policy, "x", "::1", 9001)).toThrow(OutboundPolicyError);
    expect(() => assertAddressAllowed(policy, "x", "10.2.3.4", 443)).not.toThrow();
    expect(() => assertAddressAllowed(policy, "x", "10.2.3.4", 22)).toThrow(OutboundPolicyError);
    expect(() => assertAddressAllowed(policy, "x", "fd12::1", 8443)).not.toThrow();
    expect(() => assertAddressAllowed(policy, "hooks.internal", "10.9.9.9", 8443)).not.toThrow();
    expect(() => assertAddressAllowed(policy, "hooks.internal", "192.168.1.1", 80)).toThrow(OutboundPolicyError);
    // public addresses need no entry, on any port
    expect(() => assertAddressAllowed(policy, "x", "1.1.1.1", 22)).not.toThrow();
  });

  it("rejects malformed allow-list entries with the entry named", () => {
    expect(() => parseOutboundPolicy("10.0.0.0/33")).toThrow(/10\.0\.0\.0\/33/);
    expect(() => parseOutboundPolicy("foo/8")).toThrow(/foo\/8/);
    expect(() => parseOutboundPolicy("a b")).toThrow(/a b/);
    expect(() => parseOutboundPolicy("127.0.0.1:0")).toThrow(/127\.0\.0\.1:0/);
    expect(() => parseOutboundPolicy("127.0.0.1:99999")).toThrow(/port must be/);
    expect(() => parseOutboundPolicy("[::1]:x")).toThrow(/\[::1\]:x/);
  });

  it("refuses at creation the URLs delivery would refuse", async () => {
    const deny = parseOutboundPolicy("");
    const noDns = () => Promise.reject(new Error("ENOTFOUND"));
    for (const url of [
      "http://169.254.169.254/latest/meta-data/",
      "http://127.0.0.1:1/",
      "http://10.1.2.3/",
      "http://user:pass@hooks.example.com/",
      "http://[::ffff:127.0.0.1]/",
      "http://[::ffff:7f00:1]:8080/",
      "http://[2002:7f00:1::1]/",
      "http://0x7f000001/",
      "http://2130706433/",
      "http://127.1/",
      "ftp://hooks.example.com/",
    ]) {
      expect(await webhookUrlProblem(deny, url, noDns), url).toBeDefined();
    }
    const resolvesTo = (addresses: string[]) => () => Promise.resolve(addresses);
    expect(await webhookUrlProblem(deny, "https://sneaky.example/", resolvesTo(["93.184.215.14", "10.0.0.1"]))).toMatch(/10\.0\.0\.1/);
    expect(await webhookUrlProblem(deny, "https://hooks.example.com/", resolvesTo(["93.184.215.14"]))).toBeUndefined();
    // not resolvable now: delivery checks again at connect time
    expect(await webhookUrlProblem(deny, "https://hooks.example.com/", noDns)).toBeUndefined();
    const allow = parseOutboundPolicy("127.0.0.1:8080, hooks.internal");
    expect(await webhookUrlProblem(allow, "http://127.0.0.1:8080/in", noDns)).toBeUndefined();
    expect(await webhookUrlProblem(allow, "http://127.0.0.1:8081/in", noDns)).toMatch(/port 8081/);
    expect(await webhookUrlProblem(allow, "http://hooks.internal/", resolvesTo(["169.254.169.254"]))).toMatch(/may not reach/);
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

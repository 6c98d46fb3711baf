import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { assertAddressAllowed, type OutboundPolicy, OutboundPolicyError, portOfUrl } from "./outboundPolicy";

export interface GuardedPostOptions {
  policy: OutboundPolicy;
  headers: Record<string, string>;
  /** whole-request deadline, connect to last body byte (default 10 s) */
  timeoutMs?: number;
  /** response bytes kept; the rest is discarded and the socket closed (default 64 KiB) */
  maxResponseBytes?: number;
}

export interface PostResult {
  status: number;
  /** the `retry-after` header, when present */
  retryAfter?: string;
  /** at most maxResponseBytes of the response body, as UTF-8 */
  body: string;
  truncated: boolean;
}

/**
 * POSTs `body` to `url` while enforcing the outgoing-address policy at connect time: the
 * address the socket actually connects to is the one checked (no DNS-rebinding gap), IP
 * literals are checked before connecting, and redirects are never followed (a 3xx is just a
 * non-2xx answer). Throws OutboundPolicyError for a refused target, Error for network
 * failures and timeouts.
 */
export function guardedPost(url: string, body: string, options: GuardedPostOptions): Promise<PostResult> {
  const target = new URL(url);
  if (target.protocol !== "http:" && target.protocol !== "https:") {
    return Promise.reject(new OutboundPolicyError(`refusing ${target.protocol} URL: only http and https`));
  }
  if (target.username || target.password) {
    return Promise.reject(new OutboundPolicyError("refusing URL with credentials"));
  }
  const hostname = target.hostname.startsWith("[") ? target.hostname.slice(1, -1) : target.hostname;
  const { policy } = options;
  const port = portOfUrl(target);
  try {
    if (isIP(hostname) !== 0) assertAddressAllowed(policy, hostname, hostname, port);
  } catch (err) {
    return Promise.reject(err);
  }
  const lookup: LookupFunction = (host, lookupOptions, callback) => {
    dnsLookup(host, { ...lookupOptions, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, "", 0);
      try {
        // refuse when any answer is non-public: a mixed answer is how rebinding attacks start
        for (const a of addresses) assertAddressAllowed(policy, host, a.address, port);
      } catch (refusal) {
        return callback(refusal as Error, "", 0);
      }
      if (lookupOptions.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const first = addresses[0];
      if (!first) return callback(new Error(`no address for ${host}`), "", 0);
      callback(null, first.address, first.family);
    });
  };
  const timeoutMs = options.timeoutMs ?? 10_000;
  const cap = options.maxResponseBytes ?? 64 * 1024;
  const send = target.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise<PostResult>((resolve, reject) => {
    let settled = false;
    const finish = (err: Error | undefined, result?: PostResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) reject(err);
      else if (result) resolve(result);
    };
    const req = send(target, {
      method: "POST",
      lookup,
      agent: false,
      headers: { ...options.headers, "content-length": String(Buffer.byteLength(body)) },
    });
    const timer = setTimeout(() => {
      req.destroy(new Error(`timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    req.on("error", (err) => finish(err));
    req.on("response", (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let kept = 0;
      let truncated = false;
      const done = () => {
        const retryAfter = res.headers["retry-after"];
        finish(undefined, {
          status: res.statusCode ?? 0,
          ...(typeof retryAfter === "string" ? { retryAfter } : {}),
          body: Buffer.concat(chunks).toString("utf8"),
          truncated,
        });
      };
      res.on("data", (chunk: Buffer) => {
        if (kept >= cap) return;
        const room = cap - kept;
        chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
        kept += Math.min(room, chunk.length);
        if (kept >= cap) {
          truncated = true;
          done();
          res.destroy();
        }
      });
      res.on("end", done);
      res.on("error", (err) => finish(err));
      res.on("close", done);
    });
    req.end(body);
  });
}

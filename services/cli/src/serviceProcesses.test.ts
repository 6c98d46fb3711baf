import { describe, expect, it } from "vitest";
import { SERVICE_NODE_OPTIONS, serviceNodeOptions } from "./serviceProcesses";

describe("serviceNodeOptions", () => {
  it("starts every service with the young-generation cap", () => {
    expect(SERVICE_NODE_OPTIONS).toMatch(/--max-semi-space-size=\d+/);
    expect(serviceNodeOptions({})).toBe(SERVICE_NODE_OPTIONS);
    expect(serviceNodeOptions({ NODE_OPTIONS: "  " })).toBe(SERVICE_NODE_OPTIONS);
  });

  it("puts the operator's NODE_OPTIONS last, so that their own value of a flag wins", () => {
    const options = serviceNodeOptions({ NODE_OPTIONS: "--max-semi-space-size=64 --enable-source-maps" });
    expect(options).toBe(`${SERVICE_NODE_OPTIONS} --max-semi-space-size=64 --enable-source-maps`);
    expect(options.lastIndexOf("--max-semi-space-size=64")).toBeGreaterThan(options.indexOf(SERVICE_NODE_OPTIONS));
  });
});

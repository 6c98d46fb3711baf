import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_RULES, RulesConfigError } from "./rulesConfig";
import { loadRulesFile } from "./rulesFile";

const dir = mkdtempSync(join(tmpdir(), "rules-file-"));
const write = (name: string, text: string) => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};

describe("loadRulesFile", () => {
  it("gives the defaults without a file, and applies the share-shift override", () => {
    expect(loadRulesFile(undefined)).toEqual(DEFAULT_RULES);
    expect(loadRulesFile(undefined, 7).shareShift).toEqual({ ...DEFAULT_RULES.shareShift, minShiftPp: 7 });
  });

  it("reads YAML and JSON files; the override wins over the file", () => {
    const yaml = write("rules.yaml", "shareShift:\n  minShiftPp: 5\n");
    expect(loadRulesFile(yaml).shareShift.minShiftPp).toBe(5);
    expect(loadRulesFile(yaml, 9).shareShift.minShiftPp).toBe(9);
    expect(loadRulesFile(write("rules.json", '{"levelShift": {"enabled": false}}')).levelShift.enabled).toBe(false);
  });

  it("names the file when it cannot be read or is not valid rules", () => {
    const missing = join(dir, "missing.yaml");
    expect(() => loadRulesFile(missing)).toThrow(RulesConfigError);
    expect(() => loadRulesFile(missing)).toThrow(`rules file ${missing} cannot be read`);
    const bad = write("bad.yaml", "shareShift:\n  minShiftPp: -1\n");
    expect(() => loadRulesFile(bad)).toThrow(new RegExp(`^${bad}: shareShift\\.minShiftPp: `));
  });
});

export { companiesTouchedBy, customsScopesOf, type DetectorHandle, type DetectorOptions, evaluateScope, startDetector } from "./detector";
export { DetectorEnv } from "./detectorEnv";
export { alertScope, type CustomsScope, DetectorState, matchesPrefixes } from "./detectorState";
export { type RebuildOptions, type RebuildReport, rebuildDetectorState } from "./rebuild";

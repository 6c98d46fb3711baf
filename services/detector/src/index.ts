export { type DetectorHandle, type DetectorOptions, startDetector } from "./detector";
export { DetectorState } from "./detectorState";
export { type RebuildOptions, type RebuildReport, rebuildDetectorState } from "./rebuild";
export { loadRulesFile } from "./rulesFile";

export { type DetectorHandle, type DetectorOptions, startDetector } from "./detector";
export { DetectorState } from "./detectorState";

import "./provided";

export {
  ANOMALY_TYPES,
  type AnomalyLabel,
  type AnomalyType,
  type GeneratedFeeds,
  type GenerateOptions,
  generateFeeds,
  QUIET_TYPES,
} from "./generate";
export { alertFixture } from "./fixtures";
export { acquireTestInfra, repoRoot, type TestInfra } from "./infra";
export { uniquePrefix } from "./names";
export { type ReceivedRequest, type Receiver, startReceiver } from "./receiver";
export { waitFor } from "./waitFor";

import "./provided";
export { acquireTestInfra, repoRoot, type TestInfra } from "./infra";
export { uniquePrefix } from "./names";
export { type ReceivedRequest, type Receiver, startReceiver } from "./receiver";
export { waitFor } from "./waitFor";

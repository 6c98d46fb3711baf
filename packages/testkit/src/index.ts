import "./provided";

export { type ReceivedRequest, type Receiver, type ScriptedResponse, startReceiver } from "@entrepot/webhooks";
export { acquireTestInfra, repoRoot, type TestInfra } from "./infra";
export { uniquePrefix } from "./names";
export { waitFor } from "./waitFor";

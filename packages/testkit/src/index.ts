import "./provided";

export { type ReceivedRequest, type Receiver, type ScriptedResponse, startReceiver } from "@entrepot/webhooks";
export { makeAlert, makeSubscription } from "./alerts";
export { alertFixture } from "./fixtures";
export { acquireTestInfra, repoRoot, type TestInfra } from "./infra";
export { uniquePrefix } from "./names";
export { waitFor } from "./waitFor";

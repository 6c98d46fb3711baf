export { type DemoOptions, runDemo } from "./demo";
export { createTopics, formatReconciliation, ingest, type Reconciliation, reconcile, waitNormalized } from "./pipelineRun";
export {
  isServiceName,
  type RunningService,
  SERVICES,
  type ServiceName,
  spawnService,
  stopServices,
  waitReady,
} from "./serviceProcesses";

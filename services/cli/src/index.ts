export { DEMO_RULES, type DemoOptions, runDemo } from "./demo";
export { createTopics, formatReconciliation, ingest, type Reconciliation, reconcile, waitNormalized } from "./pipelineRun";
export { DEMO_RULES_FILE, NVDA_REVENUE, SG_HUB_CUSTOMS } from "./samples";
export {
  isServiceName,
  type RunningService,
  SERVICE_NODE_OPTIONS,
  SERVICES,
  type ServiceName,
  serviceNodeOptions,
  spawnService,
  startPipelineServices,
  stopServices,
  waitReady,
} from "./serviceProcesses";

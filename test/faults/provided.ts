// What the faults globalSetup provides to the scenarios via vitest's inject().
declare module "vitest" {
  export interface ProvidedContext {
    /** JSON of the PrivateInfra (ports and state folder of the suite's own broker and Redis) */
    faultInfra: string;
    /** folder holding the generated feed's chunk files */
    faultFeedDir: string;
    /** JSON lines: the alerts `entrepot analyze` finds in the feed */
    faultExpectedAlerts: string;
  }
}

export {};

// What the integration globalSetup provides to tests via vitest's inject().
declare module "vitest" {
  export interface ProvidedContext {
    kafkaBrokers: string;
    redisUrl: string;
  }
}

export {};

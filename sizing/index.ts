/**
 * The sizing floor: every number that sizes the platform and every fact about AWS it is sized against
 * (the tier table and load model, instance and Fargate catalogues, regions, ports, pins and timings).
 * It imports nothing else of this project, so components, the policy pack, config validation and the
 * offline plan all read one declaration of each fact.
 */
export * from "./names";
export * from "./load";
export * from "./capacity";
export * from "./gpu-pools";
export * from "./rules";
export * from "./weakening";
export * from "./schema";
export * from "./limits";
export * from "./quantity";
export * from "./table";
export * from "./environments";
export * from "./constants";
export * from "./regions";
export * from "./instances";
export * from "./observability";
export * from "./data";
export * from "./network";
export * from "./inference";
export * from "./services";
export * from "./warm-windows";

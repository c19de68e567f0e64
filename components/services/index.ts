/**
 * The services room: the Fargate pieces in CDK `aws-ecs-patterns`' base-plus-thin-variants shape.
 * cluster.ts (ECS cluster, ECR repositories, images), service.ts (the shared service base),
 * container.ts (the hardened container definition), contract.ts (the environment and secrets every
 * service gets from its dependencies), gateway.ts (with waf.ts) and workers.ts (the thin variants),
 * worker-scaling.ts (the workers' backlog autoscaling) and queues.ts (the SQS job queues).
 */
export * from "./cluster";
export * from "./container";
export * from "./contract";
export * from "./service";
export * from "./gateway";
export * from "./workers";
export * from "./queues";
export * from "./worker-scaling";
export * from "./waf";

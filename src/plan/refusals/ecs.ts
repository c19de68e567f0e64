/**
 * AWS refusal rules, ECS: cluster, service and family names, the health check grace period, target types of awsvpc
 * services, and Fargate task sizes.
 */
import { DOCS, num, str } from "./helpers";
import type { AwsRefusalRule, Inputs } from "./types";

/**
 * Fargate task sizes: memory (MiB) accepted per CPU units (ECS developer guide, "Task CPU and memory").
 * Written out again rather than imported from sizing/constants.ts on purpose: the judge must not inherit a
 * mistake of the program it judges.
 */
const FARGATE_SIZES: Record<number, { min: number; max: number; step: number; extra?: number[] }> = {
  256: { min: 512, max: 512, step: 512, extra: [1024, 2048] },
  512: { min: 1024, max: 4096, step: 1024 },
  1024: { min: 2048, max: 8192, step: 1024 },
  2048: { min: 4096, max: 16384, step: 1024 },
  4096: { min: 8192, max: 30720, step: 1024 },
  8192: { min: 16384, max: 61440, step: 4096 },
  16384: { min: 32768, max: 122880, step: 8192 },
};

function fargateMemoryAllowed(cpu: number, memory: number): boolean {
  const size = FARGATE_SIZES[cpu];
  if (!size) return false;
  if (size.extra?.includes(memory)) return true;
  return memory >= size.min && memory <= size.max && (memory - size.min) % size.step === 0;
}

/** The rules of this family, in the table's order. */
export const ECS_RULES: readonly AwsRefusalRule[] = [
  {
    id: "ecs-names",
    types: ["aws:ecs/cluster:Cluster", "aws:ecs/service:Service", "aws:ecs/taskDefinition:TaskDefinition"],
    doc: `${DOCS.ecsCreateCluster} ${DOCS.ecsCreateService} ${DOCS.ecsRegisterTaskDefinition}`,
    observed: false,
    check: (inputs) => {
      const name = str(inputs.name) ?? str(inputs.family);
      if (name === undefined) return undefined;
      return name.length < 1 || name.length > 255 || !/^[A-Za-z0-9_-]+$/.test(name)
        ? `InvalidParameterException: "${name}": up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens are allowed.`
        : undefined;
    },
  },
  {
    id: "ecs-health-check-grace-without-load-balancer",
    types: ["aws:ecs/service:Service"],
    doc: DOCS.ecsCreateService,
    observed: true,
    check: (inputs) => {
      const lbs = inputs.loadBalancers;
      const hasLb = Array.isArray(lbs) && lbs.length > 0;
      return num(inputs.healthCheckGracePeriodSeconds) !== undefined && !hasLb
        ? "InvalidParameterException: Health check grace period is only valid for services configured to use load balancers"
        : undefined;
    },
  },
  {
    id: "ecs-awsvpc-target-type",
    types: ["aws:ecs/service:Service"],
    doc: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/alb.html",
    observed: true,
    check: (inputs, ctx) => {
      const task = ctx.byArn.get(str(inputs.taskDefinition) ?? "");
      if (task?.inputs.networkMode !== "awsvpc" || !Array.isArray(inputs.loadBalancers)) return undefined;
      for (const lb of inputs.loadBalancers as Inputs[]) {
        const arn = str(lb.targetGroupArn) ?? "";
        const tg = ctx.byArn.get(arn);
        const targetType = str(tg?.inputs.targetType) ?? "instance";
        if (tg && targetType !== "ip") {
          return `InvalidParameterException: The provided target group ${arn} has target type ${targetType}, which is incompatible with the awsvpc network mode specified in the task definition.`;
        }
      }
      return undefined;
    },
  },
  {
    id: "ecs-fargate-task-size",
    types: ["aws:ecs/taskDefinition:TaskDefinition"],
    doc: DOCS.ecsFargateTaskSize,
    observed: false,
    check: (inputs) => {
      const compat = inputs.requiresCompatibilities;
      if (!Array.isArray(compat) || !compat.includes("FARGATE")) return undefined;
      const cpu = num(inputs.cpu);
      const memory = num(inputs.memory);
      if (cpu === undefined || memory === undefined) return "ClientException: Fargate requires task definition to have cpu and memory set.";
      return fargateMemoryAllowed(cpu, memory)
        ? undefined
        : `ClientException: No Fargate configuration exists for given values: ${cpu} CPU, ${memory} memory. See the Amazon ECS documentation for the valid values.`;
    },
  },
];

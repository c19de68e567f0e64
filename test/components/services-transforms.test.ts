/**
 * The services room's per-child transforms (the ALB, the gateway's and the workers' ECS services, the
 * cluster), in both of SST's forms: a partial merged over the arguments and a function (the workers'
 * one sees the service's role). Each changes the rendered inputs; without one, or with one that
 * changes nothing, the inputs are exactly those of the untransformed component. Also the queue outputs
 * shaped for their consumers.
 */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import type { StackContext } from "../../components/component";
import { fleetBacklog } from "../../sizing";
import { FargateCluster, Gateway, JobQueues, type ServiceDependencies, Workers, type WorkersArgs, type GatewayArgs, type FargateClusterArgs } from "../../components/services";
import { MOCK_ACCOUNT_ID, mockCall, mockResource } from "../../src/plan/mocks";
import { unitContext } from "../support/unit";
import { PRIORITIES, TIERS } from "../../sizing";

const TIER = TIERS["10k"];
const captured = new Map<string, Record<string, unknown>>();

const context: StackContext = unitContext("inference-platform", "prod", TIER.observability.logRetentionDays);

const dependencies: ServiceDependencies = {
  region: "us-east-1",
  database: { host: "db", readerHost: "db-ro", port: 5432, name: "app", user: "app", poolMax: TIER.database.gatewayPoolMax },
  cache: { host: "cache", port: 6379, authTokenSecretArn: `arn:aws:secretsmanager:us-east-1:${MOCK_ACCOUNT_ID}:secret:cache`, authTokenJsonKey: "authToken" },
  buckets: { models: "models" },
  triton: { grpcUrl: "triton:8001", caCertPem: "-----BEGIN CERTIFICATE-----" },
};

const network = {
  vpcId: "vpc-1",
  publicSubnetIds: ["subnet-a"],
  privateSubnetIds: ["subnet-b"],
  loadBalancerSecurityGroupId: "sg-lb",
  serviceSecurityGroupId: "sg-api",
};

function settled<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

/** Builds the services room under `prefix` with the given transforms and waits for its resources. */
async function build(
  prefix: string,
  transform: { cluster?: FargateClusterArgs["transform"]; gateway?: GatewayArgs["transform"]; workers?: WorkersArgs["transform"] } = {},
): Promise<{ queues: JobQueues; gateway: Gateway; workers: Workers }> {
  const ecs = new FargateCluster(`${prefix}-ecs`, { context, containerInsights: true, transform: transform.cluster });
  const queues = new JobQueues(`${prefix}-queues`, { context, sizing: TIER.workers });
  const gateway = new Gateway(`${prefix}-gateway`, {
    context,
    sizing: TIER.gateway,
    safety: TIER.safety,
    network,
    cluster: ecs,
    image: ecs.images.gateway,
    dependencies,
    queueUrls: queues.urlsByPriority,
    taskPermissions: [],
    transform: transform.gateway,
  });
  const workers = new Workers(`${prefix}-workers`, {
    context,
    sizing: TIER.workers,
    network: { privateSubnetIds: network.privateSubnetIds, securityGroupId: "sg-workers" },
    cluster: ecs,
    image: ecs.images.worker,
    queues,
    dependencies,
    transform: transform.workers,
  });
  await Promise.all([
    settled(ecs.clusterArn),
    settled(gateway.loadBalancerArn),
    settled(gateway.serviceName),
    ...Object.values(workers.serviceNames).map((n) => settled(n as pulumi.Output<string>)),
  ]);
  return { queues, gateway, workers };
}

/**
 * A resource's captured inputs, with references to its siblings made comparable across builds: mock
 * ids, ARNs and auto-names carry the logical name (and a hash or random suffix), which differs only by the build's prefix.
 */
const inputs = (name: string): Record<string, unknown> => {
  const found = captured.get(name);
  if (!found) throw new Error(`no resource ${name}`);
  return JSON.parse(JSON.stringify(found).replace(/\b(plain|noop|partial|function)-/g, "build-").replace(/(?<=[-/])[0-9a-f]{7,16}\b/g, "<hash>")) as Record<string, unknown>;
};

describe("services transforms", () => {
  let plain: { queues: JobQueues; gateway: Gateway; workers: Workers };

  beforeAll(async () => {
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          captured.set(args.name, args.inputs as Record<string, unknown>);
          return mockResource(args);
        },
        call: mockCall,
      },
      "inference-platform",
      "prod",
      false,
    );
    plain = await build("plain");
    await build("noop", {
      cluster: { cluster: {} },
      gateway: { loadBalancer: {}, service: (a) => a },
      workers: { service: (a) => a },
    });
    await build("partial", {
      cluster: { cluster: { settings: [{ name: "containerInsights", value: "disabled" }] } },
      gateway: { loadBalancer: { idleTimeout: 120 }, service: { enableExecuteCommand: true } },
      workers: { service: { propagateTags: "TASK_DEFINITION" } },
    });
    await build("function", {
      cluster: { cluster: (a) => ({ ...a, tags: { team: "ml" } }) },
      gateway: { loadBalancer: (a) => ({ ...a, idleTimeout: 300 }), service: (a) => ({ ...a, platformVersion: "1.4.0" }) },
      workers: { service: (a, role) => (role === "worker-sprint" ? { ...a, platformVersion: "1.4.0" } : a) },
    });
  });

  it("leaves every input unchanged without a transform or with one that changes nothing", () => {
    const plainNames = [...captured.keys()].filter((n) => n.startsWith("plain-"));
    expect(plainNames.length).toBeGreaterThan(20);
    expect([...captured.keys()].filter((n) => n.startsWith("noop-")).sort()).toEqual(plainNames.map((n) => n.replace(/^plain-/, "noop-")).sort());
    for (const name of plainNames) expect(inputs(name.replace(/^plain-/, "noop-"))).toEqual(inputs(name));
  });

  it("merges a partial over the ALB's, the services' and the cluster's arguments", () => {
    expect(inputs("plain-gateway-alb").idleTimeout).toBeUndefined();
    expect(inputs("partial-gateway-alb")).toEqual({ ...inputs("plain-gateway-alb"), idleTimeout: 120 });
    expect(inputs("partial-gateway-api-service")).toEqual({ ...inputs("plain-gateway-api-service"), enableExecuteCommand: true });
    for (const p of PRIORITIES) {
      expect(inputs(`partial-workers-${p}-service`)).toEqual({ ...inputs(`plain-workers-${p}-service`), propagateTags: "TASK_DEFINITION" });
    }
    expect(inputs("partial-ecs-cluster").settings).toEqual([{ name: "containerInsights", value: "disabled" }]);
  });

  it("calls a function form with the arguments (and, for the workers, the service's role)", () => {
    expect(inputs("function-gateway-alb").idleTimeout).toBe(300);
    expect(inputs("function-gateway-api-service").platformVersion).toBe("1.4.0");
    expect(inputs("function-workers-sprint-service").platformVersion).toBe("1.4.0");
    expect(inputs("function-workers-free-service")).toEqual(inputs("plain-workers-free-service"));
    expect(inputs("function-ecs-cluster").tags).toEqual({ team: "ml" });
  });

  it("shapes the queue outputs for their consumers, in priority order", async () => {
    const { queues } = plain;
    expect(Object.keys(queues.urlsByPriority)).toEqual([...PRIORITIES]);
    expect(await settled(pulumi.all(queues.urlsByPriority))).toEqual(await settled(pulumi.all(PRIORITIES.map((p) => queues.byPriority[p].url)).apply((urls) => Object.fromEntries(PRIORITIES.map((p, i) => [p, urls[i]])))));
    expect(queues.alarmQueues.map((q) => q.priority)).toEqual([...PRIORITIES]);
    const wake = queues.tritonWakeSources;
    expect(wake.map((w) => w.url)).toEqual(PRIORITIES.map((p) => queues.byPriority[p].url));
    expect(wake.map((w) => w.backlogPerReplica)).toEqual(PRIORITIES.map((p) => TIER.workers.priorities[p].backlogPerTask * TIER.workers.priorities[p].maxTasks));
    expect(wake.map((w) => w.backlogPerReplica)).toEqual(PRIORITIES.map((p) => fleetBacklog(TIER.workers.priorities[p])));
  });

  it("shapes what Observability watches: the gateway's load balancer and service, each worker service by role", async () => {
    const { gateway, workers } = plain;
    expect(gateway.observedLoadBalancer).toEqual({ arnSuffix: gateway.loadBalancerArnSuffix, targetGroupArnSuffix: gateway.targetGroupArnSuffix });
    expect(gateway.observedService).toEqual({ role: "gateway", serviceName: gateway.serviceName, clusterName: gateway.clusterName });
    expect(workers.observedServices.map((s) => s.role)).toEqual(Object.keys(workers.serviceNames).map((k) => `worker-${k}`));
    expect(workers.observedServices.map((s) => s.serviceName)).toEqual(Object.values(workers.serviceNames));
    for (const s of workers.observedServices) expect(s.clusterName).toBe(workers.clusterName);
  });
});


/**
 * Inference built directly (not through the platform) to exercise its per-child transforms: the EKS
 * cluster, each node group (told its role) and Triton's Deployment, in both forms (a partial merged
 * over the arguments, a function returning them), and that without a transform, or with ones that
 * return their arguments unchanged, every rendered input is the same. Also the outputs shaped for
 * consumers (node-group ASG names by role, Triton's endpoints), and the private zone's name for a stack
 * name that needs normalizing.
 */
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { Inference, type InferenceArgs } from "../../components/inference";
import { settle } from "../../src/plan/harness";
import { mockCall, mockResource } from "../../src/plan/mocks";
import { TIERS, type Tier } from "../../sizing";
import { recordRegistrations, unitContext } from "../support/unit";

/** A tier whose GPU pool is spot with an on-demand fallback, so both GPU node groups exist. */
const TIER = (Object.keys(TIERS) as Tier[]).find((t) => TIERS[t].gpu.capacityType === "SPOT" && TIERS[t].gpu.onDemandFallback)!;

type Inputs = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function args(transform?: InferenceArgs["transform"]): InferenceArgs {
  const sizing = TIERS[TIER];
  return {
    context: unitContext("inference-platform", "dev", sizing.observability.logRetentionDays),
    kubernetesVersion: "1.34",
    gpuType: "l4",
    sizing,
    vpcId: "vpc-0000",
    privateSubnetIds: ["subnet-a", "subnet-b"],
    tritonClientCidrs: ["10.0.0.0/19", "10.0.32.0/19"],
    securityGroupIds: { gpuNodes: "sg-gpu", tritonLoadBalancer: "sg-nlb" },
    publicAccessCidrs: ["203.0.113.0/24"],
    tritonImage: "nvcr.io/nvidia/tritonserver:25.10-py3",
    modelBucketName: "models",
    modelRepositoryPrefix: "triton",
    modelReadStatements: [{ Sid: "ReadModels", Action: ["s3:GetObject"], Resource: "arn:aws:s3:::models/triton/*" }],
    transform,
  };
}

/** Builds Inference under mocks; returns every resource's inputs by logical name, and the component. */
async function build(transform?: InferenceArgs["transform"]): Promise<{ inputs: Map<string, Inputs>; inference: Inference }> {
  const inputs = new Map<string, Inputs>();
  await pulumi.runtime.setMocks(
    {
      newResource: (a) => {
        inputs.set(a.name, a.inputs as Inputs);
        return mockResource(a);
      },
      call: mockCall,
    },
    "inference-platform",
    "dev",
    false,
  );
  const inference = new Inference("inference", args(transform));
  // Resources register asynchronously (outputs resolve first): wait until the count stops moving.
  await settle(() => inputs.size);
  return { inputs, inference };
}

function promiseOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

const get = (inputs: Map<string, Inputs>, name: string): Inputs => {
  const found = inputs.get(name);
  if (!found) throw new Error(`no resource ${name}`);
  return found;
};

describe(`Inference transforms (tier ${TIER})`, () => {
  it("leaves every input unchanged without a transform, or with transforms that return their arguments", async () => {
    const plain = await build();
    const identity = await build({ cluster: (a) => a, nodeGroup: (a) => a, tritonDeployment: (a) => a });
    const empty = await build({ cluster: {}, nodeGroup: {}, tritonDeployment: {} });
    expect(plain.inputs.size).toBeGreaterThan(50);
    expect(Object.fromEntries(identity.inputs)).toEqual(Object.fromEntries(plain.inputs));
    expect(Object.fromEntries(empty.inputs)).toEqual(Object.fromEntries(plain.inputs));
  });

  it("merges a partial over the cluster's and the Deployment's arguments", async () => {
    const plain = await build();
    const { inputs } = await build({
      cluster: { upgradePolicy: { supportType: "EXTENDED" } },
      tritonDeployment: { metadata: { name: "triton", namespace: "triton", labels: { team: "ml" } } },
    });
    expect(get(inputs, "inference-cluster").upgradePolicy).toEqual({ supportType: "EXTENDED" });
    expect(get(inputs, "inference-cluster").name).toBe(get(plain.inputs, "inference-cluster").name);
    expect(get(inputs, "inference-triton").metadata).toEqual({ name: "triton", namespace: "triton", labels: { team: "ml" } });
    expect(get(inputs, "inference-triton").spec).toEqual(get(plain.inputs, "inference-triton").spec);
  });

  it("calls a function transform with each node group's role, and uses what it returns", async () => {
    const plain = await build();
    const roles: string[] = [];
    const { inputs } = await build({
      nodeGroup: (a, role) => {
        roles.push(role);
        return role === "gpu-primary" ? { ...a, updateConfig: { maxUnavailablePercentage: 50 } } : a;
      },
      tritonDeployment: (a) => ({ ...a, metadata: { name: "triton", namespace: "triton", annotations: { owner: "ml" } } }),
    });
    expect(roles).toEqual(["system", "gpu-primary", "gpu-fallback"]);
    expect(get(inputs, "inference-gpu-primary").updateConfig).toEqual({ maxUnavailablePercentage: 50 });
    expect(get(inputs, "inference-gpu-fallback")).toEqual(get(plain.inputs, "inference-gpu-fallback"));
    expect(get(inputs, "inference-system")).toEqual(get(plain.inputs, "inference-system"));
    expect(get(inputs, "inference-triton").metadata.annotations).toEqual({ owner: "ml" });
  });

  it("merges a node-group partial over every node group, and uses what a cluster function returns", async () => {
    const plain = await build();
    const { inputs } = await build({
      nodeGroup: { updateConfig: { maxUnavailable: 1 } },
      cluster: (a) => ({ ...a, upgradePolicy: { supportType: "STANDARD" } }),
    });
    for (const role of ["system", "gpu-primary", "gpu-fallback"]) {
      expect(get(inputs, `inference-${role}`)).toEqual({ ...get(plain.inputs, `inference-${role}`), updateConfig: { maxUnavailable: 1 } });
    }
    expect(get(inputs, "inference-cluster")).toEqual({ ...get(plain.inputs, "inference-cluster"), upgradePolicy: { supportType: "STANDARD" } });
  });

  it("names each node group's Auto Scaling group by role and gives Triton's endpoints as one object", async () => {
    const { inference } = await build();
    expect(inference.nodeGroupAutoScalingGroups.map((g) => g.role)).toEqual(["system", "gpu-primary", "gpu-fallback"]);
    for (const g of inference.nodeGroupAutoScalingGroups) expect(await promiseOf(g.autoScalingGroupName)).toEqual(expect.any(String));
    expect(await promiseOf(inference.tritonEndpoints.caCertPem)).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(await promiseOf(inference.tritonEndpoints.grpcUrl)).toMatch(/^[^/]+:8001$/);
  });
});

describe("private zone name", () => {
  // Stack names may hold `_`, `.` and upper case; the zone is named from the normalized prefix
  // (stackNamePrefix), as every physical name is, so `Feature_1.x` cannot add a DNS label.
  it("normalizes a stack name holding `_` and `.`", async () => {
    const tier = (Object.keys(TIERS) as Tier[]).find((t) => TIERS[t].triton.endpoint === "privateDns")!;
    const sizing = TIERS[tier];
    const recorded = await recordRegistrations("inference-platform", "Feature_1.x", () => {
      new Inference("inference", { ...args(), sizing, context: unitContext("inference-platform", "Feature_1.x", sizing.observability.logRetentionDays) });
    });
    const zone = recorded.find((r) => r.type === "aws:route53/zone:Zone");
    expect(zone?.inputs.name).toBe("inference-platform-feature-1-x.internal");
  });
});

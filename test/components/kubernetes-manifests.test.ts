/**
 * Every Kubernetes manifest the program emits, for every shipped stack × tier, validated against
 * the Kubernetes OpenAPI schemas (kubernetes-models). Helm charts and KEDA custom resources have no
 * schema in that package: they are listed explicitly so a new built-in kind cannot slip past.
 */
import { Namespace } from "kubernetes-models/v1/Namespace";
import { Service } from "kubernetes-models/v1/Service";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import { describe, expect, it } from "vitest";
import { rendered, stackTierMatrix, type Captured as Obj } from "../support/graph";


/** Built-in kinds the program emits, by Pulumi type token, with their schema-validating model. */
const MODELS: Record<string, new (data: Obj) => { validate(): void }> = {
  "kubernetes:core/v1:Namespace": Namespace,
  "kubernetes:core/v1:Service": Service,
  "kubernetes:core/v1:ServiceAccount": ServiceAccount,
  "kubernetes:apps/v1:Deployment": Deployment,
  "kubernetes:policy/v1:PodDisruptionBudget": PodDisruptionBudget,
  "kubernetes:networking.k8s.io/v1:NetworkPolicy": NetworkPolicy,
};

/** Kinds outside the core schemas: Helm releases (rendered by Helm) and KEDA's CRDs. */
const NOT_IN_CORE_SCHEMAS = new Set([
  "kubernetes:helm.sh/v4:Chart",
  "kubernetes:keda.sh/v1alpha1:ScaledObject",
  "kubernetes:keda.sh/v1alpha1:TriggerAuthentication",
]);

/** The manifest as the API server would receive it: what Pulumi sends, minus its own bookkeeping. */
function manifestOf(inputs: Obj): Obj {
  const { __defaults: _defaults, ...rest } = inputs;
  return rest;
}

describe("kubernetes-models rejects what the API server would reject", () => {
  it("fails a Deployment whose container port is a string", () => {
    const bad = new Deployment({
      metadata: { name: "x" },
      spec: { selector: {}, template: { spec: { containers: [{ name: "c", ports: [{ containerPort: "8000" as never }] }] } } },
    });
    expect(() => bad.validate()).toThrowError(/containerPort must be integer/);
  });
});

describe.each(stackTierMatrix())("Kubernetes manifests of $stack at $tier", ({ stack, tier }) => {
  it("every built-in object validates against the Kubernetes OpenAPI schema", async () => {
    const g = await rendered(stack, tier);
    const objects = g.resources.filter((r) => r.type.startsWith("kubernetes:"));
    const unknown = objects.filter((r) => !MODELS[r.type] && !NOT_IN_CORE_SCHEMAS.has(r.type));
    expect(unknown.map((r) => r.type)).toEqual([]);

    const validated = objects.filter((r) => MODELS[r.type]);
    for (const r of validated) {
      const manifest = manifestOf(r.inputs as Obj);
      const [, group, kind] = r.type.split(":");
      expect([r.name, manifest.kind]).toEqual([r.name, kind]);
      expect([r.name, manifest.apiVersion]).toEqual([r.name, group.replace(/^core\//, "")]);
      const model = new MODELS[r.type](manifest);
      expect(() => model.validate(), `${r.type} ${r.name}`).not.toThrow();
    }
    // The Triton objects are all among them (PDB only when a second replica can exist).
    const kinds = new Set(validated.map((r) => r.type.split(":")[2]));
    for (const kind of ["Namespace", "ServiceAccount", "Deployment", "Service", "NetworkPolicy"]) expect(kinds).toContain(kind);
    expect(kinds.has("PodDisruptionBudget")).toBe(g.config.sizing.triton.maxReplicas > 1);
  });

  it("KEDA objects carry the fields KEDA's CRD requires", async () => {
    const g = await rendered(stack, tier);
    for (const r of g.resources.filter((x) => x.type.startsWith("kubernetes:keda.sh/"))) {
      const m = r.inputs as Obj;
      expect(m.apiVersion).toBe("keda.sh/v1alpha1");
      expect(typeof m.metadata.name).toBe("string");
      expect(typeof m.metadata.namespace).toBe("string");
      if (m.kind === "ScaledObject") {
        expect(typeof m.spec.scaleTargetRef.name).toBe("string");
        expect(Number.isInteger(m.spec.minReplicaCount)).toBe(true);
        expect(Number.isInteger(m.spec.maxReplicaCount)).toBe(true);
        expect(m.spec.minReplicaCount).toBeLessThanOrEqual(m.spec.maxReplicaCount);
        for (const t of m.spec.triggers as Obj[]) {
          expect(typeof t.type).toBe("string");
          // KEDA's trigger metadata is map[string]string: a number here fails admission.
          for (const v of Object.values(t.metadata)) expect(typeof v).toBe("string");
        }
      } else {
        expect(m.kind).toBe("TriggerAuthentication");
        expect(["aws", "aws-eks", "none"]).toContain(m.spec.podIdentity.provider);
      }
    }
  });
});

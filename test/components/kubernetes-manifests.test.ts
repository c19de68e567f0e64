/**
 * Every Kubernetes manifest the program emits, for every shipped stack × tier, validated against
 * the Kubernetes OpenAPI schemas (kubernetes-models), and KEDA's ScaledObject and TriggerAuthentication
 * against KEDA's CRD schemas (@kubernetes-models/keda). Helm charts are rendered by Helm and listed
 * explicitly, so a new kind cannot slip past.
 *
 * @kubernetes-models/keda 0.4.2 is generated from KEDA 2.10.1's CRDs (its package.json
 * `crd-generate` input); the program installs KEDA 2.18 (HELM_CHARTS.keda). Its 2.0.0 release (newer
 * CRDs) needs Node >= 22 and is ESM-only, so it is not used on this project's Node 20. Fields KEDA added
 * after 2.10 (podIdentity.identityOwner, provider `aws`) pass because the CRD schema has no enum or
 * closed property list there; types, required fields and string-only trigger metadata are checked.
 */
import { Namespace } from "kubernetes-models/v1/Namespace";
import { Secret } from "kubernetes-models/v1/Secret";
import { Service } from "kubernetes-models/v1/Service";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import { ScaledObject } from "@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject";
import { TriggerAuthentication } from "@kubernetes-models/keda/keda.sh/v1alpha1/TriggerAuthentication";
import { describe, expect, it } from "vitest";
import { rendered, stackTierMatrix, type Captured as Obj } from "../support/graph";


/** Built-in kinds the program emits, by Pulumi type token, with their schema-validating model. */
const MODELS: Record<string, new (data: Obj) => { validate(): void }> = {
  "kubernetes:core/v1:Namespace": Namespace,
  "kubernetes:core/v1:Service": Service,
  "kubernetes:core/v1:Secret": Secret,
  "kubernetes:core/v1:ServiceAccount": ServiceAccount,
  "kubernetes:apps/v1:Deployment": Deployment,
  "kubernetes:policy/v1:PodDisruptionBudget": PodDisruptionBudget,
  "kubernetes:networking.k8s.io/v1:NetworkPolicy": NetworkPolicy,
  "kubernetes:keda.sh/v1alpha1:ScaledObject": ScaledObject as unknown as new (data: Obj) => { validate(): void },
  "kubernetes:keda.sh/v1alpha1:TriggerAuthentication": TriggerAuthentication as unknown as new (data: Obj) => { validate(): void },
};

/** Kinds without a schema here: Helm releases (their objects are rendered by Helm). */
const NOT_IN_CORE_SCHEMAS = new Set(["kubernetes:helm.sh/v4:Chart"]);

/** How the engine wraps a secret value (@pulumi/pulumi runtime/rpc.ts specialSigKey/specialSecretSig). */
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** A value as the API server receives it: the provider sends a secret's plaintext, not the engine's wrapper. */
function unwrapSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value === null || typeof value !== "object") return value;
  const o = value as Obj;
  if (o[SECRET_SIG_KEY] === SECRET_SIG) return unwrapSecrets(o.value);
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, unwrapSecrets(v)]));
}

/** The manifest as the API server would receive it: what Pulumi sends, minus its own bookkeeping. */
function manifestOf(inputs: Obj): Obj {
  const { __defaults: _defaults, ...rest } = inputs;
  return unwrapSecrets(rest) as Obj;
}

describe("kubernetes-models rejects what the API server would reject", () => {
  it("fails a Deployment whose container port is a string", () => {
    const bad = new Deployment({
      metadata: { name: "x" },
      spec: { selector: {}, template: { spec: { containers: [{ name: "c", ports: [{ containerPort: "8000" as never }] }] } } },
    });
    expect(() => bad.validate()).toThrowError(/containerPort must be integer/);
  });

  it("fails a KEDA ScaledObject whose trigger metadata holds a number, or that lacks its target", () => {
    const numeric = new ScaledObject({
      metadata: { name: "x" },
      spec: { scaleTargetRef: { name: "triton" }, triggers: [{ type: "aws-cloudwatch", metadata: { targetMetricValue: 5 as never } }] },
    });
    expect(() => numeric.validate()).toThrowError(/metadata\/targetMetricValue must be string/);
    const noTarget = new ScaledObject({ metadata: { name: "x" }, spec: { triggers: [] } as never });
    expect(() => noTarget.validate()).toThrowError(/scaleTargetRef/);
  });

  it("fails a TriggerAuthentication whose podIdentity has no provider", () => {
    const bad = new TriggerAuthentication({ metadata: { name: "x" }, spec: { podIdentity: {} as never } });
    expect(() => bad.validate()).toThrowError(/provider/);
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
    for (const kind of ["Namespace", "ServiceAccount", "Deployment", "Service", "NetworkPolicy", "ScaledObject", "TriggerAuthentication"]) expect(kinds).toContain(kind);
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

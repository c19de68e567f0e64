/**
 * TLS on the gateway/workers -> Triton hop (components/inference/triton-tls.ts), at every stack x tier:
 * a private CA signs Triton's server certificate for the one name clients dial; the key reaches the
 * pod as a read-only mounted Secret; Triton serves gRPC over TLS; the clients get the CA, never a key.
 */
import { describe, expect, it } from "vitest";
import { CERTIFICATE_HASH_ANNOTATION, TRITON_TLS_FLAGS } from "../../components/inference/triton-tls";
import { TRITON_TLS } from "../../sizing";
import { named, rendered, stackTierMatrix, type Captured as Obj } from "../support/graph";

/** How the engine marks a secret value (@pulumi/pulumi runtime/rpc.ts: specialSigKey, specialSecretSig). */
const PULUMI_SECRET_SIG = "4dabf18193072939515e22adb298388d";
const PULUMI_SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";

describe.each(stackTierMatrix())("Triton TLS of $stack at $tier", ({ stack, tier }) => {
  it("signs a server certificate for exactly the name clients dial, with a separate private CA", async () => {
    const g = await rendered(stack, tier);
    const host = String(g.outputs.tritonGrpcUrl).split(":")[0];
    expect(host).toBe(`triton.inference-platform-${stack}.internal`);
    expect(named(g, "inference-triton-server-csr").inputs).toMatchObject({ dnsNames: [host], subject: { commonName: host } });
    expect(named(g, "inference-triton-ca").inputs).toMatchObject({
      isCaCertificate: true,
      allowedUses: ["cert_signing", "crl_signing"],
      validityPeriodHours: TRITON_TLS.caValidityHours,
      earlyRenewalHours: TRITON_TLS.caEarlyRenewalHours,
    });
    const server = named(g, "inference-triton-server-cert").inputs;
    expect(server).toMatchObject({
      allowedUses: ["server_auth", "digital_signature"],
      validityPeriodHours: TRITON_TLS.serverValidityHours,
      earlyRenewalHours: TRITON_TLS.serverEarlyRenewalHours,
    });
    expect(server.isCaCertificate).toBeUndefined();
    for (const key of ["inference-triton-ca-key", "inference-triton-server-key"]) {
      expect(named(g, key).inputs).toEqual({ algorithm: "ECDSA", ecdsaCurve: "P256" });
    }
    expect(g.outputs.tritonGrpcCaPem).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(Date.parse(String(g.outputs.tritonCertificateExpiry))).not.toBeNaN();
  });

  it("serves gRPC over TLS from a kubernetes.io/tls Secret mounted read-only, rolled on a new certificate", async () => {
    const g = await rendered(stack, tier);
    const secret = named(g, "inference-triton-grpc-tls").inputs as Obj;
    expect(secret.type).toBe("kubernetes.io/tls");
    expect(secret.metadata.namespace).toBe("triton");
    // The whole stringData is a secret value (the key in it is a secret output of tls.PrivateKey), so
    // state encrypts it and previews mask it.
    expect(secret.stringData[PULUMI_SECRET_SIG]).toBe(PULUMI_SECRET_VALUE);
    expect(Object.keys(secret.stringData.value).sort()).toEqual(["tls.crt", "tls.key"]);
    const deployment = named(g, "inference-triton").inputs as Obj;
    const pod = deployment.spec.template.spec;
    const c = pod.containers[0];
    for (const flag of TRITON_TLS_FLAGS) expect(c.args).toContain(flag);
    expect(c.args).toContain("--grpc-use-ssl=true");
    const mount = c.volumeMounts.find((m: Obj) => m.name === "grpc-tls");
    expect(mount).toEqual({ name: "grpc-tls", mountPath: "/etc/triton/tls", readOnly: true });
    for (const path of ["tls.crt", "tls.key"]) expect(c.args).toContain(c.args.find((a: string) => a.endsWith(`${mount.mountPath}/${path}`)));
    const volume = pod.volumes.find((v: Obj) => v.name === "grpc-tls");
    expect(volume.secret).toEqual({ secretName: secret.metadata.name, defaultMode: 0o440 });
    // Group-readable by the pod's fsGroup, which Triton's user belongs to.
    expect(pod.securityContext.fsGroup).toBe(pod.securityContext.runAsGroup);
    // Never in the environment.
    expect(JSON.stringify(c.env)).not.toContain("PRIVATE KEY");
    expect(deployment.spec.template.metadata.annotations[CERTIFICATE_HASH_ANNOTATION]).toMatch(/^[0-9a-f]{64}$/);
  });

  it("gives the gateway and every worker the CA and the TLS endpoint, never a key or a plain HTTP URL", async () => {
    const g = await rendered(stack, tier);
    const defs = g.resources.filter((r) => r.type === "aws:ecs/taskDefinition:TaskDefinition");
    expect(defs.length).toBeGreaterThan(1);
    for (const def of defs) {
      const containers = JSON.parse(String(def.inputs.containerDefinitions)) as Obj[];
      const env = Object.fromEntries((containers[0].environment as { name: string; value: string }[]).map((e) => [e.name, e.value]));
      expect(env.TRITON_GRPC_URL, def.name).toBe(g.outputs.tritonGrpcUrl);
      expect(env.TRITON_GRPC_CA_PEM, def.name).toBe(g.outputs.tritonGrpcCaPem);
      expect(env, def.name).not.toHaveProperty("TRITON_HTTP_URL");
      expect(JSON.stringify(containers), def.name).not.toContain("PRIVATE KEY");
    }
  });
});

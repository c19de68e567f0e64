/**
 * TLS on the gateway/workers -> Triton gRPC hop: a private CA (computed by the Pulumi engine, its key
 * a secret in state), Triton's server certificate for its one stable name (`triton.<zone>`, every
 * tier), the `kubernetes.io/tls` Secret holding it, and what Triton's pod needs to serve it (command
 * line flags, read-only mount, a rollout annotation).
 *
 * Triton's flags (triton-inference-server/server `tritonserver --help`, src/command_line_parser.cc):
 * `--grpc-use-ssl`, `--grpc-server-cert`, `--grpc-server-key` ("File holding PEM-encoded server
 * certificate/key. Ignored unless --grpc-use-ssl is true"). The HTTP endpoint (8000) has no TLS
 * option, so it stays inside the cluster (kubelet probes, the NLB's health check) and is closed to
 * clients by the security groups (components/network/security-groups.ts). Mutual TLS
 * (`--grpc-use-ssl-mutual`) is out of scope: the clients are authenticated by the network.
 *
 * The CA is separate from the server certificate on purpose: renewing the server certificate keeps
 * the CA the clients trust (TRITON_GRPC_CA_PEM), so it rolls Triton's pods and redeploys no service.
 * The tls provider renews a certificate only when `pulumi up` runs inside its early-renewal window
 * (registry.terraform.io/providers/hashicorp/tls, tls_locally_signed_cert "Automatic Renewal"):
 * `tritonCertificateExpiry` is a stack output, and docs/runbooks.md says when to deploy.
 */
import { createHash } from "node:crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { TRITON_TLS } from "../../sizing";

/** Where the Secret is mounted in Triton's container; `tls.crt`/`tls.key` are the kubernetes.io/tls keys. */
const MOUNT_PATH = "/etc/triton/tls";
const VOLUME = "grpc-tls";
const SECRET_NAME = "triton-grpc-tls";
/** Pod-template annotation carrying the certificate's hash: a renewed certificate rolls the pods (Triton reads the files at startup). */
export const CERTIFICATE_HASH_ANNOTATION = "platform.io/triton-grpc-cert-sha256";
/** The Triton flags that serve gRPC over TLS from the mounted Secret. */
export const TRITON_TLS_FLAGS = ["--grpc-use-ssl=true", `--grpc-server-cert=${MOUNT_PATH}/tls.crt`, `--grpc-server-key=${MOUNT_PATH}/tls.key`];
/**
 * ECDSA P-256: a TLS 1.2/1.3 signature algorithm every gRPC client stack accepts (gRPC core on
 * BoringSSL, grpc-java, Go crypto/tls), smaller and faster to handshake than RSA 2048.
 */
const KEY = { algorithm: "ECDSA", ecdsaCurve: "P256" } as const;

export interface TritonTlsArgs {
  /** The name clients dial and the certificate is for. @example `"triton.inference-platform-prod.internal"` */
  hostname: string;
  /** Namespace of the Secret (Triton's). */
  namespace: pulumi.Input<string>;
  /** Labels of the Secret. */
  labels: Record<string, string>;
}

export interface TritonTls {
  caKey: tls.PrivateKey;
  ca: tls.SelfSignedCert;
  serverKey: tls.PrivateKey;
  serverCertificate: tls.LocallySignedCert;
  secret: k8s.core.v1.Secret;
  /** The CA certificate (PEM) the clients verify Triton with: public, a plain environment variable. */
  caCertPem: pulumi.Output<string>;
  /** When the server certificate expires (RFC 3339); `pulumi up` renews it in the early-renewal window before. */
  expiry: pulumi.Output<string>;
  /** The Triton flags that serve gRPC over TLS from the mounted Secret. */
  flags: string[];
  /** Pod-template pieces: the Secret volume, its read-only mount and the rollout annotation. */
  volume: k8s.types.input.core.v1.Volume;
  volumeMount: k8s.types.input.core.v1.VolumeMount;
  podAnnotations: pulumi.Output<Record<string, string>>;
}

export function createTritonTls(
  name: string,
  args: TritonTlsArgs,
  parent: pulumi.Resource,
  opts: pulumi.CustomResourceOptions,
): TritonTls {
  // Private keys: the SDK marks privateKeyPem a secret output itself (@pulumi/tls privateKey.js,
  // additionalSecretOutputs), so the state holds it encrypted and previews never print it.
  const caKey = new tls.PrivateKey(`${name}-triton-ca-key`, { ...KEY }, { parent });
  const ca = new tls.SelfSignedCert(
    `${name}-triton-ca`,
    {
      privateKeyPem: caKey.privateKeyPem,
      subject: { commonName: `${args.hostname} CA` },
      isCaCertificate: true,
      allowedUses: ["cert_signing", "crl_signing"],
      validityPeriodHours: TRITON_TLS.caValidityHours,
      earlyRenewalHours: TRITON_TLS.caEarlyRenewalHours,
    },
    { parent },
  );
  const serverKey = new tls.PrivateKey(`${name}-triton-server-key`, { ...KEY }, { parent });
  const request = new tls.CertRequest(
    `${name}-triton-server-csr`,
    { privateKeyPem: serverKey.privateKeyPem, subject: { commonName: args.hostname }, dnsNames: [args.hostname] },
    { parent },
  );
  const serverCertificate = new tls.LocallySignedCert(
    `${name}-triton-server-cert`,
    {
      certRequestPem: request.certRequestPem,
      caPrivateKeyPem: caKey.privateKeyPem,
      caCertPem: ca.certPem,
      // No key_encipherment: an ECDSA key signs the handshake, it never encrypts a key (RFC 5480 §3).
      allowedUses: ["server_auth", "digital_signature"],
      validityPeriodHours: TRITON_TLS.serverValidityHours,
      earlyRenewalHours: TRITON_TLS.serverEarlyRenewalHours,
    },
    { parent },
  );
  // The key reaches the pod only as a mounted file: never an environment variable, never logged.
  const secret = new k8s.core.v1.Secret(
    `${name}-triton-grpc-tls`,
    {
      metadata: { name: SECRET_NAME, namespace: args.namespace, labels: args.labels },
      type: "kubernetes.io/tls",
      stringData: { "tls.crt": serverCertificate.certPem, "tls.key": serverKey.privateKeyPem },
    },
    opts,
  );
  return {
    caKey,
    ca,
    serverKey,
    serverCertificate,
    secret,
    caCertPem: ca.certPem,
    expiry: serverCertificate.validityEndTime,
    flags: TRITON_TLS_FLAGS,
    // 0440: readable by the pod's fsGroup (Triton's group owns the projected files), by nobody else.
    volume: { name: VOLUME, secret: { secretName: SECRET_NAME, defaultMode: 0o440 } },
    volumeMount: { name: VOLUME, mountPath: MOUNT_PATH, readOnly: true },
    podAnnotations: serverCertificate.certPem.apply(
      (pem): Record<string, string> => ({ [CERTIFICATE_HASH_ANNOTATION]: createHash("sha256").update(pem).digest("hex") }),
    ),
  };
}

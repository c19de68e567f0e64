/**
 * The configuration reference (docs/configuration.md's generated `config-reference` block): every
 * top-level stack config key, its default and what it means.
 *
 * STUB kept by the docs sweep until the sizing room's version lands: that one renders the same table
 * from the zod schema in sizing/ (one declaration of the shape, every field documented). Keep the
 * signature: src/plan/docs.ts calls `configReferenceMarkdown()` and writes what it returns verbatim.
 * Links are relative to docs/ (the block lives in docs/configuration.md).
 */

/** key, default, meaning: the rows of the reference table, as the README listed them before the sweep. */
const KEYS: [key: string, defaultValue: string, meaning: string][] = [
  ["`aws:region`", "(required)", "region of the stack; the cost model prices `us-east-1`"],
  ["`tier`", "(required)", "`1k`, `10k` or `100k`"],
  ["`environment`", "from the stack name", "`dev` or `prod` profile; a stack named like prod in any case (a word of the name starting with `prod`: `Prod-eu`, `Production`, `eu-prod`) gets `prod`, and `dev` on such a stack needs the `prod-as-dev` acknowledgement"],
  ["`gpuType`", "`l4`", "`l4` (g6 family) or `a10g` (g5 family)"],
  ["`kubernetesVersion`", "`1.34`", "EKS version; one of the versions in standard support"],
  ["`domain`", "–", "public API hostname; with `hostedZoneId` the stack requests and DNS-validates an ACM certificate"],
  ["`hostedZoneId`", "–", "Route 53 zone of `domain`"],
  ["`certificateArn`", "–", "existing ACM certificate in the stack's region (wins over `domain`)"],
  ["`alertEmail`", "–", "subscribed to the alarm topic"],
  ["`gatewayImage`, `workerImage`", "the stack's ECR repositories at `imageTag`", "container images of the API and the Celery workers (OCI reference with a tag or digest: `registry:5000/team/app:1.2@sha256:…` is valid; `*`, `?`, `;`, quotes and `latest` in any case are not)"],
  ["`imageTag`", "`0.1.0`", "tag used with the stack's ECR repositories (never `latest`, in any case)"],
  ["`awaitImages`", "unset", "`true` on the first deploy only: services that run the stack's own images start no task until the images are pushed and the key is removed ([First deploy](runbooks.md#first-deploy))"],
  ["`tritonImage`", "`nvcr.io/nvidia/tritonserver:25.10-py3`", "Triton image (tag or digest; never `latest`)"],
  ["`eksAdminRoleArn`", "–", "IAM role granted cluster-admin through an EKS access entry; no wildcard, in the stack's partition; not the role that creates the cluster"],
  ["`eksClusterAccess`", "`[]`", "roles with an EKS access entry: `[{ principalArn: <role ARN, no wildcard, in the stack's partition>, access: admin \\| view }]` (CI deploy role `admin`, CI preview role `view`; never the role that creates the cluster, which EKS already made admin: see [docs/ci-cd.md](ci-cd.md#cluster-access))"],
  ["`eksPublicAccessCidrs`", "dev: `0.0.0.0/0`; prod: required", "IPv4 CIDRs that may reach the Kubernetes API endpoint; never empty (EKS then applies 0.0.0.0/0), no host bits; in prod, blocks that together cover a large part of the internet need `prod-public-eks-endpoint`"],
  ["`corsAllowedOrigins`", "`[]`", "browser origins allowed to upload to the artifacts bucket with pre-signed URLs; in prod a `*` or an `http://` origin needs `prod-wildcard-cors`"],
  ["`modelRepositoryPrefix`", "`triton`", "key prefix of the Triton model repository in the models bucket"],
  ["`overrides`", "`{}`", "any value of the sizing table ([README, Sizing per tier](../README.md#sizing-per-tier); every field in `sizing/tiers.ts`)"],
  ["`acknowledge`", "`[]`", "named acknowledgements for weakening prod safety (see [Weakening prod safety](security.md#weakening-prod-safety))"],
  ["`tags`", "`{}`", "extra tags on every AWS resource: AWS characters (letters, digits, spaces, `_ . : / = + - @`), key ≤ 128, value ≤ 256, at most 50 per resource including the program's own (so at most 42 here, fewer with acknowledgements); `aws:` and `guardrails:` keys are reserved"],
];

/** Markdown table of the top-level config keys. */
export function configReferenceMarkdown(): string {
  return ["| key | default | meaning |", "|---|---|---|", ...KEYS.map(([k, d, m]) => `| ${k} | ${d} | ${m} |`)].join("\n");
}

/**
 * Image delivery and alerting: the stack's ECR repositories and the SNS alert topic.
 */
import { publicGrant } from "../iam-semantics";
import { arr, get, graphRule, ofTypes, resourceRule, type Rule, statementsOf, str } from "../types";

const ECR = ["aws:ecr/repository:Repository"];
const ECR_LIFECYCLE = ["aws:ecr/lifecyclePolicy:LifecyclePolicy"];

export const deliveryRules: Rule[] = [
  resourceRule(
    { id: "ecr-scan-on-push", description: "ECR repositories scan images on push.", severity: "medium", enforcement: "mandatory", controls: { checkov: ["CKV_AWS_163"], fsbp: ["ECR.1"] } },
    ECR,
    (i) => (get(i, "imageScanningConfiguration.scanOnPush") === true ? undefined : "imageScanningConfiguration.scanOnPush must be true"),
  ),
  resourceRule(
    { id: "ecr-immutable-tags", description: "ECR tags are immutable, so a pinned tag always means the same image.", severity: "high", enforcement: "mandatory", controls: { checkov: ["CKV_AWS_51"], fsbp: ["ECR.2"] } },
    ECR,
    (i) => (String(i.imageTagMutability ?? "MUTABLE").startsWith("IMMUTABLE") ? undefined : "imageTagMutability must be IMMUTABLE"),
  ),
  resourceRule(
    { id: "ecr-kms-encryption", description: "ECR repositories encrypt images with the stack's KMS key.", severity: "medium", enforcement: "mandatory", controls: { checkov: ["CKV_AWS_136"] } },
    ECR,
    (i) => (arr(i.encryptionConfigurations).some((c) => get(c, "encryptionType") === "KMS" && get(c, "kmsKey")) ? undefined : "encryptionConfigurations must use KMS with kmsKey"),
  ),
  graphRule(
    { id: "ecr-lifecycle-policy", description: "Every ECR repository expires old images (storage grows forever otherwise).", severity: "low", enforcement: "advisory", controls: { fsbp: ["ECR.3"] } },
    [...ECR, ...ECR_LIFECYCLE],
    (graph) => {
      const covered = new Set(ofTypes(graph, ECR_LIFECYCLE).map((l) => str(l.inputs.repository)));
      return ofTypes(graph, ECR)
        .filter((r) => !covered.has(str(r.inputs.name) ?? r.name) && !covered.has(r.id))
        .map((r) => ({ resource: r, message: "repository has no lifecycle policy" }));
    },
  ),
  resourceRule(
    { id: "sns-topic-encrypted", description: "SNS topics are encrypted with the stack's KMS key.", severity: "medium", enforcement: "mandatory", controls: { checkov: ["CKV_AWS_26"], fsbp: ["SNS.1"] } },
    ["aws:sns/topic:Topic"],
    (i) => (i.kmsMasterKeyId ? undefined : "kmsMasterKeyId is not set"),
  ),
  resourceRule(
    { id: "sns-topic-policy-not-public", description: "No topic policy lets any principal (any spelling, or NotPrincipal) publish or subscribe without a scoping condition.", severity: "high", enforcement: "mandatory", controls: {} },
    ["aws:sns/topicPolicy:TopicPolicy"],
    (i) => {
      const bad = statementsOf(i.policy).find((s) => publicGrant(s));
      return bad ? `statement ${bad.Sid ?? "(no Sid)"} allows ${publicGrant(bad)} without a scoping condition` : undefined;
    },
  ),
];

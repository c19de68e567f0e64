/**
 * CrossGuard entry point: `pulumi preview --policy-pack policy` (after `npm install --prefix policy`).
 * The rules are the same plain functions the tests run over every stack and tier.
 */
import { PolicyPack } from "@pulumi/policy";
import { crossGuardPolicies, PACK_NAME } from "./crossguard";

new PolicyPack(PACK_NAME, {
  description: "Guardrails of the GPU inference platform: encryption, private data stores, least-privilege IAM, one internet-facing ALB, Kubernetes workload hygiene.",
  policies: crossGuardPolicies(),
});

/**
 * The stack key for every shipped stack × tier: rotation on, the longest deletion window, an alias
 * from the stack's name, and a key policy that keeps the account in control while letting the
 * services that act without an IAM role of ours (CloudWatch Logs, EC2 Auto Scaling launching the EKS
 * nodes' encrypted volumes) use it, proven with an IAM simulator against the policy alone.
 */
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { describe, expect, it } from "vitest";
import { AUTOSCALING_SERVICE_LINKED_ROLE_PATH } from "../../components/keys";
import { KMS_MAX_DELETION_WINDOW_DAYS } from "../../sizing";
import { MOCK_ACCOUNT_ID, mockResource } from "../../src/plan/mocks";
import { json, type RenderedGraph, rendered, single, stackTierMatrix } from "../support/graph";

const KEY = "aws:kms/key:Key";
const AUTOSCALING_ROLE = `arn:aws:iam::${MOCK_ACCOUNT_ID}:${AUTOSCALING_SERVICE_LINKED_ROLE_PATH}`;

function keyArnOf(g: RenderedGraph): string {
  const key = single(g, KEY);
  return String((mockResource({ type: key.type, name: key.name, inputs: key.inputs, custom: true } as never).state as { arn: string }).arn);
}

/** The key policy's decision alone: no identity policy, as for a service-linked role (whose policy we cannot change). */
async function keyPolicyDecides(g: RenderedGraph, principal: string, action: string, context: Record<string, string> = {}): Promise<string> {
  const result = await runSimulation(
    {
      request: {
        principal,
        action,
        resource: { resource: keyArnOf(g), accountId: MOCK_ACCOUNT_ID },
        // What AWS sets on every request to KMS (the simulator does not derive them).
        contextVariables: { "aws:PrincipalArn": principal, "kms:CallerAccount": principal.split(":")[4], ...context },
      },
      identityPolicies: [],
      resourcePolicy: json(single(g, KEY).inputs.policy),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  if (result.resultType === "error") throw new Error(`${principal} ${action}: ${JSON.stringify(result.errors).slice(0, 400)}`);
  return result.overallResult;
}

describe.each(stackTierMatrix())("key of $stack at $tier", ({ stack, tier }) => {
  it("rotates, waits the longest deletion window, and is aliased after the stack", async () => {
    const g = await rendered(stack, tier);
    expect(single(g, KEY).inputs).toMatchObject({ enableKeyRotation: true, deletionWindowInDays: KMS_MAX_DELETION_WINDOW_DAYS });
    expect(single(g, "aws:kms/alias:Alias").inputs.name).toBe(`alias/inference-platform-${stack}`);
  });

  it("lets EC2 Auto Scaling launch EKS nodes with volumes encrypted by the key, and no other role without IAM", async () => {
    const g = await rendered(stack, tier);
    for (const action of ["kms:GenerateDataKeyWithoutPlaintext", "kms:Decrypt", "kms:ReEncryptFrom", "kms:DescribeKey"]) {
      expect(await keyPolicyDecides(g, AUTOSCALING_ROLE, action), action).toBe("Allowed");
    }
    expect(await keyPolicyDecides(g, AUTOSCALING_ROLE, "kms:CreateGrant", { "kms:GrantIsForAWSResource": "true" })).toBe("Allowed");
    // A grant it could hand to anything, the same role name in another account, and any other role
    // of this account (which needs an IAM policy of its own, through the root statement) are refused.
    expect(await keyPolicyDecides(g, AUTOSCALING_ROLE, "kms:CreateGrant", { "kms:GrantIsForAWSResource": "false" })).not.toBe("Allowed");
    expect(await keyPolicyDecides(g, AUTOSCALING_ROLE.replace(MOCK_ACCOUNT_ID, "210987654321"), "kms:Decrypt")).not.toBe("Allowed");
    expect(await keyPolicyDecides(g, `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/some-app-role`, "kms:Decrypt")).not.toBe("Allowed");
    expect(await keyPolicyDecides(g, AUTOSCALING_ROLE, "kms:ScheduleKeyDeletion")).not.toBe("Allowed");
  });

  it("keeps the account root in control and conditions every statement that names any principal", async () => {
    const g = await rendered(stack, tier);
    const policy = json<{ Statement: { Sid: string; Principal: unknown; Action: unknown; Condition?: unknown }[] }>(single(g, KEY).inputs.policy);
    expect(policy.Statement[0]).toMatchObject({ Principal: { AWS: `arn:aws:iam::${MOCK_ACCOUNT_ID}:root` }, Action: "kms:*" });
    for (const st of policy.Statement.filter((s) => JSON.stringify(s.Principal).includes('"*"'))) {
      expect(st.Condition, st.Sid).toBeDefined();
    }
  });
});

describe("the alias", () => {
  it("stays a valid KMS alias for a stack name with dots and underscores", async () => {
    const { stackNamePrefix } = await import("../../components/component");
    expect(`alias/${stackNamePrefix({ project: "inference-platform", stack: "staging_eu.2" })}`).toBe("alias/inference-platform-staging-eu-2");
  });
});

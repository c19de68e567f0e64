/**
 * Building one component alone under the mocks (outside the platform), for tests that exercise its
 * arguments directly: a StackContext for it, and the registrations it makes once they settle.
 */
import * as pulumi from "@pulumi/pulumi";
import type { StackContext } from "../../components/component";
import { settle } from "../../src/plan/harness";
import { MOCK_ACCOUNT_ID, mockCall, mockResource } from "../../src/plan/mocks";

/** One registered resource: its type, logical name and inputs as the provider receives them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface Recorded<Inputs = Record<string, any>> {
  type: string;
  name: string;
  inputs: Inputs;
}

/** The context a platform stack would hand a component, for project/stack in the mock account. */
export function unitContext(project: string, stack: string, logRetentionDays: number): StackContext {
  return {
    identity: { project, stack, tags: {} },
    region: "us-east-1",
    accountId: MOCK_ACCOUNT_ID,
    kmsKeyArn: `arn:aws:kms:us-east-1:${MOCK_ACCOUNT_ID}:key/unit`,
    logRetentionDays,
  };
}

/** Runs `build` in a fresh mocked stack `project`/`stack` and returns what it registered. */
export async function recordRegistrations<Inputs = Recorded["inputs"]>(project: string, stack: string, build: () => void): Promise<Recorded<Inputs>[]> {
  const recorded: Recorded<Inputs>[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource: (a) => {
        recorded.push({ type: a.type, name: a.name, inputs: a.inputs as Inputs });
        return mockResource(a);
      },
      call: mockCall,
    },
    project,
    stack,
    false,
  );
  await pulumi.runtime.runInPulumiStack(async () => {
    build();
    return {};
  });
  await settle(() => recorded.length);
  return recorded;
}

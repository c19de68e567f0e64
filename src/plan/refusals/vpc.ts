/**
 * AWS refusal rules, VPC: the CIDR block size.
 */
import { DOCS, str } from "./helpers";
import type { AwsRefusalRule } from "./types";

/** The rules of this family, in the table's order. */
export const VPC_RULES: readonly AwsRefusalRule[] = [
  {
    id: "vpc-cidr-size",
    types: ["aws:ec2/vpc:Vpc", "awsx:ec2:Vpc"],
    doc: DOCS.vpcSizing,
    observed: false,
    check: (inputs) => {
      const cidr = str(inputs.cidrBlock);
      const prefix = cidr === undefined ? undefined : Number(cidr.split("/")[1]);
      return prefix !== undefined && (Number.isNaN(prefix) || prefix < 16 || prefix > 28)
        ? `InvalidVpc.Range: The CIDR '${cidr}' is invalid. The allowed block size is between a /16 netmask (65,536 IP addresses) and /28 netmask (16 IP addresses).`
        : undefined;
    },
  },
];

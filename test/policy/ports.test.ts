/**
 * The policy pack is published on its own and imports nothing of the program, so it declares the
 * ports it reasons about itself; this test ties them to the program's one declaration (sizing PORTS).
 */
import { describe, expect, it } from "vitest";
import { DATA_STORE_PORTS, PUBLIC_PORTS } from "../../policy/rules/network";
import { PORTS } from "../../sizing";

describe("policy ports", () => {
  it("the internet reaches exactly the ALB's listener ports", () => {
    expect([...PUBLIC_PORTS].sort()).toEqual([PORTS.http, PORTS.https].sort());
  });

  it("the data-store ports are PostgreSQL's and Redis's", () => {
    expect([...DATA_STORE_PORTS].sort()).toEqual([PORTS.postgres, PORTS.redis].sort());
  });
});

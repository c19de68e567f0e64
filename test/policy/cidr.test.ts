/**
 * The one CIDR parser (policy/cidr.ts) that config and the policy rules share: parsing, host bits,
 * prefix bounds, and "open to the internet" as coverage of the routable address space.
 */
import { describe, expect, it } from "vitest";
import { cidrProblem, cidrWithin, opensToInternet, parseCidr, routableCoverage } from "../../policy/cidr";

describe("parseCidr", () => {
  it.each([
    ["10.0.0.0/16", "10.0.0.0/16", false],
    ["10.0.0.1/16", "10.0.0.0/16", true],
    ["1.2.3.4/0", "0.0.0.0/0", true],
    ["203.0.113.7/32", "203.0.113.7/32", false],
    ["::/0", "::/0", false],
    ["2001:db8::/32", "2001:db8::/32", false],
    ["2001:DB8:0:0:0:0:0:1/128", "2001:db8::1/128", false],
    ["2001:db8::1/64", "2001:db8::/64", true],
    ["::ffff:192.0.2.1/128", "::ffff:c000:201/128", false],
  ])("%s → %s (host bits %s)", (text, canonical, hostBits) => {
    const r = parseCidr(text);
    expect(r.ok && r.cidr.canonical).toBe(canonical);
    expect(r.ok && r.cidr.hostBitsSet).toBe(hostBits);
  });

  it.each(["10.0.0.0", "10.0.0.0/33", "300.1.1.1/24", "010.0.0.0/8", "10.0.0/8", "10.0.0.0/08", "::/129", "2001:db8:::1/64", "1:2:3:4:5:6:7:8:9/64", "g::/16", " 10.0.0.0/8", "10.0.0.0/8 ", ""])(
    "refuses %j",
    (text) => expect(parseCidr(text).ok).toBe(false),
  );
});

describe("open to the internet is coverage, not a string", () => {
  it.each([
    [["0.0.0.0/0"]],
    [["0.0.0.0/1", "128.0.0.0/1"]],
    [["1.2.3.4/0"]],
    [["::/0"]],
    [["2000::/3"]],
    [["0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/2", "192.0.0.0/2"]],
    [["8.0.0.0/7"]],
    [["10.0.0.0/8", "11.0.0.0/8"]],
  ])("%j is open", (cidrs) => expect(opensToInternet(cidrs)).toBe(true));

  it.each([[["203.0.113.0/24"]], [["10.0.0.0/8"]], [["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]], [["2001:db8::/32"]], [["fc00::/7"]], [[]]])(
    "%j is not open",
    (cidrs) => expect(opensToInternet(cidrs)).toBe(false),
  );

  it("counts overlaps once", () => {
    expect(routableCoverage(["8.0.0.0/8", "8.0.0.0/9", "8.128.0.0/9"])[4]).toBeCloseTo(1 / 256, 6);
  });
});

describe("cidrProblem", () => {
  it("names host bits with the block meant", () => {
    expect(cidrProblem("10.0.0.1/16")).toBe("expected the network address 10.0.0.0/16 (host bits are set below the /16 prefix)");
  });
  it("bounds the prefix and the family", () => {
    expect(cidrProblem("10.0.0.0/8", { prefixRange: [16, 28] })).toBe("expected a prefix length between /16 and /28");
    expect(cidrProblem("::/0", { family: 4 })).toBe("expected an IPv4 CIDR block");
    expect(cidrProblem("10.0.0.0/16", { family: 4, prefixRange: [16, 28] })).toBeUndefined();
  });
});

describe("cidrWithin", () => {
  it.each([
    ["10.0.0.0/16", "10.0.0.0/16", true],
    ["10.0.128.0/17", "10.0.0.0/16", true],
    ["10.0.1.5/32", "10.0.0.0/16", true],
    ["10.1.0.0/16", "10.0.0.0/16", false],
    ["10.0.0.0/8", "10.0.0.0/16", false],
    ["0.0.0.0/1", "10.0.0.0/16", false],
    ["fd00::/64", "fd00::/56", true],
    ["fd00::/64", "10.0.0.0/16", false],
    ["not-a-cidr", "10.0.0.0/16", false],
  ])("%s within %s: %s", (inner, outer, expected) => {
    expect(cidrWithin(inner, outer)).toBe(expected);
  });
});

/**
 * The architecture, as dependency-cruiser rules (.dependency-cruiser.cjs, read there): the pure core imports no cdktf
 * and no other layer; targets implement the contract and import no construct; labs use the public entry points; no
 * import circle anywhere. One test per rule, so that a failure names the rule it breaks.
 */
import { spawnSync } from "child_process";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");

interface Violation {
  readonly rule: { readonly name: string };
  readonly from: string;
  readonly to: string;
  readonly cycle?: { readonly name: string }[];
}

const result = (() => {
  const r = spawnSync(
    process.execPath,
    [
      path.join(ROOT, "node_modules/dependency-cruiser/bin/dependency-cruise.mjs"),
      "--config",
      ".dependency-cruiser.cjs",
      "--output-type",
      "json",
      "lib",
      "examples",
      "bench",
      "lab",
      "tools",
      "main.ts",
    ],
    { cwd: ROOT, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 },
  );
  if (!r.stdout) throw new Error(`dependency-cruiser gave no output: ${r.stderr}`);
  const json = JSON.parse(r.stdout) as { summary: { violations: Violation[]; totalCruised: number } };
  return json.summary;
})();

const RULES = [
  "no-circular",
  "core-is-pure",
  "report-is-pure",
  "input-reads-props-only",
  "targets-implement-the-contract",
  "one-target-per-folder",
  "contract-knows-no-target",
  "constructs-know-the-contract-only",
  "synth-below-constructs",
  "labs-use-the-public-api",
];

describe("the architecture (.dependency-cruiser.cjs)", () => {
  test("every module of lib, the labs, the bench, the tools and the examples was read", () => {
    expect(result.totalCruised).toBeGreaterThan(100);
  });

  for (const rule of RULES) {
    test(`${rule}: no violation`, () => {
      const broken = result.violations
        .filter((v) => v.rule.name === rule)
        .map((v) => (v.cycle ? [v.from, ...v.cycle.map((c) => c.name)].join(" -> ") : `${v.from} -> ${v.to}`));
      expect(broken).toEqual([]);
    });
  }
});

/**
 * The architecture as rules (docs/architecture.md): the pure core below everything, one folder per target behind the
 * target contract, the construct layer on top, the labs on the public entry points only, and no circle anywhere.
 * Run by `npm run lint` and by test/architecture.test.ts.
 */
const CDKTF = "^node_modules/(cdktf|constructs|@cdktf)/";
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "No import circle anywhere (type-only imports count: they are a dependency to read).",
      from: {},
      to: { circular: true },
    },
    {
      name: "core-is-pure",
      severity: "error",
      comment: "lib/core (model, rules, plans, rendering) imports nothing of cdktf and nothing of the other layers.",
      from: { path: "^lib/core/" },
      to: { path: [CDKTF, "^lib/(?!core/)"] },
    },
    {
      name: "report-is-pure",
      severity: "error",
      comment: "lib/report reads the core's model and plans only: no cdktf, no constructs, no targets.",
      from: { path: "^lib/report/" },
      to: { path: [CDKTF, "^lib/(?!core/|report/)"] },
    },
    {
      name: "ops-read-the-report",
      severity: "error",
      comment:
        "lib/ops (rollout waves, the wait client) works from the core's change data and the report: no cdktf, no constructs, no targets.",
      from: { path: "^lib/ops/" },
      to: { path: [CDKTF, "^lib/(?!core/|report/|ops/)"] },
    },
    {
      name: "input-reads-props-only",
      severity: "error",
      comment:
        "lib/input (props schemas and their reader) knows the core, not the constructs, the targets or the synth.",
      from: { path: "^lib/input/" },
      to: { path: "^lib/(?!core/|input/)" },
    },
    {
      name: "targets-implement-the-contract",
      severity: "error",
      comment:
        "A target knows the core, the props reader and the contract (lib/targets/*.ts), never the construct layer or the synth registry.",
      from: { path: "^lib/targets/" },
      to: { path: "^lib/(constructs|synth|report)/" },
    },
    {
      name: "one-target-per-folder",
      severity: "error",
      comment: "A target does not import another target; the contract imports none.",
      from: { path: "^lib/targets/([^/]+)/" },
      to: { path: "^lib/targets/[^/]+/", pathNot: "^lib/targets/$1/" },
    },
    {
      name: "contract-knows-no-target",
      severity: "error",
      from: { path: "^lib/targets/[^/]+[.]ts$" },
      to: { path: "^lib/targets/[^/]+/" },
    },
    {
      name: "constructs-know-the-contract-only",
      severity: "error",
      comment: "The construct layer places processes through the contract; it imports no target.",
      from: { path: "^lib/(constructs|synth)/" },
      to: { path: "^lib/targets/[^/]+/" },
    },
    {
      name: "synth-below-constructs",
      severity: "error",
      from: { path: "^lib/synth/" },
      to: { path: "^lib/constructs/" },
    },
    {
      name: "labs-use-the-public-api",
      severity: "error",
      comment:
        "The labs, the bench and the examples use the library as a user does: rocketmq-cdktf (lib/index.ts) and rocketmq-cdktf/core (lib/core/index.ts).",
      from: { path: "^(lab|bench|examples)/" },
      to: { path: "^lib/", pathNot: "^lib/(index|core/index)[.]ts$" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(node_modules|dist|cdktf.out|bench/.out|lab/.work)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    combinedDependencies: false,
  },
};

/**
 * Generated topologies (issue #13, "Proof"): random clusters with random and colliding ports, stores, ids, names and
 * extra keys. An independent checker (./checker.ts, written from RocketMQ's and Docker's facts, not from the rule code)
 * judges each one: every topology the library accepts satisfies every invariant, and what it generates holds them too;
 * every one it rejects is broken, and each of its errors names an invariant that is broken.
 *
 * Fixed seed in CI. ROCKETMQ_PBT_RUNS=<n> runs n core topologies (and n/10 through the constructs);
 * ROCKETMQ_PBT_SEED=<n> picks another seed.
 */
import { Testing, TerraformStack } from "cdktf";
import fc from "fast-check";
import { checkTopology } from "../../lib/core";
import { planTopology } from "../../lib/core/plan";
import { categoryOf, fromPlans, fromTerraform, generatedProblems, violations } from "./checker";
import { build, fillDefaults, Spec, specArb, toModel } from "./spec";

const RUNS = Number(process.env.ROCKETMQ_PBT_RUNS ?? 3000);
const CONSTRUCT_RUNS = Math.max(50, Math.round(RUNS / 10));
const SEED = Number(process.env.ROCKETMQ_PBT_SEED ?? 1313);

// Every cdktf Lazy records the stack trace of its creation (for error messages); under jest each one is source-mapped,
// which was most of the time a construct run took. This test does not read them.
jest.mock("cdktf/lib/tokens/private/stack-trace", () => ({ captureStackTrace: () => [] }));

const tally = { core: { tried: 0, accepted: 0 }, constructs: { tried: 0, accepted: 0 } };

afterAll(() => {
  // How many topologies were tried, so a longer run shows what it did.
  console.log(
    `generated topologies (seed ${SEED}): core ${tally.core.tried} (${tally.core.accepted} accepted, ${tally.core.tried - tally.core.accepted} rejected); ` +
      `constructs ${tally.constructs.tried} (${tally.constructs.accepted} accepted, ${tally.constructs.tried - tally.constructs.accepted} rejected)`,
  );
});

/**
 * Accepted ⇔ no broken invariant; every error's rule names a broken invariant, and every broken invariant is named by
 * an error. Returns what does not hold.
 */
function judge(spec: Spec, errors: readonly { path: string; rule: string }[]): string[] {
  const broken = violations(spec);
  if (errors.length === 0)
    return [...broken.entries()].map(([c, why]) => `accepted, but ${c} is broken: ${why.join("; ")}`);
  if (broken.size === 0)
    return [`rejected, but no invariant is broken: ${errors.map((e) => `${e.path} [${e.rule}]`).join(", ")}`];
  const named = new Set(errors.map((e) => categoryOf(e.rule)));
  return [
    ...errors
      .filter((e) => !broken.has(categoryOf(e.rule) as any))
      .map((e) => `${e.path} [${e.rule}] names no broken invariant (broken: ${[...broken.keys()].join(", ")})`),
    ...[...broken.entries()]
      .filter(([c]) => !named.has(c))
      .map(
        ([c, why]) =>
          `${c} is broken but no error says so (${why.join("; ")}); errors: ${errors.map((e) => `${e.path} [${e.rule}]`).join(", ")}`,
      ),
  ];
}

test(`the core accepts exactly the topologies that hold every invariant (${RUNS} generated topologies)`, () => {
  fc.assert(
    fc.property(specArb({ defaults: false }), (raw) => {
      const spec = fillDefaults(raw);
      const model = toModel(spec);
      const errors = checkTopology(model).filter((f) => f.severity === "error");
      tally.core.tried++;
      const problems = judge(spec, errors);
      if (errors.length === 0) {
        tally.core.accepted++;
        problems.push(...generatedProblems(spec, fromPlans(spec, planTopology(model))));
      }
      if (problems.length > 0) throw new Error(problems.join("\n"));
    }),
    { seed: SEED, numRuns: RUNS },
  );
  // Both sides of the property were exercised.
  expect(tally.core.accepted).toBeGreaterThan(RUNS / 20);
  expect(tally.core.tried - tally.core.accepted).toBeGreaterThan(RUNS / 20);
});

test(`through the constructs, with the README's defaults: accepted topologies synthesize what the checker expects (${CONSTRUCT_RUNS})`, () => {
  fc.assert(
    fc.property(specArb({ defaults: true }), (spec) => {
      const stack = new TerraformStack(Testing.app(), "stack");
      build(stack, spec);
      const errors = stack.node
        .findAll()
        .flatMap((c) => c.node.validate().map((m) => ({ path: c.node.path, rule: /^\[([^\]]+)\]/.exec(m)?.[1] ?? m })));
      tally.constructs.tried++;
      const problems = judge(spec, errors);
      if (errors.length === 0) {
        tally.constructs.accepted++;
        problems.push(...generatedProblems(spec, fromTerraform(spec, JSON.parse(Testing.synth(stack)))));
      }
      if (problems.length > 0) throw new Error(problems.join("\n"));
    }),
    { seed: SEED, numRuns: CONSTRUCT_RUNS },
  );
  expect(tally.constructs.accepted).toBeGreaterThan(0);
});

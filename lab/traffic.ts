// Traffic through a change: a producer sends continuously at a bounded rate (bodies numbered) while the change is
// applied, then a consumer reads everything back; what was acknowledged and not read is lost. The deploy lab and the
// VM lab run every rollout proof through it in waves and, with ROCKETMQ_ROLLOUT_AT_ONCE=1, once more all at once.
import * as fs from "fs";
import { Ctx } from "./checks";
import { Clusters, Credentials, LabClient, Produced } from "./client";
import { Deployment, brokerExpect } from "./deployment";
import { createTopicEverywhere } from "./scenarios";
import { REPO_DIR, cliArgv, log, ms, run, sleep, waitFor } from "./util";

/** What `rocketmq-cdktf rollout --json` answers for one stack. */
export interface CliRollout {
  stack: string;
  order: string[];
  nameServers: string[];
  waves: {
    processes: string[];
    targets: string[];
    vms: string[];
    waitFor: { brokerName: string; brokerId?: string; addr: string }[];
    nameServers: string[];
    handovers: { process: string; group: string; peers: string; selfId: string }[];
  }[];
}

/**
 * `rocketmq-cdktf rollout --json` as a user runs it: the stack's waves. With `clientNs`, run where the clients are,
 * asking the cluster's name servers (`--namesrv`) who leads each elected group.
 */
export function cliRollout(
  before: string,
  after: string,
  stack: string,
  ask?: { clientNs: string; namesrv: string },
): CliRollout {
  const [cmd, ...args] = cliArgv(
    ["rollout", "--json", ...(ask ? ["--namesrv", ask.namesrv] : []), before, after],
    ask?.clientNs,
  );
  const out = run(cmd, args, { cwd: REPO_DIR, timeoutMs: 120_000 });
  const mine = (JSON.parse(out) as CliRollout[]).find((r) => r.stack === stack);
  if (!mine) throw new Error(`rocketmq-cdktf rollout --json: no stack ${stack}`);
  return mine;
}

/** Until every broker of the stack is registered again and each set has a master (an elected one may take a while). */
export async function clusterServing(d: Deployment, timeoutMs = 180_000): Promise<void> {
  const brokers = d.byRole("mqbroker").map(brokerExpect);
  const cluster = brokers[0].cluster;
  const names = [...new Set(brokers.map((b) => b.brokerName))];
  await waitFor(
    `${cluster}: ${brokers.length} brokers registered, a master in each of ${names.join(", ")}`,
    timeoutMs,
    1_000,
    async () => {
      const cl: Clusters = await d.client!.clusters().catch(() => ({}));
      const sets = cl[cluster] ?? {};
      const registered = Object.values(sets).reduce((n, ids) => n + Object.keys(ids).length, 0);
      return registered >= brokers.length && names.every((n) => sets[n]?.["0"] !== undefined) ? true : undefined;
    },
  );
}

/** Sends per second: enough that every restart shows, few enough for two loaded cores. */
export const TRAFFIC_RATE = 20;

export interface Traffic {
  /** The case and how it was applied: "seed-dledger: every heap, in waves". */
  label: string;
  produced: Produced;
  /** Distinct bodies read back. */
  consumed: number;
  /** Acknowledged sends whose message was not read back (their n). */
  lost: number[];
  /** Bodies read more than once (a send retried after its answer was lost). */
  duplicates: number;
  /** How long the change took (the action). */
  tookMs: number;
}

/**
 * Runs `action` (a blocking tofu apply is fine: the producer runs on the client's own thread) while the background
 * producer sends to a new topic of `cluster`, from `warmMs` before it to `settleMs` after it; then reads the topic
 * back until every acknowledged message is there or `readMs` passed. `creds`: the account the topic is made, sent to
 * and read as (a cluster with access control).
 */
export async function underTraffic(
  client: LabClient,
  cluster: string,
  topic: string,
  label: string,
  action: () => void | Promise<void>,
  {
    rate = TRAFFIC_RATE,
    warmMs = 3_000,
    settleMs = 8_000,
    readMs = 90_000,
    creds,
  }: { rate?: number; warmMs?: number; settleMs?: number; readMs?: number; creds?: Credentials } = {},
): Promise<Traffic> {
  await createTopicEverywhere(client, topic, cluster, 30_000, creds);
  await client.produceStart(topic, rate, creds);
  let produced: Produced;
  const t = Date.now();
  const took = { from: 0, to: 0 };
  try {
    await sleep(warmMs);
    took.from = Date.now();
    await action();
    took.to = Date.now();
  } finally {
    await sleep(settleMs);
    produced = await client.produceStop();
  }
  log(`${label}: ${produced.attempted} sends in ${ms(Date.now() - t)}, ${produced.failed} failed`);
  const want = new Set(produced.acked.map((n) => `${topic}-${n}`));
  let bodies: string[] = [];
  try {
    await waitFor(`the ${want.size} acknowledged messages of ${topic}`, readMs, 2_000, async () => {
      const r = await client.consume(topic, "", creds, 120_000);
      if (!r.ok) return undefined;
      bodies = r.bodies;
      const got = new Set(bodies);
      return [...want].every((b) => got.has(b)) ? true : undefined;
    });
  } catch {
    /* what was read is reported: the lost ones are the check's detail */
  }
  const got = new Set(bodies);
  const lost = produced.acked.filter((n) => !got.has(`${topic}-${n}`));
  return {
    label,
    produced,
    consumed: got.size,
    lost,
    duplicates: bodies.length - got.size,
    tookMs: took.to - took.from,
  };
}

/** The longest span of failed sends, in ms. */
export function longestOutage(p: Produced): number {
  return Math.max(0, ...p.outages.map((o) => o.toMs - o.fromMs));
}

/** One line of the report: acknowledged, failed and for how long, lost. */
export function trafficLine(r: Traffic): string {
  const p = r.produced;
  const statuses = Object.entries(p.statuses)
    .map(([s, n]) => `${s} ${n}`)
    .join(", ");
  return (
    `${r.label}: ${p.acked.length} of ${p.attempted} sends acknowledged (${statuses || "none"}), ${p.failed} failed` +
    (p.failed ? ` in ${p.outages.length} span(s), longest ${ms(longestOutage(p))}` : "") +
    `; ${r.lost.length} acknowledged not consumed; ${r.duplicates} duplicate(s); change applied in ${ms(r.tookMs)}`
  );
}

/** What happened in a case, for a check's detail or a note: the line, the lost numbers, the first failures. */
function trafficDetail(r: Traffic): string {
  const p = r.produced;
  return [
    trafficLine(r),
    r.lost.length ? `lost n: ${r.lost.slice(0, 20).join(", ")}${r.lost.length > 20 ? " ..." : ""}` : "",
    p.failures.length
      ? `first failures: ${p.failures.map((f) => `#${f.n} at ${ms(f.atMs)}: ${f.error}`).join(" | ")}`
      : "",
  ]
    .filter(Boolean)
    .join("; ");
}

/** The check of a rollout in waves (what the library promises): nothing acknowledged is lost. */
export function checkNothingLost(ctx: Ctx, r: Traffic): void {
  const p = r.produced;
  ctx.check(
    `${r.label}: every acknowledged send is consumed afterwards (${p.acked.length} acknowledged, ${p.failed} failed, longest outage ${ms(longestOutage(p))})`,
    p.acked.length > 0 && r.lost.length === 0,
    trafficDetail(r),
  );
}

/**
 * Whether the rollout proofs also apply a like change all at once (no waves), the baseline the README's rollout table
 * compares the waves with: `ROCKETMQ_ROLLOUT_AT_ONCE=1`. Off by default, in CI too: it proves nothing about the
 * library (a whole set restarted together is down while it restarts) and cost CI about 10 minutes (4 Docker and 2 VM
 * cases of 60-135 s, each with a synth and a redeploy around it), which lab:k8s needed.
 */
export const ROLLOUT_AT_ONCE = process.env.ROCKETMQ_ROLLOUT_AT_ONCE === "1";

/**
 * The baseline, all at once (no waves: what the library advises against), measured and noted, never failed: a CI run
 * saw a DLedger group restarted whole lose one acknowledged message. A run that produced nothing is a failure.
 */
export function noteBaseline(ctx: Ctx, r: Traffic): void {
  ctx.check(`${r.label}: the producer ran through the change`, r.produced.attempted > 0, trafficLine(r));
  ctx.note(`${r.label}: ${r.lost.length ? `**${r.lost.length} acknowledged not consumed** ` : ""}${trafficDetail(r)}`);
}

/** The side-by-side table of every case (waves vs all at once), as Markdown. */
export function trafficTable(rows: readonly { case: string; waves?: Traffic; atOnce?: Traffic }[]): string {
  const unreplicated = (r: Traffic) =>
    Object.entries(r.produced.statuses)
      .filter(([st]) => st !== "SEND_OK")
      .map(([st, n]) => ` (${n} ${st})`)
      .join("");
  const cell = (r?: Traffic) =>
    r
      ? `${r.produced.acked.length}/${r.produced.attempted} acked${unreplicated(r)}, ${r.produced.failed} failed` +
        (r.produced.failed ? ` (longest ${ms(longestOutage(r.produced))})` : "") +
        `, ${r.lost.length} lost, ${ms(r.tookMs)}`
      : "not run (ROCKETMQ_ROLLOUT_AT_ONCE=1 runs it)";
  return [
    "| change | in waves (rocketmq-cdktf rollout --script) | all at once (tofu apply) |",
    "|---|---|---|",
    ...rows.map((r) => `| ${r.case} | ${cell(r.waves)} | ${cell(r.atOnce)} |`),
    "",
  ].join("\n");
}

/** Writes the table beside the lab's other results and logs it. */
export function writeTrafficTable(file: string, rows: Parameters<typeof trafficTable>[0]): void {
  if (!rows.length) return;
  const text = trafficTable(rows);
  fs.writeFileSync(file, text);
  log(`rollout proof (${file}):\n${text}`);
}

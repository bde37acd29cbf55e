#!/usr/bin/env node
/**
 * rocketmq-cdktf: review commands for synthesized stacks.
 *   rocketmq-cdktf topology [outdir]          the topology report of every stack (written at synth as topology.md)
 *   rocketmq-cdktf diff <before> <after>      which RocketMQ processes a change restarts, and whether groups keep a majority
 *     --json                                  the same as JSON, for scripts: the array of StackImpact, one per stack
 *   rocketmq-cdktf rollout <before> <after>   the change in waves that keep the cluster serving (--json, --script,
 *                                             --stack <name>: only that stack, repeatable; --namesrv: ask the
 *                                             running cluster who leads each elected group, to restart it last)
 *   rocketmq-cdktf wait --namesrv .. --broker ..   exit 0 once the brokers are registered again and their sets in
 *                                             sync (--registered: registration only), 1 after --timeout
 *   rocketmq-cdktf handover --group .. --peers .. --leave ..   a DLedger member that leads hands the leadership over
 *                                             before it restarts (exit 0 once it does not lead)
 * <before>/<after>: a cdktf output folder (cdktf.out), one stack's folder, or a cdk.tf.json file.
 */
import * as fs from "fs";
import * as path from "path";
import { changeImpact, renderImpact } from "./report/impact";
import { isPodAddress, mergeChanges, ProcessSnapshot, StackChanges } from "./core/changes";
import { dockerStackChanges } from "./targets/docker/changes";
import { kubernetesStackChanges } from "./targets/kubernetes/changes";
import { ownResourceChanges } from "./targets/own-resources";
import { vmStackChanges } from "./targets/vm/changes";
import { handOver, parsePeers, RaftPeer } from "./ops/raft";
import { AskOptions, brokerTable, Credentials, ExpectedBroker, waitInSync, waitRegistered } from "./ops/remoting";
import { brokerArg, Leaders, parseBrokerArg, planRollout, renderRollout, rolloutScript } from "./ops/rollout";

/** stack name -> cdk.tf.json path. */
export function stacksIn(target: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!fs.existsSync(target)) throw new Error(`${target} does not exist`);
  if (fs.statSync(target).isFile()) {
    out.set(path.basename(path.dirname(path.resolve(target))), target);
    return out;
  }
  const direct = path.join(target, "cdk.tf.json");
  if (fs.existsSync(direct)) {
    out.set(path.basename(path.resolve(target)), direct);
    return out;
  }
  const stacks = path.join(target, "stacks");
  if (!fs.existsSync(stacks))
    throw new Error(`${target}: no cdk.tf.json and no stacks/ folder (is it a cdktf output folder?)`);
  for (const s of fs.readdirSync(stacks).sort()) {
    const f = path.join(stacks, s, "cdk.tf.json");
    if (fs.existsSync(f)) out.set(s, f);
  }
  return out;
}

/** What a change does to a stack's processes, read by every target's reader (a stack may hold containers, VMs, pods). */
export function stackChanges(before: unknown, after: unknown): StackChanges {
  return mergeChanges([
    dockerStackChanges(before, after),
    vmStackChanges(before, after),
    kubernetesStackChanges(before, after),
    ownResourceChanges(before, after),
  ]);
}

export function diff(before: string, after: string, json = false): string {
  const a = stacksIn(before);
  const b = stacksIn(after);
  const names = [...new Set([...a.keys(), ...b.keys()])].sort();
  const read = (f: string | undefined): unknown => (f ? JSON.parse(fs.readFileSync(f, "utf8")) : {});
  const impacts = names.map((n) => changeImpact(n, stackChanges(read(a.get(n)), read(b.get(n)))));
  return json ? `${JSON.stringify(impacts, null, 2)}\n` : renderImpact(impacts);
}

export function topology(outdir: string): string {
  return [...stacksIn(outdir).values()]
    .map((f) => path.join(path.dirname(f), "topology.md"))
    .filter((f) => fs.existsSync(f))
    .map((f) => fs.readFileSync(f, "utf8"))
    .join("\n");
}

/** A process that runs as a Kubernetes pod: its resource is a manifest's. */
function isPod(s: ProcessSnapshot): boolean {
  return isPodAddress(s.address);
}

/** The rollout of every stack of two outputs: as Markdown, JSON (`--json`) or a shell script (`--script`). */
export function rollout(
  before: string,
  after: string,
  format: "text" | "json" | "script",
  timeoutSeconds = 180,
  only: readonly string[] = [],
  leaders?: Leaders,
): string {
  const a = stacksIn(before);
  const b = stacksIn(after);
  const read = (f: string | undefined): unknown => (f ? JSON.parse(fs.readFileSync(f, "utf8")) : {});
  const all = [...new Set([...a.keys(), ...b.keys()])].sort();
  const unknown = only.filter((n) => !all.includes(n));
  if (unknown.length)
    throw new Error(`no stack ${unknown.join(", ")} in ${before} or ${after} (stacks: ${all.join(", ")})`);
  const names = only.length ? all.filter((n) => only.includes(n)) : all;
  const changes = names.map((n): [string, StackChanges] => [n, stackChanges(read(a.get(n)), read(b.get(n)))]);
  const plans = changes.map(([n, c]) => planRollout(n, c, leaders));
  if (format === "json") return `${JSON.stringify(plans, null, 2)}\n`;
  if (format === "script") {
    const pods = changes.filter(([, c]) => [...c.before.values(), ...c.after.values()].some(isPod)).map(([n]) => n);
    if (pods.length)
      throw new Error(
        `rollout --script does not drive Kubernetes stacks yet (${pods.join(", ")}): a pod is replaced after its apply returns, and a broker registers its node's address, known only when the pod starts. Apply the waves that rollout (without --script) lists, each with tofu apply -target, then kubectl rollout status statefulset/<process>, then rocketmq-cdktf wait --namesrv <list> --broker <brokerName>:<brokerId>@<node address>:<port>.`,
      );
    return rolloutScript(plans, after, timeoutSeconds);
  }
  return renderRollout(plans);
}

/** What `rollout` and `wait` both take to reach a cluster: `--namesrv a;b` (repeatable), `--tls`, `--ca file`, `--timeout s`. */
interface ClusterArgs {
  nameServers: string[];
  tls: boolean;
  ca?: string;
  timeoutSeconds: number;
}

/**
 * Walks `args`: each one goes to `take` with a reader of its value; `--namesrv`, `--tls`, `--ca` and `--timeout` are
 * read into `cluster` first. `take` answers false for an argument it does not know.
 */
function readArgs(
  args: readonly string[],
  cluster: ClusterArgs,
  take: (arg: string, value: () => string) => boolean,
): void {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = () => {
      const v = args[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === "--namesrv")
      cluster.nameServers.push(
        ...value()
          .split(";")
          .map((x) => x.trim())
          .filter(Boolean),
      );
    else if (a === "--tls") cluster.tls = true;
    else if (a === "--ca") {
      cluster.ca = fs.readFileSync(value(), "utf8");
      cluster.tls = true;
    } else if (a === "--timeout") {
      const v = Number(value());
      if (!Number.isFinite(v) || v <= 0 || v > 3600) throw new Error("--timeout: seconds from 1 to 3600");
      cluster.timeoutSeconds = v;
    } else if (!take(a, value)) throw new Error(`unknown argument ${a}`);
  }
}

function askOptions(c: ClusterArgs): AskOptions {
  return { tls: c.tls, ...(c.ca !== undefined ? { ca: c.ca } : {}) };
}

/** Options of `rollout`: the format, `--timeout s`, `--stack name` (repeated), `--namesrv a;b`, `--tls`, `--ca file`, two outputs. */
export function parseRolloutArgs(args: readonly string[]): {
  format: "text" | "json" | "script";
  timeoutSeconds: number;
  stacks: string[];
  nameServers: string[];
  ask: AskOptions;
  before: string;
  after: string;
} {
  let format: "text" | "json" | "script" = "text";
  const stacks: string[] = [];
  const files: string[] = [];
  const cluster: ClusterArgs = { nameServers: [], tls: false, timeoutSeconds: 180 };
  readArgs(args, cluster, (a, value) => {
    if (a === "--json") format = "json";
    else if (a === "--script") format = "script";
    else if (a === "--stack") stacks.push(value());
    else if (a.startsWith("--")) return false;
    else files.push(a);
    return true;
  });
  if (files.length !== 2) throw new Error("give two cdktf outputs: <before> <after>");
  return {
    format,
    timeoutSeconds: cluster.timeoutSeconds,
    stacks,
    nameServers: cluster.nameServers,
    ask: askOptions(cluster),
    before: files[0],
    after: files[1],
  };
}

/** Who leads each group now, from the first of the name servers that answers (within 5 s each). */
export async function askLeaders(nameServers: readonly string[], ask: AskOptions = {}): Promise<Leaders> {
  const errors: string[] = [];
  for (const ns of nameServers) {
    try {
      return { table: await brokerTable(ns, 5_000, ask), from: ns };
    } catch (e) {
      errors.push((e as Error).message);
    }
  }
  return { unknown: errors.join("; ") || "no name server given" };
}

/**
 * `rollout`: the plan (Markdown, --json or --script); with `--namesrv`, the running cluster is asked who leads each
 * elected group, which then restarts last. Exit 0; 1 when an output cannot be read; 2 on wrong arguments.
 */
export function rolloutCommand(args: readonly string[]): Promise<number> {
  return runCommand(
    "rollout",
    () => parseRolloutArgs(args),
    async (o) => {
      const leaders = o.nameServers.length ? await askLeaders(o.nameServers, o.ask) : undefined;
      process.stdout.write(rollout(o.before, o.after, o.format, o.timeoutSeconds, o.stacks, leaders));
    },
  );
}

/**
 * The account `wait` signs broker requests with: ROCKETMQ_ACCESS_KEY and ROCKETMQ_SECRET_KEY from the environment
 * (never an argument: a command line is visible to every user of the machine). Both or neither.
 */
export function credentialsFrom(env: NodeJS.ProcessEnv): Credentials | undefined {
  const accessKey = env.ROCKETMQ_ACCESS_KEY ?? "";
  const secretKey = env.ROCKETMQ_SECRET_KEY ?? "";
  if (accessKey === "" && secretKey === "") return undefined;
  if (accessKey === "" || secretKey === "")
    throw new Error("set both ROCKETMQ_ACCESS_KEY and ROCKETMQ_SECRET_KEY (an account of the cluster), or neither");
  return { accessKey, secretKey };
}

/**
 * Options of `wait`: `--namesrv a;b`, `--broker name[:id]@host:port` (repeated), `--registered`, `--timeout s`,
 * `--tls`, `--ca file`; the account from the environment (credentialsFrom).
 */
export function parseWaitArgs(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): {
  nameServers: string[];
  brokers: ExpectedBroker[];
  /** Only registration is checked, not that each set's replicas caught up with its master. */
  registeredOnly: boolean;
  timeoutMs: number;
  tls: boolean;
  ca?: string;
  credentials?: Credentials;
} {
  const brokers: ExpectedBroker[] = [];
  let registeredOnly = false;
  const cluster: ClusterArgs = { nameServers: [], tls: false, timeoutSeconds: 180 };
  readArgs(args, cluster, (a, value) => {
    if (a === "--registered") {
      registeredOnly = true;
      return true;
    }
    if (a !== "--broker") return false;
    const v = value();
    const b = parseBrokerArg(v);
    if (!b) throw new Error(`--broker ${v}: write brokerName[:brokerId]@host:port, e.g. broker-a:0@10.0.0.1:10911`);
    brokers.push(b);
    return true;
  });
  if (cluster.nameServers.length === 0) throw new Error("give --namesrv (and --broker for each broker to wait for)");
  const credentials = credentialsFrom(env);
  return {
    nameServers: cluster.nameServers,
    brokers,
    registeredOnly,
    timeoutMs: cluster.timeoutSeconds * 1000,
    tls: cluster.tls,
    ...(cluster.ca !== undefined ? { ca: cluster.ca } : {}),
    ...(credentials ? { credentials } : {}),
  };
}

/**
 * `wait`: exit 0 once every name server answers, lists every broker given, and (unless `--registered`) every set of
 * those brokers is in sync: each replica holds what its master held when first asked, and a 5.x master counts every
 * replica in sync (in controller mode: its SyncStateSet). Exit 1 with what is missing or behind when the time is up,
 * or at once when a broker refuses for access control; 2: wrong arguments.
 */
export function waitCommand(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return runCommand(
    "wait",
    () => parseWaitArgs(args, env),
    async (o) => {
      if (o.brokers.length === 0 || o.registeredOnly) {
        const took = await waitRegistered(o.nameServers, o.brokers, o.timeoutMs, o);
        process.stdout.write(
          o.brokers.length
            ? `registered with ${o.nameServers.join(", ")} after ${(took / 1000).toFixed(1)} s: ${o.brokers.map(brokerArg).join(", ")}\n`
            : `${o.nameServers.join(", ")} answered after ${(took / 1000).toFixed(1)} s\n`,
        );
      } else {
        const { took, sets } = await waitInSync(o.nameServers, o.brokers, o.timeoutMs, o);
        process.stdout.write(
          `registered with ${o.nameServers.join(", ")} and in sync after ${(took / 1000).toFixed(1)} s: ${o.brokers.map(brokerArg).join(", ")}\n${sets.map((l) => `  ${l}\n`).join("")}`,
        );
      }
    },
  );
}

/** Options of `handover`: `--group g`, `--peers 'n0-host:port;...'`, `--leave id`, `--timeout s`, `--tls`, `--ca file`. */
export function parseHandoverArgs(args: readonly string[]): {
  group: string;
  peers: RaftPeer[];
  leave: string;
  timeoutMs: number;
  ask: AskOptions;
} {
  let group = "";
  let peers: RaftPeer[] = [];
  let leave = "";
  const cluster: ClusterArgs = { nameServers: [], tls: false, timeoutSeconds: 30 };
  readArgs(args, cluster, (a, value) => {
    if (a === "--group") group = value();
    else if (a === "--peers") peers = parsePeers(value());
    else if (a === "--leave") leave = value();
    else return false;
    return true;
  });
  if (!group || peers.length < 2 || !leave)
    throw new Error("give --group (dLegerGroup), --peers (dLegerPeers, two or more) and --leave (a dLegerSelfId)");
  return { group, peers, leave, timeoutMs: cluster.timeoutSeconds * 1000, ask: askOptions(cluster) };
}

/**
 * `handover`: exit 0 once the DLedger member `--leave` does not lead its group (it did not, or it handed the
 * leadership over to another member, which then leads); 1 when it still leads (the group then elects when it stops);
 * 2: wrong arguments.
 */
export function handoverCommand(args: readonly string[]): Promise<number> {
  return runCommand(
    "handover",
    () => parseHandoverArgs(args),
    async (o) => {
      process.stdout.write(`${await handOver(o.group, o.peers, o.leave, o.timeoutMs, o.ask)}\n`);
    },
  );
}

/**
 * One asynchronous command: its arguments read by `parse` (wrong ones: the message and the usage, exit 2), then
 * `run` (exit 0; its error's message, exit 1).
 */
async function runCommand<O>(name: string, parse: () => O, run: (o: O) => Promise<void>): Promise<number> {
  let o: O;
  try {
    o = parse();
  } catch (e) {
    process.stderr.write(`rocketmq-cdktf ${name}: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  try {
    await run(o);
    return 0;
  } catch (e) {
    process.stderr.write(`rocketmq-cdktf ${name}: ${(e as Error).message}\n`);
    return 1;
  }
}

const USAGE =
  "usage: rocketmq-cdktf topology [outdir]\n" +
  "       rocketmq-cdktf diff [--json] <before> <after>\n" +
  "       rocketmq-cdktf rollout [--json | --script] [--timeout <s>] [--stack <name> ...] [--namesrv <host:port;...> [--tls] [--ca <pem file>]] <before> <after>\n" +
  "       rocketmq-cdktf wait --namesrv <host:port;...> [--broker <brokerName[:brokerId]@host:port> ...] [--registered] [--timeout <s>] [--tls] [--ca <pem file>]\n" +
  "         (a cluster with access control: ROCKETMQ_ACCESS_KEY and ROCKETMQ_SECRET_KEY in the environment)\n" +
  "       rocketmq-cdktf handover --group <dLegerGroup> --peers <dLegerPeers> --leave <dLegerSelfId> [--timeout <s>] [--tls] [--ca <pem file>]\n";

export function main(argv: string[]): number {
  const [cmd, ...args] = argv;
  try {
    const paths = args.filter((a) => a !== "--json");
    if (cmd === "diff" && paths.length === 2) {
      process.stdout.write(diff(paths[0], paths[1], paths.length < args.length));
      return 0;
    }
    if (cmd === "rollout") {
      // Without --namesrv (which asks the cluster: rolloutCommand) the plan needs nothing asynchronous.
      const o = parseRolloutArgs(args);
      if (o.nameServers.length) throw new Error("--namesrv asks the cluster: run it through rolloutCommand");
      process.stdout.write(rollout(o.before, o.after, o.format, o.timeoutSeconds, o.stacks));
      return 0;
    }
    if (cmd === "topology" && args.length <= 1) {
      const text = topology(args[0] ?? "cdktf.out");
      process.stdout.write(text || "no topology.md found: synthesize first (cdktf synth)\n");
      return text ? 0 : 1;
    }
  } catch (e) {
    process.stderr.write(`rocketmq-cdktf ${cmd}: ${(e as Error).message}\n`);
    return 1;
  }
  process.stderr.write(USAGE);
  return 2;
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  if (argv[0] === "wait") void waitCommand(argv.slice(1)).then((code) => process.exit(code));
  else if (argv[0] === "rollout") void rolloutCommand(argv.slice(1)).then((code) => process.exit(code));
  else if (argv[0] === "handover") void handoverCommand(argv.slice(1)).then((code) => process.exit(code));
  else process.exit(main(argv));
}

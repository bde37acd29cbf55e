// npm run lab:deploy [-- filter...]: every stack main.ts synthesizes, applied as a user's `cdktf deploy` would (tofu
// init, plan, apply) with OpenTofu and the real kreuzwerker/docker provider to real Docker engines (Debian's dockerd,
// one per host, inside that host's network namespace, carrying the host's address), running the lab's image. Then
// the shared checks from a client outside every container, and what only a deployment shows: stores written as uid
// 3000, a second plan with no changes, a change rolled out (2m-2s), destroy refused without the opt-in, a full teardown
// with it. Filters (substring of the stack names, or =name for that stack only): e.g. `npm run lab:deploy -- dledger dev`.
// Last line: "N passed, N failed". Everything it starts is stopped on success, failure, signal and timeout.
import * as fs from "fs";
import * as path from "path";
import { spawn, spawnSync } from "child_process";
import { DEFAULT_DASHBOARD_IMAGE } from "../../lib";
import { Ctx } from "../checks";
import { Clusters } from "../client";
import { Deployment, brokerExpect, registeredId } from "../deployment";
import { runLab, summary } from "../guard";
import { LAB_TOOLS, Network, PREFIX, deleteStale, isLoopback, prerequisites, registry } from "../hosts";
import {
  cliWait,
  consumeAll,
  controllerMode,
  createTopicEverywhere,
  dledgerGroup,
  oneMachine,
  sendOk,
  plainAclUpload,
  securedDledger,
  securedPair,
  twoMasterTwoSlave,
} from "../scenarios";
import {
  Stack,
  holds,
  listContainerStacks,
  listStacks,
  PemKind,
  pemVariables,
  pickValues,
  readStack,
  secretsIn,
  sensitiveVariables,
  stackValues,
  stackVariables,
  synth,
} from "../stack";
import { LabCertificates } from "../tls";
import {
  ROLLOUT_AT_ONCE,
  Traffic,
  checkNothingLost,
  noteBaseline,
  cliRollout,
  clusterServing,
  trafficLine,
  underTraffic,
  writeTrafficTable,
} from "../traffic";
import { REPO_DIR, WORK_DIR, captureLog, cliArgv, filesUnder, log, ms, run, stripAnsi, tryRun, waitFor } from "../util";
import { ContainerProc, DockerDeployment } from "./deployment";
import { ENGINES_DIR, Engine, RUN_ROOT, deleteStaleEngines, dockerResult } from "./engines";
import { IMAGE_GID, IMAGE_UID, ImageTar, LAB_CONSOLE_IMAGE, LAB_IMAGE_REPO, ensureImageTar } from "./image";
import { labPems, tlsChecks, tlsClient, uploadAttributes } from "./tls";
import {
  TofuResult,
  mirroredProviders,
  plannedChanges,
  tofu,
  tofuEnv,
  tofuOk,
  tofuProcessEnv,
  tofuTranscript,
} from "./tofu";

const DEPLOY_DIR = path.join(WORK_DIR, "deploy");
const DEV_NS = `${PREFIX}dev`;
/** Host directories of stores (the lab's machines share this machine's file system): <STORE_DIRS>/<address>/<name>. */
const STORE_DIRS = path.join(DEPLOY_DIR, "host-dirs");
/** The rollout: one setting of one broker (broker-a's master in seed-2m-2s-sync). */
const ROLLOUT = { stack: "seed-2m-2s-sync", brokerName: "broker-a", key: "fileReservedTime", value: "120" };
/** The stack with access control, and the permission change whose diff must not show the ACL file's content. */
const SECURED = { stack: "seed-secured", user: "orders-audit", topic: "Invoices", permission: "SUB" };
/**
 * The rollout proof: a change that restarts every broker and name server (the JVM heaps: 512/256 MiB -> 480/240 in
 * waves, -> 448/224 all at once), and for the SYNC pairs one name server added (in waves) and another (all at once),
 * each with a producer sending throughout. The "all at once" halves run with ROCKETMQ_ROLLOUT_AT_ONCE=1 only.
 */
const PROOF = {
  stacks: ["seed-2m-2s-sync", "seed-dledger", "seed-5x-controller"],
  heap1: { broker: 480, nameServer: 240 },
  heap2: { broker: 448, nameServer: 224 },
  addNameServer: "seed-2m-2s-sync",
};

interface LabOptions {
  engines: Record<string, string>;
  images: Record<string, string>;
  dashboardImage: string;
  allowStoreDestroy?: boolean;
  masterProperties?: Record<string, Record<string, string>>;
  storeDirs: string;
  userTopicPermissions?: Record<string, Record<string, string>>;
  heapMb?: { broker: number; nameServer: number };
  extraNameServers?: number;
}

/** The engine socket of the machine at `address`: known before the engines start, so the stacks can name it. */
function engineHost(address: string): string {
  return `unix://${path.join(RUN_ROOT, address, "docker.sock")}`;
}

function labSynth(outDir: string, options: LabOptions): void {
  fs.rmSync(outDir, { recursive: true, force: true });
  const t = Date.now();
  run("npx", ["ts-node", "--transpile-only", path.join(__dirname, "app.ts")], {
    cwd: REPO_DIR,
    env: { ...process.env, CDKTF_OUTDIR: outDir, ROCKETMQ_DEPLOY_OPTIONS: JSON.stringify(options) },
    timeoutMs: 300_000,
  });
  log(`synth (${path.basename(outDir)}): ${listStacks(outDir).join(", ")} in ${ms(Date.now() - t)}`);
}

/**
 * The store-init of a host directory, run again on its engine exactly as synthesized (root, its two capabilities,
 * no-new-privileges, no network) against two new parent folders owned by another user: it makes and hands over a
 * missing directory, and leaves one that exists (owned by root) as it is, exiting 1 with the reason.
 */
function storeInitRefusal(ctx: Ctx, name: string, init: any, engines: Map<string, Engine>): void {
  const e = engines.get((init.labels as any[]).find((l) => l.label === "rocketmq.host").value)!;
  const script = String(init.command[0]);
  const leaf = /d='\/rocketmq-store-parent\/([^']+)'/.exec(script)![1];
  // Its other named mounts (the logs volume it hands over too) as folders of their own, made by root as Docker makes
  // a new volume's root.
  const others = (init.volumes ?? []).filter((v: any) => v.volume_name !== undefined);
  const runInit = (parent: string) =>
    dockerResult(e.host, [
      "run",
      "--rm",
      "--user",
      "0:0",
      "--network",
      "none",
      "--cap-drop",
      "ALL",
      ...init.capabilities.add.flatMap((c: string) => ["--cap-add", c]),
      ...init.security_opts.flatMap((o: string) => ["--security-opt", o]),
      "-v",
      `${parent}:/rocketmq-store-parent`,
      ...others.flatMap((v: any, i: number) => {
        const dir = `${parent}-volume-${i}`;
        fs.rmSync(dir, { recursive: true, force: true });
        fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
        return ["-v", `${dir}:${v.container_path}`];
      }),
      "--entrypoint",
      "sh",
      init.image,
      "-c",
      script,
    ]);
  const parentOf = (tag: string) => {
    const p = path.join(WORK_DIR, "deploy", "host-dirs", `store-init-${tag}`);
    fs.rmSync(p, { recursive: true, force: true });
    fs.mkdirSync(p, { recursive: true, mode: 0o755 });
    fs.chownSync(p, 1234, 1234);
    return p;
  };
  const fresh = parentOf("fresh");
  const made = runInit(fresh);
  const st = fs.statSync(path.join(fresh, leaf), { throwIfNoEntry: false });
  ctx.check(
    `${name}: the store-init makes a missing store directory in a parent another user owns, 0750, owned by 3000:3000`,
    made.status === 0 && st?.uid === 3000 && st?.gid === 3000 && (st.mode & 0o777) === 0o750,
    `exit ${made.status}; ${st ? `${st.uid}:${st.gid} ${(st.mode & 0o777).toString(8)}` : "no directory"}; ${made.out.slice(-300)}`,
  );
  const taken = parentOf("taken");
  fs.mkdirSync(path.join(taken, leaf), { mode: 0o755 });
  const refused = runInit(taken);
  const kept = fs.statSync(path.join(taken, leaf));
  ctx.check(
    `${name}: the store-init leaves an existing directory it did not make as it was (root-owned, 0755) and exits 1 saying why`,
    refused.status === 1 &&
      kept.uid === 0 &&
      (kept.mode & 0o777) === 0o755 &&
      refused.out.includes("the library hands over only directories it makes"),
    `exit ${refused.status}; ${kept.uid}:${kept.gid} ${(kept.mode & 0o777).toString(8)}; ${refused.out.trim().slice(-400)}`,
  );
  for (const p of [fresh, taken])
    for (const d of [p, ...others.map((_: unknown, i: number) => `${p}-volume-${i}`)])
      fs.rmSync(d, { recursive: true, force: true });
}

/** The lab's stack with the engines and images replaced by main.ts's: must be main.ts's stack exactly. */
function sameAsMain(lab: any, main: any, options: LabOptions): string[] {
  const norm = (doc: any, fromLab: boolean): any => {
    const d = JSON.parse(JSON.stringify(doc));
    for (const p of d.provider?.docker ?? []) delete p.host;
    for (const c of Object.values<any>(d.resource?.docker_container ?? {})) {
      // The lab's store folders (<storeDirs>/<address>/<name>) are main.ts's /data/rocketmq/<name>: in the stores'
      // mounts, and in the store-init's mount of their parent and its script.
      const labDirs = new RegExp(`${options.storeDirs}/[^/'"]+(?=/|$|')`, "g");
      for (const v of c.volumes ?? []) {
        if (fromLab && typeof v.host_path === "string") v.host_path = v.host_path.replace(labDirs, "/data/rocketmq");
      }
      if (fromLab && Array.isArray(c.command))
        c.command = c.command.map((a: unknown) => (typeof a === "string" ? a.replace(labDirs, "/data/rocketmq") : a));
      if (fromLab) {
        const version = Object.entries(options.images).find(([, img]) => img === c.image)?.[0];
        if (version) c.image = `apache/rocketmq:${version}`;
        if (c.image === options.dashboardImage) c.image = DEFAULT_DASHBOARD_IMAGE;
      }
    }
    return d;
  };
  const a = norm(lab, true);
  const b = norm(main, false);
  const diffs: string[] = [];
  const walk = (x: any, y: any, at: string): void => {
    if (diffs.length > 5) return;
    if (JSON.stringify(x) === JSON.stringify(y)) return;
    if (x && y && typeof x === "object" && typeof y === "object") {
      for (const k of new Set([...Object.keys(x), ...Object.keys(y)])) walk(x[k], y[k], `${at}.${k}`);
    } else diffs.push(`${at}: lab ${JSON.stringify(x)?.slice(0, 120)} vs main.ts ${JSON.stringify(y)?.slice(0, 120)}`);
  };
  walk(a, b, "");
  return diffs;
}

/** docker import of the lab image into each engine, in parallel (bounded); `changes`: the image's config. */
async function importImages(engines: Engine[], image: ImageTar, tag: string, changes = image.changes): Promise<void> {
  await Promise.all(
    engines.map(
      (e) =>
        new Promise<void>((resolve, reject) => {
          const args = ["-H", e.host, "import", ...changes.flatMap((c) => ["--change", c]), image.file, tag];
          const child = spawn("docker", args, {
            stdio: ["ignore", "ignore", "pipe"],
            env: { ...process.env, DOCKER_CONFIG: path.join(DEPLOY_DIR, "docker-cli") },
          });
          let err = "";
          child.stderr.on("data", (d) => (err += d));
          const timer = setTimeout(() => child.kill("SIGKILL"), 300_000);
          child.on("exit", (code) => {
            clearTimeout(timer);
            if (code === 0) resolve();
            else reject(new Error(`docker import into ${e.name} exited ${code}: ${err}`));
          });
        }),
    ),
  );
}

interface StackDirs {
  initial: string;
  rollout: string;
  /** The rollout proof's outputs (PROOF): every heap changed, then again; one name server added, then another. */
  heap1: string;
  heap2: string;
  ns1: string;
  ns2: string;
  teardown: string;
  /** main.ts's own output, and seed-secured with one account's permission changed. */
  main: string;
  acl: string;
}

class Machines {
  net?: Network;
  readonly engines = new Map<string, Engine>();
  clientNs = "";

  async up(stack: Stack): Promise<void> {
    const addrs = [...new Set([...stack.containers, ...stack.dashboards].map((c) => c.host))].sort();
    let i = 0;
    for (const a of addrs) {
      let ns: string;
      if (isLoopback(a)) {
        // a newcomer's machine: one network namespace with only its loopback; the client runs on it too
        run("ip", ["netns", "add", DEV_NS]);
        registry.namespaces.add(DEV_NS);
        run("ip", ["-n", DEV_NS, "link", "set", "lo", "up"]);
        ns = DEV_NS;
        this.clientNs = DEV_NS;
      } else {
        this.net ??= new Network();
        ns = this.net.addHost(a);
      }
      this.engines.set(a, new Engine(a, ns, ++i));
    }
    if (this.net && !this.clientNs) this.clientNs = this.net.addClient();
    await Promise.all([...this.engines.values()].map((e) => e.start()));
  }

  async down(): Promise<void> {
    // Docker never deletes a bind-mounted host directory; the lab's machines are gone, so are their directories.
    for (const a of this.engines.keys()) fs.rmSync(path.join(STORE_DIRS, a), { recursive: true, force: true });
    for (const e of this.engines.values()) {
      try {
        await e.stop();
      } catch (err) {
        log(`engine ${e.name}: stop: ${(err as Error).message}`);
      }
    }
    this.net?.destroy();
    if (registry.namespaces.has(DEV_NS)) {
      tryRun("ip", ["netns", "del", DEV_NS]);
      registry.namespaces.delete(DEV_NS);
    }
  }
}

function rawStack(dir: string, name: string): any {
  return JSON.parse(fs.readFileSync(path.join(dir, "stacks", name, "cdk.tf.json"), "utf8"));
}

/** Server containers with a store: container name -> mount path. */
function storesOf(raw: any): Map<string, string> {
  const out = new Map<string, string>();
  for (const c of Object.values<any>(raw.resource?.docker_container ?? {})) {
    const role = (c.labels ?? []).find((l: any) => l.label === "rocketmq.role")?.value;
    const first = c.volumes?.[0]?.container_path;
    if (role !== "store-init" && role !== "logs-init" && first && first !== "/home/rocketmq/logs")
      out.set(c.name, first);
  }
  return out;
}

async function deployStack(
  ctx: Ctx,
  name: string,
  dirs: StackDirs,
  images: Map<string, ImageTar>,
  options: LabOptions,
  values: Readonly<Record<string, string>>,
  certs: LabCertificates | undefined,
): Promise<void> {
  const stack = readStack(dirs.initial, name, values);
  // The lab's values of the variables the stack declares, given to tofu as TF_VAR_<name>; its secrets are the
  // sensitive ones (a certificate and a CA are public).
  const vars = stackValues(dirs.initial, name, values);
  const secrets = pickFrom(vars, sensitiveVariables(dirs.initial, name));
  const tls = Object.keys(pemVariables(dirs.initial, name)).length > 0 ? certs : undefined;
  const raw = rawStack(dirs.initial, name);
  const dir = path.join(dirs.initial, "stacks", name);
  const version = stack.containers[0].version;
  const machines = new Machines();
  let d: Deployment | undefined;
  try {
    await machines.up(stack);
    const t = Date.now();
    await importImages([...machines.engines.values()], images.get(version)!, options.images[version]);
    log(
      `${name}: image ${options.images[version]} imported into ${machines.engines.size} engine(s) in ${ms(Date.now() - t)}`,
    );
    const consoleHosts = [...new Set(stack.dashboards.map((c) => c.host))].sort();
    if (consoleHosts.length) {
      const tc = Date.now();
      await importImages(
        consoleHosts.map((h) => machines.engines.get(h)!),
        images.get(version)!,
        options.dashboardImage,
        images.get(version)!.consoleChanges,
      );
      log(
        `${name}: the stand-in console image ${options.dashboardImage} imported into ${consoleHosts.join(", ")} in ${ms(Date.now() - tc)}`,
      );
    }

    // What a user's pipeline runs: init, plan, apply (with the stack's variables from the start: OpenTofu's state
    // encryption reads its passphrase at init).
    tofuOk(dir, ["init", "-input=false", "-no-color"], undefined, vars);
    const plan = tofuOk(dir, ["plan", "-input=false", "-no-color", "-out=tfplan"], undefined, vars);
    const creates = plannedChanges(dir, "tfplan", vars).filter((c) => c.actions.includes("create"));
    const apply = tofu(dir, ["apply", "-input=false", "-no-color", "tfplan"], undefined, vars);
    const applied = apply.code === 0;
    ctx.check(
      `${name}: tofu apply creates the stack's ${creates.length} resources on ${machines.engines.size} engine(s) (plan ${ms(plan.tookMs)}, apply ${ms(apply.tookMs)})`,
      applied,
      applied ? (/Apply complete![^\n]*/.exec(apply.out)?.[0] ?? "") : apply.out.slice(-3000),
    );
    if (!applied) return;
    if (tls) uploadAttributes(ctx, name, tofuOk(dir, ["providers", "schema", "-json"], undefined, vars).stdout);

    // Every server runs, every store was handed to uid 3000, nothing of RocketMQ runs as root.
    const procs = stack.containers.map((c) => new ContainerProc(c, machines.engines.get(c.host)!));
    const notRunning = procs.filter((p) => !p.state().running).map((p) => `${p.c.name} (${p.state().status})`);
    ctx.check(
      `${name}: all ${procs.length} RocketMQ containers are running`,
      notRunning.length === 0,
      notRunning.join(", "),
    );
    const inits = Object.values<any>(raw.resource.docker_container).filter((c) =>
      (c.labels ?? []).some((l: any) => l.value === "store-init"),
    );
    const badInits = inits
      .map((c) => {
        const e = machines.engines.get((c.labels as any[]).find((l) => l.label === "rocketmq.host").value)!;
        const st = e.docker(["inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", c.name]).trim();
        return st === "exited 0" ? "" : `${c.name}: ${st}`;
      })
      .filter(Boolean);
    ctx.check(
      `${name}: the ${inits.length} store-init containers handed their stores over and exited 0`,
      badInits.length === 0,
      badInits.join(", "),
    );
    const dirInit = inits.find((c) =>
      (c.volumes ?? []).some((v: any) => v.container_path === "/rocketmq-store-parent"),
    );
    if (dirInit) storeInitRefusal(ctx, name, dirInit, machines.engines);
    // A second plan right after apply: nothing to do.
    const again = tofu(dir, ["plan", "-input=false", "-no-color", "-detailed-exitcode"], undefined, vars);
    ctx.check(
      `${name}: a second plan after apply reports "No changes."`,
      again.code === 0 && again.out.includes("No changes."),
      again.code === 0 ? "" : again.out.slice(-2500),
    );

    const outputs = JSON.parse(tofuOk(dir, ["output", "-json"], undefined, vars).stdout);
    const key = Object.keys(outputs).find((k) => k.endsWith("_namesrvAddr"));
    const namesrvAddr = key ? String(outputs[key].value) : "";
    ctx.note(`${name}: the stack prints ${key} = ${namesrvAddr}`);
    d = new DockerDeployment(
      stack,
      path.join(DEPLOY_DIR, "run", name),
      machines.engines,
      namesrvAddr,
      machines.clientNs,
    );
    const scenario = {
      "seed-2m-2s-sync": twoMasterTwoSlave,
      "seed-dledger": dledgerGroup,
      "seed-5x-controller": controllerMode,
      [SECURED.stack]: securedPair,
      "seed-secured-5x": securedPair,
      "seed-tls": securedPair,
      "seed-dledger-secured": securedDledger,
      "seed-dledger-secured-5x": securedDledger,
      dev: oneMachine,
    }[name];
    if (!scenario) throw new Error(`no checks for stack ${name}`);
    try {
      if (tls) tlsClient(d, tls);
      await scenario(ctx, d);
      if (tls) await tlsChecks(ctx, name, d, tls);
    } catch (e) {
      for (const p of d.procs) log(`log tail of ${p.c.name}:\n${p.tails(15)}`);
      throw e;
    }
    await checkConsoles(ctx, name, stack, outputs, machines, d);
    checkOwnership(ctx, name, raw, procs);
    let current = dirs.initial;
    if (name === ROLLOUT.stack) {
      await rollout(ctx, d, dirs, name);
      current = dirs.rollout;
    }
    if (PROOF.stacks.includes(name)) current = await rolloutProof(ctx, d, dirs, name, current, machines.engines);
    const secured = Object.keys(secrets).length > 0;
    if (secured) secretsAtRest(ctx, name, d, stack, secrets, "after apply");
    teardown(ctx, name, dirs, current, machines, vars);
    if (secured) {
      secretsAtRest(ctx, name, undefined, stack, secrets, "after destroy");
      leakCheck(ctx, name, dirs, secrets, stack.containers.filter((c) => c.role === "broker").length);
    }
  } finally {
    await d?.destroy();
    await machines.down();
  }
}

/**
 * Each console (Dashboard) runs at the URL the stack prints and, with nothing typed into it, shows every broker of its
 * cluster at its registered address, through the name servers the library wrote into its JAVA_OPTS. The console is the
 * lab's stand-in (lab/java/LabConsole.java: no rocketmq-dashboard jar or image is reachable here), which reads the
 * dashboard's own settings and asks the name servers as its cluster page does.
 */
async function checkConsoles(
  ctx: Ctx,
  name: string,
  stack: Stack,
  outputs: Record<string, { value: unknown }>,
  machines: Machines,
  d: Deployment,
): Promise<void> {
  const brokers = d.byRole("mqbroker").map(brokerExpect);
  for (const c of stack.dashboards) {
    const e = machines.engines.get(c.host)!;
    const port = c.ports[0]?.external ?? c.ports[0]?.internal;
    const url = `http://${c.host}:${port}`;
    const printed = Object.entries(outputs)
      .filter(([k, v]) => k.endsWith("_url") && v.value === url)
      .map(([k]) => k);
    const state = e.docker(["inspect", "--format", "{{.State.Status}}", c.name]).trim();
    ctx.check(
      `${name}: ${c.name} (console) is running and the stack prints its URL ${url}`,
      state === "running" && printed.length === 1,
      `state ${state}; outputs ${printed.join(", ") || "(none)"}`,
    );
    const mine = brokers.filter((b) => b.cluster === c.cluster);
    const namesrvAddr = mine[0]?.namesrvs.join(";") ?? "";
    let last = "";
    const t = Date.now();
    const shown = await waitFor(`${c.name} to show the ${mine.length} brokers of ${c.cluster}`, 90_000, 1000, () => {
      last = run(
        "ip",
        ["netns", "exec", machines.clientNs, "curl", "-s", "--max-time", "5", `${url}/cluster/list.query`],
        { timeoutMs: 10_000 },
      );
      const body = JSON.parse(last);
      const cl = clustersOf(body?.data?.clusterInfo);
      // As the scenarios check registration: at its address, under its brokerId (any id for a raft member); and each
      // broker's runtime statistics, which the console asks from the broker itself (signed, where access control is on).
      const ok =
        mine.length > 0 &&
        mine.every((b) => {
          const id = registeredId(cl, b);
          const stats = id === undefined ? undefined : body?.data?.brokerServer?.[b.brokerName]?.[id];
          return (b.id === undefined ? id !== undefined : id === b.id) && stats?.brokerVersionDesc !== undefined;
        });
      return ok ? body : undefined;
    }).catch((err: Error) => {
      ctx.check(
        `${name}: ${c.name} shows every broker of ${c.cluster}`,
        false,
        `${err.message}; last answer ${last.slice(0, 600)}; log: ${e.docker(["logs", "--tail", "15", c.name]).slice(-1500)}`,
      );
      return undefined;
    });
    if (!shown) continue;
    // Where the console is given an account (access control), it says it signs with it (never the secret).
    const accessKey = /-Drocketmq\.config\.accessKey=(\S+)/.exec(c.env.JAVA_OPTS ?? "")?.[1];
    // (LabConsole writes to stderr, which `docker logs` passes on as such.)
    const said =
      dockerResult(e.host, ["logs", c.name])
        .out.split("\n")
        .find((l) => l.startsWith("LabConsole: signing") || l.startsWith("LabConsole: not signing")) ?? "";
    // With access control, the answer proves signing only if the console reached a broker from outside the white
    // list: the masters' own logs say where each connection came from (RocketMQ logs every new channel at INFO).
    let signedProof = true;
    let from = "";
    if (accessKey) {
      const own = e
        .docker([
          "inspect",
          "--format",
          "{{range .NetworkSettings.Networks}}{{.IPAddress}} {{.Gateway}} {{end}}",
          c.name,
        ])
        .trim()
        .split(/\s+/);
      const masters = mine.filter((b) => b.id === "0");
      const seen = masters.map((b) => {
        const cp = b.proc as ContainerProc;
        const log = cp.engine.docker(["exec", cp.c.name, "cat", "/home/rocketmq/logs/rocketmqlogs/broker.log"], 30_000);
        const peers = new Set([...log.matchAll(/channelActive, the channel\[([\d.]+):\d+\]/g)].map((m) => m[1]));
        const white =
          /globalWhiteRemoteAddresses:([^a]*)accounts:/s.exec(plainAclUpload(b.proc)?.content ?? "")?.[1] ?? "";
        const console = own.filter((ip) => peers.has(ip));
        return { b, console, outside: console.filter((ip) => !white.includes(`"${ip}"`)) };
      });
      signedProof = seen.length > 0 && seen.every((x) => x.outside.length > 0);
      from = `; ${seen.map((x) => `${x.b.proc.c.name} saw the console connect from ${x.console.join(", ") || "(nowhere)"} (its container's address or its bridge's gateway, where Docker's proxy passes published ports on)${x.outside.length ? " (outside the white list: no unsigned request gets through)" : ""}`).join("; ")}`;
    }
    ctx.check(
      `${name}: ${c.name} (console), with nothing typed in, shows the ${mine.length} brokers of ${c.cluster} at their addresses with each broker's runtime statistics, asked from the broker itself (${ms(Date.now() - t)}), through namesrvAddr ${shown.namesrvAddr}${accessKey ? `, signed as ${accessKey}` : ""}`,
      shown.namesrvAddr === namesrvAddr &&
        signedProof &&
        (accessKey
          ? said === `LabConsole: signing every request as accessKey=${accessKey}`
          : said.startsWith("LabConsole: not signing")),
      `the console's namesrvAddrs ${JSON.stringify(shown.namesrvAddrs)}; the brokers' namesrvAddr ${namesrvAddr}; its log: ${said}${from}`,
    );
  }
}

/** A cluster info as RocketMQ answers it (brokerAddrTable, clusterAddrTable) in the client's shape: cluster -> brokerName -> brokerId -> address. */
function clustersOf(info: any): Clusters {
  const out: Clusters = {};
  for (const [cluster, names] of Object.entries<string[]>(info?.clusterAddrTable ?? {})) {
    out[cluster] = Object.fromEntries(names.map((n) => [n, { ...(info?.brokerAddrTable?.[n]?.brokerAddrs ?? {}) }]));
  }
  return out;
}

/** After the checks ran (the servers wrote their stores): every store and what is in it belongs to uid 3000, and every process runs as it. */
function checkOwnership(ctx: Ctx, name: string, raw: any, procs: ContainerProc[]): void {
  const stores = storesOf(raw);
  for (const p of procs) {
    const mount = stores.get(p.c.name);
    if (!mount) continue;
    const kind = p.c.volumes[0]?.volume_name ? "named volume" : "host directory";
    // The store root and what the server itself wrote into it (a broker's lock, checkpoint, commitlog...).
    const st = p.engine
      .docker(["exec", p.c.name, "find", mount, "-maxdepth", "1", "-exec", "stat", "-c", "%u:%g %n", "{}", "+"])
      .trim()
      .split("\n");
    const wrong = st.filter((l) => !l.startsWith(`${IMAGE_UID}:${IMAGE_GID} `));
    ctx.check(
      `${name}: ${p.c.name} wrote its store on a ${kind} as ${IMAGE_UID}:${IMAGE_GID}`,
      wrong.length === 0 && (p.script !== "mqbroker" || st.length > 1),
      st.map((l) => l.replace(`${mount}/`, "")).join(", "),
    );
  }
  // What the kernel says of each running JVM: no capability in any set, and no way to gain one.
  const privileges = procs.map((p) => {
    const pid = p.javaPid();
    const status = pid ? fs.readFileSync(`/proc/${pid}/status`, "utf8") : "";
    const field = (k: string) => new RegExp(`^${k}:\\s+(\\S+)`, "m").exec(status)?.[1] ?? "?";
    return { name: p.c.name, eff: field("CapEff"), bnd: field("CapBnd"), nnp: field("NoNewPrivs") };
  });
  ctx.check(
    `${name}: every JVM of the ${procs.length} RocketMQ containers holds no capability (effective and bounding sets empty) and NoNewPrivs is set`,
    privileges.every((x) => /^0+$/.test(x.eff) && /^0+$/.test(x.bnd) && x.nnp === "1"),
    privileges.map((x) => `${x.name}: CapEff ${x.eff} CapBnd ${x.bnd} NoNewPrivs ${x.nnp}`).join("; "),
  );
  const users = procs.map((p) => ({ p, users: p.processUsers() }));
  ctx.check(
    `${name}: every process of the ${procs.length} RocketMQ containers runs as uid ${IMAGE_UID}, none as root`,
    users.every((u) => u.users.length > 0 && u.users.every((x) => x.uid === String(IMAGE_UID))),
    users.map((u) => `${u.p.c.name}: ${u.users.map((x) => `${x.comm}=${x.uid}`).join(" ")}`).join("; "),
  );
  checkReadOnlyRoot(ctx, name, procs);
}

/**
 * The servers ran (and passed every check before this one) on a read-only root: Docker says so, a write to the root
 * is refused by the kernel, and the logs are in the server's logs volume, written as uid 3000.
 */
function checkReadOnlyRoot(ctx: Ctx, name: string, procs: ContainerProc[]): void {
  const servers = procs.filter((p) => p.c.role !== "dashboard");
  const seen = servers.map((p) => {
    const readOnly = p.engine.docker(["inspect", "--format", "{{.HostConfig.ReadonlyRootfs}}", p.c.name]).trim();
    const write = dockerResult(p.engine.host, [
      "exec",
      p.c.name,
      "sh",
      "-c",
      "echo x > /home/rocketmq/rocketmq-cdktf-probe",
    ]);
    const logs = p.engine
      .docker(["exec", p.c.name, "find", "/home/rocketmq/logs", "-name", "*.log", "-user", String(IMAGE_UID)])
      .split("\n")
      .filter(Boolean);
    return {
      name: p.c.name,
      ok: readOnly === "true" && write.status !== 0 && /Read-only file system/.test(write.out) && logs.length > 0,
      text: `${p.c.name}: ReadonlyRootfs ${readOnly}, a write to /home/rocketmq: "${write.out.trim().split("\n").pop()}", ${logs.length} logs written in its logs volume (${logs
        .map((l) => path.posix.basename(l))
        .slice(0, 3)
        .join(", ")})`,
    };
  });
  ctx.check(
    `${name}: the ${servers.length} RocketMQ servers run on a read-only root file system, writing only to their volumes`,
    servers.length > 0 && seen.every((x) => x.ok),
    seen.map((x) => x.text).join("; "),
  );
}

/** What `rocketmq-cdktf diff --json` prints for one stack: the fields the lab reads. */
interface CliImpact {
  stack: string;
  restarted: { name: string; reasons: string[] }[];
}

/** `rocketmq-cdktf diff --json <before> <after>` (the package's command, lib/cli.ts): its answer for `stack`, and all it printed. */
function cliDiff(before: string, after: string, stack: string): CliImpact & { printed: string } {
  const [cmd, ...args] = cliArgv(["diff", "--json", before, after]);
  const out = run(cmd, args, { cwd: REPO_DIR, timeoutMs: 120_000 });
  const impacts = JSON.parse(out) as CliImpact[];
  const mine = impacts.find((i) => i.stack === stack);
  if (!mine)
    throw new Error(`rocketmq-cdktf diff --json: no stack ${stack} in ${impacts.map((i) => i.stack).join(", ")}`);
  return { ...mine, printed: out };
}

/** One broker's setting changed: only its container is replaced, it starts with the new file, its store is kept. */
async function rollout(ctx: Ctx, d: Deployment, dirs: StackDirs, name: string): Promise<void> {
  const client = d.client!;
  const brokers = d.byRole("mqbroker").map(brokerExpect);
  const target = brokers.find((b) => b.brokerName === ROLLOUT.brokerName && b.id === "0")!;
  const cluster = target.cluster;
  await d.waitRegistered([target.proc], 60_000, (_b, id) => id === "0");
  const topic = "LabTopicRollout";
  await createTopicEverywhere(client, topic, cluster);
  const before: string[] = [];
  for (let i = 0; i < 5; i++) {
    const r = await waitFor(`SEND_OK from ${ROLLOUT.brokerName}`, 30_000, 300, async () => {
      const x = await sendOk(client, topic, ROLLOUT.brokerName, `rollout-before-${i}`);
      return x.ok && x.status === "SEND_OK" ? x : undefined;
    });
    if (r) before.push(`rollout-before-${i}`);
  }
  const oldConfig = (await client.must("brokerConfig", [target.addr])).config as Record<string, string>;
  const cp = target.proc as ContainerProc;
  const oldId = cp.engine.docker(["inspect", "--format", "{{.Id}}", cp.c.name]).trim();

  const dir = path.join(dirs.rollout, "stacks", name);
  tofuOk(dir, ["init", "-input=false", "-no-color"]);
  tofuOk(dir, ["plan", "-input=false", "-no-color", "-out=tfplan"]);
  const changes = plannedChanges(dir, "tfplan").filter((c) => !c.actions.every((a) => a === "no-op" || a === "read"));
  // What `rocketmq-cdktf diff` says of the same change, from the two synthesized outputs, run as a user runs it, must
  // name exactly the containers the plan replaces.
  const impact = cliDiff(path.join(dirs.initial, "stacks", name), path.join(dirs.rollout, "stacks", name), name);
  const predicted = impact.restarted.map((r) => r.name).sort();
  // The RocketMQ processes the plan replaces (a server's init container, which carries its files, goes with it).
  const isInit = (n: string) => /-(store|logs)-init$/.test(n);
  const replaced = changes
    .filter((c) => c.type === "docker_container" && c.actions.includes("delete") && c.actions.includes("create"))
    .map((c) => c.name ?? c.address)
    .filter((n) => !isInit(n))
    .sort();
  ctx.check(
    `rollout: rocketmq-cdktf diff --json predicts exactly the RocketMQ containers the plan replaces (${predicted.join(", ")})`,
    JSON.stringify(predicted) === JSON.stringify(replaced),
    `predicted ${predicted.join(", ") || "(none)"}: ${impact.restarted.map((r) => r.reasons.join("; ")).join(" | ")}; plan replaces ${replaced.join(", ") || "(none)"}`,
  );
  const described = changes.map(
    (c) =>
      `${c.address} [${c.name}] ${c.actions.join("+")}${c.replacePaths.length ? ` (because ${c.replacePaths.join(", ")})` : ""}`,
  );
  ctx.check(
    `rollout: ${ROLLOUT.key}=${ROLLOUT.value} on ${ROLLOUT.brokerName}'s master: the plan replaces that broker's container and its init (which carries its files), nothing else`,
    changes.length === 2 &&
      changes.every(
        (c) =>
          c.type === "docker_container" &&
          c.actions.includes("delete") &&
          c.actions.includes("create") &&
          (c.name === cp.c.name || c.name === `${cp.c.name}-store-init`),
      ) &&
      new Set(changes.map((c) => c.name)).size === 2,
    described.join("; "),
  );
  // What `rocketmq-cdktf rollout --json` makes of it: one wave (the set's slave keeps serving reads), that container.
  const plan = cliRollout(path.join(dirs.initial, "stacks", name), path.join(dirs.rollout, "stacks", name), name);
  const replacedAddresses = changes
    .filter((c) => c.type === "docker_container" && c.name === cp.c.name)
    .map((c) => c.address);
  ctx.check(
    `rollout: rocketmq-cdktf rollout --json gives one wave targeting exactly the container the plan replaces and waiting for ${target.brokerName} id 0 at ${target.addr}`,
    plan.waves.length === 1 &&
      JSON.stringify(plan.waves[0].targets) === JSON.stringify(replacedAddresses) &&
      plan.waves[0].waitFor.length === 1 &&
      plan.waves[0].waitFor[0].addr === target.addr &&
      plan.waves[0].waitFor[0].brokerId === "0",
    JSON.stringify(plan.waves),
  );
  const t = Date.now();
  const apply = tofu(dir, ["apply", "-input=false", "-no-color", "tfplan"]);
  ctx.check(
    `rollout: apply succeeds (${ms(apply.tookMs)})`,
    apply.code === 0,
    apply.code === 0 ? "" : apply.out.slice(-2500),
  );
  const newId = cp.engine.docker(["inspect", "--format", "{{.Id}}", cp.c.name]).trim();
  // The pipeline's wait between waves, as the rollout script runs it.
  const w = plan.waves[0]?.waitFor[0];
  const waited = cliWait(d.clientNs, [
    "--namesrv",
    plan.nameServers.join(";"),
    "--timeout",
    "90",
    ...(w ? ["--broker", `${w.brokerName}${w.brokerId !== undefined ? `:${w.brokerId}` : ""}@${w.addr}`] : []),
  ]);
  ctx.check(
    `rollout: rocketmq-cdktf wait for the wave's broker exits 0 once it is registered again (${ms(waited.tookMs)} after apply returned)`,
    waited.code === 0,
    `exit ${waited.code}: ${waited.out}`,
  );
  await d.waitRegistered([target.proc], 60_000, (_b, id) => id === "0");
  ctx.note(
    `rollout: ${cp.c.name} replaced (container ${oldId.slice(0, 12)} -> ${newId.slice(0, 12)}) and registered again as master ${ms(Date.now() - t)} after apply began`,
  );
  const cfg = (await client.must("brokerConfig", [target.addr])).config as Record<string, string>;
  ctx.check(
    `rollout: the new container runs with ${ROLLOUT.key}=${ROLLOUT.value} (was ${oldConfig[ROLLOUT.key]})`,
    newId !== oldId && cfg[ROLLOUT.key] === ROLLOUT.value,
    `${ROLLOUT.key}=${cfg[ROLLOUT.key]}`,
  );
  const got = await consumeAll(client, topic, ROLLOUT.brokerName, before);
  ctx.check(
    `rollout: the ${before.length} messages written before are read after the replacement (the store volume outlived the container)`,
    before.length === 5 && before.every((b) => got.includes(b)),
    `read ${got.length}`,
  );
  const others = brokers.filter((b) => b !== target);
  const cl = await client.clusters();
  ctx.check(
    `rollout: the other ${others.length} brokers stayed registered with their ids`,
    others.every((b) => registeredId(cl, b) === b.id),
    JSON.stringify(cl),
  );
  const again = tofu(dir, ["plan", "-input=false", "-no-color", "-detailed-exitcode"]);
  ctx.check(
    'rollout: a second apply has nothing to do ("No changes.")',
    again.code === 0 && again.out.includes("No changes."),
    again.code === 0 ? "" : again.out.slice(-2500),
  );
}

/** Every case of the rollout proof, for the table at the end of the run. */
const proofRows: { case: string; waves?: Traffic; atOnce?: Traffic }[] = [];

/** The running containers of every engine: name -> id. */
function runningContainers(engines: Map<string, Engine>): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of engines.values())
    for (const line of e.docker(["ps", "--format", "{{.Names}} {{.ID}}"]).split("\n").filter(Boolean)) {
      const [n, id] = line.split(" ");
      out.set(n, id);
    }
  return out;
}

/** The processes `rocketmq-cdktf rollout --json` moves, wave by wave. */
function wavesOf(before: string, after: string, name: string): string[][] {
  return cliRollout(path.join(before, "stacks", name), path.join(after, "stacks", name), name).waves.map((w) => [
    ...w.processes,
  ]);
}

/** Which of `processes` run in a new container (or newly) since `before`. */
function replacedSince(before: Map<string, string>, now: Map<string, string>, processes: string[]): string[] {
  return processes.filter((p) => now.has(p) && before.get(p) !== now.get(p));
}

/** `rocketmq-cdktf rollout --script --stack <name>` from one output to another, run as a pipeline runs it. */
function runRolloutScript(
  d: Deployment,
  before: string,
  after: string,
  name: string,
  label: string,
): TofuResult & { order: string[]; waves: string[][]; handovers: number } {
  // Planned where the pipeline runs, next to the cluster: it asks the name servers who leads each elected group.
  const [cmd, ...args] = cliArgv(
    ["rollout", "--script", "--stack", name, "--timeout", "120", "--namesrv", d.namesrvAddrs.join(";"), before, after],
    d.clientNs,
  );
  const script = run(cmd, args, { cwd: REPO_DIR, timeoutMs: 120_000 });
  const file = path.join(DEPLOY_DIR, `rollout-${name}-${label}.sh`);
  fs.writeFileSync(file, script, { mode: 0o755 });
  const waves = (script.match(/^# wave /gm) ?? []).length;
  const order = script.match(/^# order: .*$/gm) ?? [];
  // The waves as the script runs them (with --namesrv, an elected group's leader moved last).
  const planned = [...script.matchAll(/^# wave \d+: (.*)$/gm)].map((m) => m[1].split(", "));
  log(`${name}: ${label}: the rollout script has ${waves} waves (${file})${order.map((o) => `\n  ${o}`).join("")}`);
  tofuOk(path.join(after, "stacks", name), ["init", "-input=false", "-no-color"]);
  const t = Date.now();
  const r = spawnSync("sh", [file], {
    cwd: REPO_DIR,
    env: {
      ...tofuProcessEnv(),
      TF: tofuEnv().TOFU,
      // The pipeline's wait and handover run where the clients are: in the client's network namespace.
      WAIT: cliArgv(["wait"], d.clientNs).join(" "),
      HANDOVER: cliArgv(["handover"], d.clientNs).join(" "),
    },
    encoding: "utf8",
    timeout: 20 * 60_000,
    killSignal: "SIGKILL",
    maxBuffer: 256 * 1024 * 1024,
  });
  const out = stripAnsi(`${r.stdout ?? ""}\n${r.stderr ?? ""}`);
  tofuTranscript.push({ dir: after, args: ["sh", file], out });
  // The pipeline's log: each wave as it began, each wait as it ended.
  log(
    `${name}: ${label}: the script exited ${r.status} after ${ms(Date.now() - t)}:\n  ${out
      .split("\n")
      .filter((l) =>
        /^rocketmq-cdktf (rollout|wait|handover)|^registered with| answered after |handed the leadership|does not lead|Apply complete/.test(
          l,
        ),
      )
      .join("\n  ")}`,
  );
  return {
    code: r.status ?? -1,
    out,
    stdout: r.stdout ?? "",
    tookMs: Date.now() - t,
    order,
    waves: planned,
    handovers: (script.match(/^\$HANDOVER /gm) ?? []).length,
  };
}

/**
 * The rollout proof on a running stack: the change applied in waves by the script `rocketmq-cdktf rollout --script`
 * writes, then (ROCKETMQ_ROLLOUT_AT_ONCE=1) a like change applied all at once by `tofu apply`, each with the background producer sending
 * throughout and every acknowledged message read back afterwards. Answers the output folder last applied.
 */
async function rolloutProof(
  ctx: Ctx,
  d: Deployment,
  dirs: StackDirs,
  name: string,
  from: string,
  engines: Map<string, Engine>,
): Promise<string> {
  const client = d.client!;
  const cluster = d.byRole("mqbroker").map(brokerExpect)[0].cluster;
  const topicOf = (label: string) => `Roll${label.replace(/[^A-Za-z0-9]/g, "")}`;
  const cases: { case: string; waves: [string, string]; atOnce: [string, string] }[] = [
    {
      case: `${name}: every broker's and name server's heap`,
      waves: [from, dirs.heap1],
      atOnce: [dirs.heap1, dirs.heap2],
    },
  ];
  if (name === PROOF.addNameServer)
    cases.push({
      case: `${name}: a name server added`,
      waves: [ROLLOUT_AT_ONCE ? dirs.heap2 : dirs.heap1, dirs.ns1],
      atOnce: [dirs.ns1, dirs.ns2],
    });
  let current = from;
  for (const c of cases) {
    const row: (typeof proofRows)[number] = { case: c.case };
    proofRows.push(row);
    await clusterServing(d);
    const [b, a] = c.waves;
    let ids = runningContainers(engines);
    let script: ReturnType<typeof runRolloutScript> | undefined;
    row.waves = await underTraffic(client, cluster, topicOf(`${c.case}w`), `${c.case}, in waves`, () => {
      script = runRolloutScript(d, b, a, name, path.basename(a));
    });
    const waves = script?.waves ?? [];
    const moving = waves.flat();
    let replaced = replacedSince(ids, runningContainers(engines), moving);
    // A DLedger group's leader, restarted last, hands the leadership over first: the group does not wait for a vote.
    const handedOver = (script?.stdout ?? "").split("\n").filter((l) => l.includes("handed the leadership over"));
    if ((script?.handovers ?? 0) > 0)
      ctx.check(
        `${c.case}: the DLedger leader's wave begins with rocketmq-cdktf handover, which hands the leadership over to a restarted follower`,
        handedOver.length >= 1,
        handedOver.join("; ") || (script?.out ?? "").slice(-1500),
      );
    ctx.check(
      `${c.case}: the script of rocketmq-cdktf rollout --script runs ${waves.length} waves (${waves.map((w) => w.join(" + ")).join(" | ")}), each waited for, and exits 0 with all ${moving.length} processes in new containers (${ms(script?.tookMs ?? 0)})`,
      script?.code === 0 &&
        waves.length > 1 &&
        replaced.length === moving.length &&
        (script.order ?? []).every((o) => o.includes("restarts last")),
      `exit ${script?.code}; ${(script?.order ?? []).join("; ") || "no elected group"}; replaced: ${replaced.join(", ") || "none"}; ${script?.code === 0 ? "" : (script?.out ?? "").slice(-3000)}`,
    );
    checkNothingLost(ctx, row.waves);
    current = a;
    if (script?.code !== 0) return current;
    ctx.note(`${c.case}: in waves: ${trafficLine(row.waves)}`);
    if (!ROLLOUT_AT_ONCE) continue;
    await clusterServing(d);
    const [, once] = c.atOnce;
    const odir = path.join(once, "stacks", name);
    tofuOk(odir, ["init", "-input=false", "-no-color"]);
    let apply: TofuResult | undefined;
    const together = wavesOf(a, once, name).flat();
    ids = runningContainers(engines);
    row.atOnce = await underTraffic(client, cluster, topicOf(`${c.case}o`), `${c.case}, all at once`, async () => {
      apply = tofu(odir, ["apply", "-input=false", "-no-color", "-auto-approve"]);
      // What a pipeline without waves sees after its apply: the cluster serving again.
      await clusterServing(d);
    });
    replaced = replacedSince(ids, runningContainers(engines), together);
    ctx.check(
      `${c.case}: tofu apply of the like change all at once succeeds with all ${together.length} processes in new containers (${ms(apply?.tookMs ?? 0)})`,
      apply?.code === 0 && together.length > 1 && replaced.length === together.length,
      `${(/Apply complete![^\n]*/.exec(apply?.out ?? "") ?? [""])[0]}; replaced: ${replaced.join(", ") || "none"}; ${apply?.code === 0 ? "" : (apply?.out ?? "").slice(-3000)}`,
    );
    noteBaseline(ctx, row.atOnce);
    current = once;
  }
  await clusterServing(d);
  return current;
}

/** destroy is refused while the stores are protected; with allowStoreDestroy it removes everything, volumes included. */
function teardown(
  ctx: Ctx,
  name: string,
  dirs: StackDirs,
  current: string,
  machines: Machines,
  vars: Readonly<Record<string, string>>,
): void {
  const dir = path.join(current, "stacks", name);
  const refused = tofu(dir, ["destroy", "-auto-approve", "-input=false", "-no-color"], undefined, vars);
  const volumes = (): string[] =>
    [...machines.engines.values()].flatMap((e) => e.docker(["volume", "ls", "-q"]).split("\n").filter(Boolean));
  const before = volumes();
  const protectedVolumes = [
    ...refused.out.matchAll(/Resource instance (docker_volume\.\S+)\s+has\s+prevent_destroy\s+set/g),
  ].map((m) => m[1]);
  const containersBefore = [...machines.engines.values()].flatMap((e) =>
    e.docker(["ps", "-q"]).split("\n").filter(Boolean),
  );
  // The stores are the stack's protected volumes (its logs volumes are not; anonymous volumes go with containers).
  const stores = Object.values<any>(rawStack(current, name).resource?.docker_volume ?? {})
    .filter((v) => v.lifecycle?.prevent_destroy === true)
    .map((v) => String(v.name));
  const kept = stores.filter((n) => before.includes(n));
  ctx.check(
    `${name}: tofu destroy is refused while the stores are protected (prevent_destroy), and nothing is removed`,
    refused.code !== 0 &&
      stores.length > 0 &&
      protectedVolumes.length === stores.length &&
      kept.length === stores.length &&
      containersBefore.length > 0,
    `exit ${refused.code}; OpenTofu: "Resource instance ... has prevent_destroy set, but the plan calls for it to be destroyed" for ${protectedVolumes.length} volumes; ` +
      `${kept.length} of the ${stores.length} store volumes (${before.length} volumes in all) and ${containersBefore.length} running containers remain`,
  );
  const tdir = path.join(dirs.teardown, "stacks", name);
  tofuOk(tdir, ["init", "-input=false", "-no-color"], undefined, vars);
  const destroy = tofu(tdir, ["destroy", "-auto-approve", "-input=false", "-no-color"], undefined, vars);
  const left = volumes();
  const containers = [...machines.engines.values()].flatMap((e) => e.docker(["ps", "-aq"]).split("\n").filter(Boolean));
  ctx.check(
    `${name}: with allowStoreDestroy, tofu destroy removes every container and volume (${ms(destroy.tookMs)})`,
    destroy.code === 0 && left.length === 0 && containers.length === 0,
    destroy.code === 0
      ? `${/Destroy complete![^\n]*/.exec(destroy.out)?.[0]}; left: ${left.length} volumes, ${containers.length} containers`
      : destroy.out.slice(-2500),
  );
  const dirsLeft = [...machines.engines.keys()].flatMap((a) =>
    fs.existsSync(path.join(STORE_DIRS, a))
      ? fs
          .readdirSync(path.join(STORE_DIRS, a))
          .map((n) => `${a}:${n} (${fs.readdirSync(path.join(STORE_DIRS, a, n)).length} entries)`)
      : [],
  );
  if (dirsLeft.length)
    ctx.note(
      `${name}: host-directory stores stay after destroy (Docker never deletes a bind-mounted directory): ${dirsLeft.join(", ")}`,
    );
}

/**
 * Where a deployment's secrets lie at rest, as notes (what a user must protect, not failures): the Terraform state and
 * its backup (plain text unless OpenTofu's state encryption is on), and, while it runs, RocketMQ's own broker.log
 * (4.9.7 logs the ACL file at INFO), the console's container configuration and its JVM's command line.
 */
function secretsAtRest(
  ctx: Ctx,
  name: string,
  d: Deployment | undefined,
  stack: Stack,
  vars: Readonly<Record<string, string>>,
  when: string,
): void {
  const n = Object.keys(vars).length;
  const state = path.join(DEPLOY_DIR, `terraform.${name}.tfstate`);
  const read = (f: string) => (fs.existsSync(f) ? fs.readFileSync(f, "utf8") : undefined);
  const found = [state, `${state}.backup`].map((f) => {
    const text = read(f);
    return text === undefined ? `${path.basename(f)}: absent` : holds(path.basename(f), secretsIn(text, vars), n);
  });
  // With OpenTofu's state encryption on (seed-secured), the state must hold none of them: a check, not a note.
  const encrypted = JSON.parse(read(path.join(DEPLOY_DIR, "synth", "stacks", name, "cdk.tf.json")) ?? "{}")?.terraform
    ?.encryption;
  if (encrypted) {
    const leaks = [state, `${state}.backup`].flatMap((f) => {
      const text = read(f);
      return text === undefined ? [] : secretsIn(text, vars).map((v) => `${path.basename(f)}: ${v}`);
    });
    const sealed = [state, `${state}.backup`].map((f) => ({ f, text: read(f) })).filter((x) => x.text !== undefined);
    ctx.check(
      `${name} ${when}: OpenTofu's state encryption is on and the state (and its backup) holds none of the ${n} secret values`,
      leaks.length === 0 && sealed.length > 0 && sealed.every((x) => x.text!.includes('"encrypted_data"')),
      `${found.join("; ")}${leaks.length ? `; found ${leaks.join(", ")}` : ""}`,
    );
  } else ctx.note(`${name} ${when}: secret values in the Terraform state: ${found.join("; ")}`);
  if (!d) return;
  const logs = d.byRole("mqbroker").map((p) => {
    const cp = p as ContainerProc;
    let text: string;
    try {
      text = cp.engine.docker(["exec", cp.c.name, "cat", "/home/rocketmq/logs/rocketmqlogs/broker.log"], 30_000);
    } catch (e) {
      return `${cp.c.name}: unreadable (${(e as Error).message.slice(0, 200)})`;
    }
    const line = text.split("\n").find((l) => l.includes("plain acl conf data"));
    return `${holds(`${cp.c.name} broker.log`, secretsIn(text, vars), n)}${line ? ` (the line "${line.replace(/ - .*/, " - Broker plain acl conf data is : {...}")}")` : ""}`;
  });
  ctx.note(`${name} ${when}: secret values in RocketMQ's own broker.log: ${logs.join("; ")}`);
  for (const c of stack.dashboards) {
    // The console's machine runs RocketMQ containers too (its engine is theirs).
    const engine = d.procs.map((p) => (p as ContainerProc).engine).find((x) => x.name === c.host);
    if (!engine) continue;
    const env = engine.docker(["inspect", "--format", "{{json .Config.Env}}", c.name], 30_000);
    const top = engine.docker(["top", c.name, "-eo", "pid,args"], 30_000);
    ctx.note(
      `${name} ${when}: ${c.name} (console): ${holds("docker inspect's Config.Env", secretsIn(env, vars), n)}; ${holds("its JVM's command line (docker top, /proc/<pid>/cmdline)", secretsIn(top, vars), n)}`,
    );
  }
}

/**
 * The run's secret values appear nowhere the lab or the library writes or prints: the synthesized cdk.tf.json and
 * topology.md, what tofu plan, apply, output -json and destroy printed, the lab's run directory, its check lines,
 * notes and log lines, the client's logs, and `rocketmq-cdktf diff --json` of a change to the ACL file (which must
 * name plain_acl.yml without its content).
 */
function leakCheck(
  ctx: Ctx,
  name: string,
  dirs: StackDirs,
  vars: Readonly<Record<string, string>>,
  brokers: number,
): void {
  const n = Object.keys(vars).length;
  const outputs = [dirs.main, dirs.initial, dirs.rollout, dirs.teardown, dirs.acl];
  const synthesized = outputs.flatMap((o) =>
    ["cdk.tf.json", "topology.md"].map((f) => path.join(o, "stacks", name, f)).filter((f) => fs.existsSync(f)),
  );
  const inFiles = (files: string[]) =>
    files.map((f) => ({ f, found: secretsIn(fs.readFileSync(f, "utf8"), vars) })).filter((x) => x.found.length);
  const leaked = (xs: { f: string; found: string[] }[]) =>
    xs.map((x) => `${path.relative(DEPLOY_DIR, x.f)}: ${x.found.join(", ")}`).join("; ");
  let bad = inFiles(synthesized);
  ctx.check(
    `leak: none of the ${n} secret values is in ${name}'s cdk.tf.json or topology.md (${synthesized.length} files of ${outputs.length} synthesized outputs)`,
    synthesized.length >= 2 * 4 && bad.length === 0,
    bad.length ? leaked(bad) : synthesized.map((f) => path.relative(DEPLOY_DIR, f)).join(", "),
  );

  const mine = tofuTranscript.filter((t) => outputs.some((o) => t.dir === path.join(o, "stacks", name)));
  const printed = mine.filter((t) => ["init", "plan", "apply", "output", "destroy"].includes(t.args[0]));
  const seen = printed.map((t) => ({ t, found: secretsIn(t.out, vars) })).filter((x) => x.found.length);
  ctx.check(
    `leak: none of the ${n} secret values is in what tofu printed for ${name} (${printed.length} runs: ${[...new Set(printed.map((t) => t.args[0]))].join(", ")})`,
    printed.some((t) => t.args[0] === "apply") && printed.some((t) => t.args[0] === "output") && seen.length === 0,
    seen.map((x) => `tofu ${x.t.args.join(" ")}: ${x.found.join(", ")}`).join("; ") ||
      printed.map((t) => `tofu ${t.args.filter((a) => !a.startsWith("-")).join(" ")}`).join(", "),
  );
  const shown = mine.filter((t) => t.args[0] === "show");
  const inShow = [...new Set(shown.flatMap((t) => secretsIn(t.out, vars)))];
  // The saved plan on disk: plain JSON of the variables' values, unless OpenTofu encrypts plans too (seed-secured).
  const planFile = path.join(DEPLOY_DIR, "synth", "stacks", name, "tfplan");
  const onDisk = fs.existsSync(planFile) ? fs.readFileSync(planFile, "utf8") : "";
  const planSealed = onDisk.includes('"encrypted_data"');
  ctx.note(
    `${name}: \`tofu show -json tfplan\` (the lab reads planned changes with it) prints ${inShow.length} of ${n} secret values: the plan holds the variables' values${planSealed ? "; on disk it is encrypted (OpenTofu's plan encryption)" : ""}`,
  );
  if (planSealed)
    ctx.check(
      `leak: the saved plan file of ${name} is encrypted on disk and holds none of the ${n} secret values`,
      secretsIn(onDisk, vars).length === 0,
      `${secretsIn(onDisk, vars).length} of ${n} found in ${path.basename(planFile)}`,
    );

  const run = path.join(DEPLOY_DIR, "run", name);
  const client = filesUnder(path.join(run, "client"));
  bad = inFiles(client);
  ctx.check(
    `leak: none of the ${n} secret values is in the client's logs (${client.length} files)`,
    client.length > 0 && bad.length === 0,
    bad.length ? leaked(bad) : client.map((f) => path.relative(run, f)).join(", "),
  );
  const own = filesUnder(run).filter((f) => !client.includes(f));
  bad = inFiles(own);
  const lines = [
    ...ctx.checks.map((c) => `${c.name} ${c.detail}`),
    ...ctx.experiments.flatMap((e) => e.notes),
    ...logged,
  ];
  const inLines = [...new Set(lines.flatMap((l) => secretsIn(l, vars)))];
  ctx.check(
    `leak: none of the ${n} secret values is in the lab's run directory (${own.length} other files), its ${ctx.checks.length} check lines and notes, or its ${logged.length} log lines`,
    bad.length === 0 && inLines.length === 0 && logged.length > 0,
    [leaked(bad), inLines.length ? `check or log lines: ${inLines.join(", ")}` : ""].filter(Boolean).join("; "),
  );
  const dockerd = filesUnder(path.join(DEPLOY_DIR, "logs"));
  const inDockerd = [...new Set(inFiles(dockerd).flatMap((x) => x.found))];
  ctx.note(`${name}: ${holds(`secret values in the engines' dockerd logs (${dockerd.length} files)`, inDockerd, n)}`);

  // A change of the ACL file (one account's permission; a changed secret's value changes no synthesized file).
  const diff = cliDiff(path.join(dirs.initial, "stacks", name), path.join(dirs.acl, "stacks", name), name);
  const opaque = "plain_acl.yml changed (it holds secrets: its content is not shown)";
  ctx.check(
    `leak: rocketmq-cdktf diff --json of ${SECURED.user} given ${SECURED.permission} on ${SECURED.topic} restarts the ${diff.restarted.length} brokers naming plain_acl.yml, without its content, and prints no secret value`,
    diff.restarted.length === brokers &&
      diff.restarted.every((r) => r.reasons.some((x) => x.includes(opaque))) &&
      !diff.printed.includes(SECURED.topic) &&
      secretsIn(diff.printed, vars).length === 0,
    diff.restarted.map((r) => `${r.name}: ${r.reasons.join("; ")}`).join(" | "),
  );
}

/** The values (of `values`) of the variables `names`. */
function pickFrom(values: Readonly<Record<string, string>>, names: string[]): Record<string, string> {
  return Object.fromEntries(names.filter((n) => n in values).map((n) => [n, values[n]]));
}

/** Every line the lab logged (the leak check reads them), besides going to stdout. */
const logged = captureLog();

async function main(): Promise<number> {
  const filters = process.argv.slice(2).filter((a) => !a.startsWith("-"));
  const ctx = new Ctx();
  const t0 = Date.now();
  fs.mkdirSync(DEPLOY_DIR, { recursive: true });
  await ctx.experiment("prerequisites", () => {
    const tools = ["dockerd", "docker", "containerd", "runc", "nsenter", "iptables", "debootstrap", "chroot", "go"];
    const p = prerequisites(tools, "Debian: apt-get install docker.io iptables debootstrap; go from the machine");
    ctx.check(
      `prerequisites: ${[...LAB_TOOLS, ...tools].join(", ")} answer with their versions; running as root`,
      p.ok,
      p.detail,
    );
    if (!p.ok) return;
    deleteStale();
    deleteStaleEngines();
  });
  if (!ctx.experiments[0].ok) return summary(ctx, t0, DEPLOY_DIR);

  // main.ts's stacks: the ones to deploy
  let stacks: string[] = [];
  const mainDir = path.join(DEPLOY_DIR, "synth-main");
  await ctx.experiment("synth", () => {
    synth(mainDir);
    // Stacks without Docker containers are the VM lab's (VMs' user-data: npm run lab:vm) or lab:k8s's (Kubernetes).
    const others = listStacks(mainDir).filter((s) => !listContainerStacks(mainDir).includes(s));
    if (others.length)
      ctx.note(
        `not deployed here (no docker_container; the VM lab boots the VM stacks, lab:k8s applies the Kubernetes ones): ${others.join(", ")}`,
      );
    stacks = listContainerStacks(mainDir).filter(
      (s) => filters.length === 0 || filters.some((f) => (f.startsWith("=") ? s === f.slice(1) : s.includes(f))),
    );
    ctx.check(`synth: main.ts synthesizes ${listStacks(mainDir).join(", ")}`, stacks.length > 0);
  });
  if (!stacks.length) return summary(ctx, t0, DEPLOY_DIR);

  // The stacks' variables (secrets) get the lab's values: random, new every run, given to tofu as TF_VAR_<name>; a
  // variable the stack writes as a whole TLS file (its certificate, private key, CA) gets a PEM openssl makes for the
  // machines of the stacks that have one.
  const variables = [...new Set(listContainerStacks(mainDir).flatMap((s) => stackVariables(mainDir, s)))].sort();
  const values = pickValues(variables);
  const tlsStacks = stacks.filter((s) => Object.keys(pemVariables(mainDir, s)).length > 0);
  const kinds: Record<string, PemKind> = Object.assign({}, ...tlsStacks.map((s) => pemVariables(mainDir, s)));
  let certs: LabCertificates | undefined;
  if (tlsStacks.length) {
    const addresses = [
      ...new Set(tlsStacks.flatMap((s) => readStack(mainDir, s, values).containers.map((c) => c.host))),
    ].sort();
    const made = labPems(path.join(DEPLOY_DIR, "tls"), addresses, kinds);
    certs = made.certs;
    Object.assign(values, made.values);
    ctx.check(
      `tls: openssl made a CA and a server certificate it signed for ${addresses.join(", ")} (the key PKCS#8), the values of ${Object.entries(
        kinds,
      )
        .map(([v, k]) => `${v} (${k})`)
        .join(", ")} of ${tlsStacks.join(", ")}; the keys removed from the lab's disk`,
      certs.keyPem.startsWith("-----BEGIN PRIVATE KEY-----") &&
        !fs.existsSync(path.join(certs.dir, "server.key")) &&
        !fs.existsSync(path.join(certs.dir, "ca.key")),
      certs.description,
    );
  }
  const random = variables.filter((v) => !(v in kinds));
  if (random.length)
    ctx.note(`the lab's values for the variables ${random.join(", ")}: random, 24 characters each, new every run`);
  const versions = [
    ...new Set(stacks.flatMap((s) => readStack(mainDir, s, values).containers.map((c) => c.version))),
  ].sort();
  const images = new Map<string, ImageTar>();
  let built = false;
  await ctx.experiment("build: OpenTofu, the docker provider, the lab image", () => {
    const env = tofuEnv();
    ctx.note(
      `OpenTofu ${env.TOFU_VERSION}; kreuzwerker/docker ${env.DOCKER_PROVIDER_MODULE}@${env.DOCKER_PROVIDER_GO_VERSION} (the only build the Go module proxy serves) mirrored as ${env.DOCKER_PROVIDER_PINNED}, the version the stacks pin`,
    );
    for (const v of versions) images.set(v, ensureImageTar(v));
    // What was built: tofu answers its version, the mirror its configuration names holds the pinned provider, and
    // every image tar is there.
    const version = tofu(REPO_DIR, ["version"], 60_000);
    const providers = mirroredProviders(env);
    const tars = versions.map((v) => {
      const file = images.get(v)?.file;
      const size = file && fs.existsSync(file) ? fs.statSync(file).size : 0;
      return { v, file, size };
    });
    built = ctx.check(
      `build: tofu ${env.TOFU_VERSION}, the provider mirrored as ${env.DOCKER_PROVIDER_PINNED} and the lab image of RocketMQ ${versions.join(", ")} are there`,
      version.code === 0 &&
        version.stdout.includes(`OpenTofu ${env.TOFU_VERSION}`) &&
        providers.length > 0 &&
        tars.every((t) => t.size > 0),
      [
        `tofu version: ${version.out.trim().split("\n")[0]}`,
        `provider ${env.DOCKER_PROVIDER_PINNED}: ${providers.join(", ") || "none in the mirror"}`,
        ...tars.map(
          (t) => `image ${t.v}: ${t.file ? `${path.basename(t.file)} ${Math.round(t.size / 2 ** 20)} MiB` : "none"}`,
        ),
      ].join("; "),
    );
  });
  if (!built) return summary(ctx, t0, DEPLOY_DIR);

  // Engines and image names for every stack of main.ts (the program builds them all), images only for those deployed.
  const all = listContainerStacks(mainDir).map((s) => readStack(mainDir, s, values));
  const addresses = [...new Set(all.flatMap((s) => s.containers.map((c) => c.host)))];
  const options: LabOptions = {
    engines: Object.fromEntries(addresses.map((a) => [a, engineHost(a)])),
    images: Object.fromEntries(
      [...new Set(all.flatMap((s) => s.containers.map((c) => c.version)))].map((v) => [v, `${LAB_IMAGE_REPO}:${v}`]),
    ),
    dashboardImage: LAB_CONSOLE_IMAGE,
    storeDirs: STORE_DIRS,
  };
  const dirs: StackDirs = {
    initial: path.join(DEPLOY_DIR, "synth"),
    rollout: path.join(DEPLOY_DIR, "synth-rollout"),
    heap1: path.join(DEPLOY_DIR, "synth-heap1"),
    heap2: path.join(DEPLOY_DIR, "synth-heap2"),
    ns1: path.join(DEPLOY_DIR, "synth-ns1"),
    ns2: path.join(DEPLOY_DIR, "synth-ns2"),
    teardown: path.join(DEPLOY_DIR, "synth-teardown"),
    main: mainDir,
    acl: path.join(DEPLOY_DIR, "synth-acl"),
  };
  await ctx.experiment("synth with the lab engines and image (public props only)", () => {
    for (const f of fs.readdirSync(DEPLOY_DIR).filter((x) => /^terraform\..*\.tfstate/.test(x)))
      fs.rmSync(path.join(DEPLOY_DIR, f));
    labSynth(dirs.initial, options);
    labSynth(dirs.rollout, {
      ...options,
      masterProperties: { [ROLLOUT.brokerName]: { [ROLLOUT.key]: ROLLOUT.value } },
    });
    labSynth(dirs.teardown, { ...options, allowStoreDestroy: true });
    if (stacks.some((s) => PROOF.stacks.includes(s))) {
      // The proof's outputs keep the rollout's change (they follow it on seed-2m-2s-sync).
      const rolled = { ...options, masterProperties: { [ROLLOUT.brokerName]: { [ROLLOUT.key]: ROLLOUT.value } } };
      labSynth(dirs.heap1, { ...rolled, heapMb: PROOF.heap1 });
      if (ROLLOUT_AT_ONCE) labSynth(dirs.heap2, { ...rolled, heapMb: PROOF.heap2 });
      // The name server case follows the heap case's last output: heap2 with the baseline, heap1 without it.
      const heapMb = ROLLOUT_AT_ONCE ? PROOF.heap2 : PROOF.heap1;
      if (stacks.includes(PROOF.addNameServer)) {
        labSynth(dirs.ns1, { ...rolled, heapMb, extraNameServers: 1 });
        if (ROLLOUT_AT_ONCE) labSynth(dirs.ns2, { ...rolled, heapMb, extraNameServers: 2 });
      }
    }
    // The secured stacks share their accounts: one output with one account's permission changed serves them all.
    if (stacks.some((s) => stackVariables(mainDir, s).length > 0))
      labSynth(dirs.acl, {
        ...options,
        userTopicPermissions: { [SECURED.user]: { [SECURED.topic]: SECURED.permission } },
      });
    for (const s of stacks) {
      const diffs = sameAsMain(rawStack(dirs.initial, s), rawStack(mainDir, s), options);
      ctx.check(
        `synth: the lab's ${s} is main.ts's, but for the engines' addresses and the image name`,
        diffs.length === 0,
        diffs.join("; "),
      );
    }
  });

  for (const s of stacks) {
    await ctx.experiment(`deploy ${s}`, () => deployStack(ctx, s, dirs, images, options, values, certs));
  }
  writeTrafficTable(path.join(DEPLOY_DIR, "rollout-proof.md"), proofRows);
  log(`engines' data roots were under ${ENGINES_DIR} (removed)`);
  return summary(ctx, t0, DEPLOY_DIR);
}

runLab("lab:deploy", "ROCKETMQ_DEPLOY_TIMEOUT_S", 3000, main);

// npm run lab:vm [-- filter...]: every stack main.ts synthesizes with VMs (VmHost), its user-data proven on booted
// machines. Each document is checked by the real tools first (`cloud-init schema --config-file`, `systemd-analyze verify`
// of every unit, `sh -n` of the install script, in the Debian root the machines boot). Then each VM host becomes a
// machine booted by `systemd-nspawn --boot` from a Debian root made by debootstrap (systemd, cloud-init, Java 17), on an
// overlay of its own, in that host's network namespace, with the stack's user-data in cloud-init's NoCloud seed. No Apache
// archive is reachable: the lab builds the distribution zip from the Maven Central jars, serves it over HTTP from a lab
// namespace, and points the stack's download URL at it (public props only), so the user-data's own download-and-verify
// runs. A machine given a wrong pinned SHA-512 must start nothing. Then each stack's shared scenario against the booted
// machines (SCENARIOS): brokers registered, produce and consume, SIGKILL of the DLedger master, failover, systemd
// restarts it as a slave; for a secured stack (its secrets the lab's own values of its variables) RocketMQ's refusals,
// each account's rights, the slave's copies and reads with its master killed, then where the secrets are on the
// machines (plain_acl.yml the rocketmq user's only) and a leak check of everything the lab wrote and printed.
// Last line: "N passed, N failed". Everything it starts is stopped on success, failure, signal and timeout.
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { Ctx } from "../checks";
import { runLab, summary } from "../guard";
import { LAB_TOOLS, Network, deleteStale, prerequisites, registry } from "../hosts";
import { ensureJars } from "../jars";
import { aclAccounts, cliCommand, cliWait, dledgerGroup, plainAclUpload, securedPair } from "../scenarios";
import {
  CliRollout,
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
import { holds, listStacks, pickValues, secretsIn, stackValues, stackVariables, synth } from "../stack";
import { LabCertificates, makeCertificates } from "../tls";
import { REPO_DIR, captureLog, filesUnder, log, ms, run, sleep, tryRun, waitFor } from "../util";
import { tofu } from "../engine/tofu";
import { brokerExpect } from "../deployment";
import { VmDeployment } from "./deployment";
import { DistZip, ensureDistZip, ensureVmRoot, unpackVmRoot } from "./image";
import {
  MACHINE_PREFIX,
  Machine,
  VM_WORK,
  destroyAllMachines,
  inOwnCgroup,
  removeCgroup,
  removeStaleCgroups,
  unmountStale,
} from "./machines";
import { PemRole, checkKeyFiles, pemOf, pemVariables, tlsSecuredPair } from "./tls";
import { VmDoc, readVmStack } from "./userdata";

const DIST_PORT = 8080;
/** Every line the lab logged (the leak check reads them), besides going to stdout. */
const logged = captureLog();

/** The shared scenario (../scenarios.ts) each booted VM stack runs, as the process and deploy labs run it. */
const SCENARIOS: Record<string, (ctx: Ctx, d: VmDeployment) => Promise<void>> = {
  "seed-dledger-vm": dledgerGroup,
  "seed-secured-vm": securedPair,
  "seed-secured-vm-5x": securedPair,
  "seed-tls-vm": tlsSecuredVm,
};
/**
 * The rollout proof on VMs: every broker's and name server's JVM heap changed, which changes every VM's user-data, so
 * every VM is replaced (its data disk, the stores' root, kept, as a cloud re-attaches a data volume): in waves as
 * `rocketmq-cdktf rollout --json --namesrv` plans them (one VM at a time, each followed by the wave's
 * `rocketmq-cdktf wait`: registered and in sync), then (ROCKETMQ_ROLLOUT_AT_ONCE=1) a like change replacing every VM at once; a producer sends
 * throughout. seed-dledger-vm: the raft leader's VM last. seed-secured-vm (a SYNC pair with access control 1.0): the
 * slave's VM before the master's, the producer and every wait signed with the admin's account.
 */
const VM_PROOF = {
  heap1: { broker: 480, nameServer: 240 },
  heap2: { broker: 448, nameServer: 224 },
  disk: "var/lib/rocketmq",
};

/** Per proven stack: the plan's shape it must have, said for the check. */
const VM_PROOF_PLANS: Record<string, { what: string; ok: (plan: CliRollout) => boolean }> = {
  "seed-dledger-vm": {
    what: "3 waves of one VM each, the raft leader's last",
    ok: (plan) => plan.waves.length === 3 && plan.order.length === 1 && plan.order[0].includes("restarts last"),
  },
  "seed-secured-vm": {
    what: "2 waves of one VM each, the slave's VM before the master's",
    ok: (plan) =>
      plan.waves.length === 2 &&
      plan.waves[0].waitFor.some((b) => b.brokerId === "1") &&
      plan.waves[1].waitFor.some((b) => b.brokerId === "0"),
  },
};

/**
 * The changed outputs of every stack (heap1 for the waves, heap2 at once with ROCKETMQ_ROLLOUT_AT_ONCE=1),
 * synthesized once per run.
 */
let heapOutputs: [string, string | undefined] | undefined;

async function vmRolloutProof(
  ctx: Ctx,
  d: VmDeployment,
  name: string,
  labDir: string,
  mirror: string,
  machines: Map<string, Machine>,
  values: Readonly<Record<string, string>>,
): Promise<{ case: string; waves?: Traffic; atOnce?: Traffic }> {
  const row: { case: string; waves?: Traffic; atOnce?: Traffic } = {
    case: `${name}: every broker's and name server's heap (every VM replaced)`,
  };
  if (!heapOutputs) {
    const dirs = [1, 2].map((i) => path.join(VM_WORK, `synth-heap${i}`));
    labSynth(dirs[0], { mirror, heapMb: VM_PROOF.heap1 });
    if (ROLLOUT_AT_ONCE) labSynth(dirs[1], { mirror, heapMb: VM_PROOF.heap2 });
    heapOutputs = [dirs[0], ROLLOUT_AT_ONCE ? dirs[1] : undefined];
  }
  const [heap1, heap2] = heapOutputs;
  const expected = VM_PROOF_PLANS[name];
  // A cluster with access control: the producer, the reads and the waits sign as its admin.
  const admin = plainAclUpload(d.byRole("mqbroker")[0]) ? aclAccounts(d).get("rocketmq-admin") : undefined;
  const creds = admin ? { accessKey: admin.accessKey, secretKey: admin.secretKey } : undefined;
  const waitEnv: Record<string, string> = creds
    ? { ROCKETMQ_ACCESS_KEY: creds.accessKey, ROCKETMQ_SECRET_KEY: creds.secretKey }
    : {};
  const docs = (dir: string) => new Map(readVmStack(dir, name, values).vms.map((vm) => [`${vm.id}_userData`, vm]));
  const client = d.client!;
  const cluster = d.byRole("mqbroker").map(brokerExpect)[0].cluster;
  const arg = (b: { brokerName: string; brokerId?: string; addr: string }) =>
    `${b.brokerName}${b.brokerId !== undefined ? `:${b.brokerId}` : ""}@${b.addr}`;
  const replace = async (vm: VmDoc): Promise<string> => {
    const m = machines.get(vm.address)!;
    const stopped = await m.replace(vm.text, VM_PROOF.disk);
    const booted = await m.waitCloudInit(BOOT_LIMIT_MS);
    return `${vm.id}: stopped in ${ms(stopped.stopMs)}${stopped.clean ? "" : " (killed)"}, cloud-init done ${ms(booted.tookMs)} after boot`;
  };

  await clusterServing(d);
  const plan = cliRollout(path.join(labDir, "stacks", name), path.join(heap1, "stacks", name), name, {
    clientNs: d.clientNs,
    namesrv: d.namesrvAddrs.join(";"),
  });
  const next = docs(heap1);
  const steps: string[] = [];
  const handedOver: string[] = [];
  let waited = true;
  row.waves = await underTraffic(
    client,
    cluster,
    "RollVmWaves",
    `${row.case}, in waves`,
    async () => {
      for (const w of plan.waves) {
        // A DLedger member about to stop hands its group's leadership over if it leads, as the rollout script does.
        for (const h of w.handovers) {
          const r = cliCommand(d.clientNs, ["handover", "--group", h.group, "--peers", h.peers, "--leave", h.selfId]);
          steps.push(`handover ${h.selfId}: exit ${r.code}: ${r.out}`);
          if (r.out.includes("handed the leadership over")) handedOver.push(r.out);
        }
        for (const o of w.vms) steps.push(await replace(next.get(o)!));
        const waits = [
          ...(w.nameServers.length ? [["--namesrv", w.nameServers.join(";"), "--timeout", "110"]] : []),
          ...(w.waitFor.length
            ? [
                [
                  "--namesrv",
                  plan.nameServers.join(";"),
                  "--timeout",
                  "110",
                  ...w.waitFor.flatMap((b) => ["--broker", arg(b)]),
                ],
              ]
            : []),
        ];
        for (const a of waits) {
          const r = cliWait(d.clientNs, a, waitEnv);
          steps.push(`wait: exit ${r.code} after ${ms(r.tookMs)}${r.code === 0 ? "" : `: ${r.out}`}`);
          waited &&= r.code === 0;
        }
      }
    },
    { creds },
  );
  log(`${row.case}, in waves: ${steps.join("; ")}`);
  ctx.check(
    `${row.case}: rocketmq-cdktf rollout --json --namesrv plans ${expected.what}, and each wave's wait exits 0 (registered and in sync${creds ? `, signed as ${creds.accessKey}` : ""})`,
    expected.ok(plan) && plan.waves.every((w) => w.vms.length === 1) && waited,
    `${plan.waves.map((w) => w.vms.join("+")).join(" | ")}; ${plan.order.join("; ")}; ${steps.join("; ")}`,
  );
  if (plan.waves.some((w) => w.handovers.length))
    ctx.check(
      `${row.case}: the DLedger leader hands the leadership over (rocketmq-cdktf handover) before its VM stops`,
      handedOver.length >= 1,
      handedOver.join("; ") || steps.join("; "),
    );
  checkNothingLost(ctx, row.waves);
  ctx.note(`${row.case}: in waves: ${trafficLine(row.waves)}`);
  if (!ROLLOUT_AT_ONCE) return row;

  await clusterServing(d);
  const all = [...docs(heap2!).values()];
  const together: string[] = [];
  row.atOnce = await underTraffic(
    client,
    cluster,
    "RollVmAtOnce",
    `${row.case}, all at once`,
    async () => {
      together.push(...(await Promise.all(all.map(replace))));
      await clusterServing(d);
    },
    { creds },
  );
  log(`${row.case}, all at once: ${together.join("; ")}`);
  ctx.check(
    `${row.case}: all ${all.length} VMs replaced at once, and the cluster serves again`,
    together.length === all.length,
    together.join("; "),
  );
  noteBaseline(ctx, row.atOnce);
  return row;
}

/** The certificates openssl made for this run's TLS stacks (their PEM variables' values), when one is booted. */
let labCertificates: LabCertificates | undefined;

/** The secured scenario with TLS enforcing, against the certificates the lab gave the stack's PEM variables. */
function tlsSecuredVm(ctx: Ctx, d: VmDeployment): Promise<void> {
  if (!labCertificates) throw new Error(`${d.stack.name}: the lab made no certificates (no PEM variable found)`);
  return tlsSecuredPair(ctx, d, labCertificates);
}

/** The lab's values of the stack's sensitive variables: its secrets (a certificate is not one). */
function secretValues(outDir: string, name: string, values: Readonly<Record<string, string>>): Record<string, string> {
  const declared = JSON.parse(fs.readFileSync(path.join(outDir, "stacks", name, "cdk.tf.json"), "utf8")).variable ?? {};
  return Object.fromEntries(Object.entries(stackValues(outDir, name, values)).filter(([k]) => declared[k]?.sensitive));
}
const BOOT_LIMIT_MS = Number(process.env.ROCKETMQ_VM_BOOT_TIMEOUT_S ?? 180) * 1000;

/** Stacks whose output has user-data (VmHosts) and no docker_container. */
function vmStacks(outDir: string): string[] {
  return listStacks(outDir).filter((s) => {
    const json = JSON.parse(fs.readFileSync(path.join(outDir, "stacks", s, "cdk.tf.json"), "utf8"));
    return (
      Object.keys(json.output ?? {}).some((k) => k.endsWith("_userData")) &&
      Object.keys(json.resource?.docker_container ?? {}).length === 0
    );
  });
}

function labSynth(
  outDir: string,
  options: { mirror: string; sha512?: string; heapMb?: { broker: number; nameServer: number } },
): void {
  fs.rmSync(outDir, { recursive: true, force: true });
  const t = Date.now();
  run("npx", ["ts-node", "--transpile-only", path.join(__dirname, "app.ts")], {
    cwd: REPO_DIR,
    env: { ...process.env, CDKTF_OUTDIR: outDir, ROCKETMQ_VM_OPTIONS: JSON.stringify(options) },
    timeoutMs: 300_000,
  });
  log(`synth (${path.basename(outDir)}): ${listStacks(outDir).join(", ")} in ${ms(Date.now() - t)}`);
}

/** Another lab (process or deploy) uses the same prefix and this machine's memory: wait until none runs (bounded). */
async function waitForOtherLabs(): Promise<void> {
  const limit = Number(process.env.ROCKETMQ_VM_WAIT_S ?? 900) * 1000;
  const busy = (): string => {
    const ns = run("ip", ["netns", "list"], { timeoutMs: 10_000 })
      .split("\n")
      .map((l) => l.trim().split(/\s+/)[0])
      .filter((n) => n && n.startsWith("rmqlab-"));
    let procs: string;
    try {
      procs = run("pgrep", ["-f", "lab/run\\.ts|lab/engine/run\\.ts"], { timeoutMs: 10_000 }).trim();
    } catch {
      procs = "";
    }
    return [procs ? `lab processes ${procs.split("\n").join(",")}` : "", ns.length ? `namespaces ${ns.join(",")}` : ""]
      .filter(Boolean)
      .join("; ");
  };
  const t = Date.now();
  let said = "";
  let idle = 0;
  for (;;) {
    const b = busy();
    if (!b) return;
    // Namespaces without a running lab are a crashed run's (deleteStale removes them), unless a lab is about to start
    // again: no lab process seen three times in a row, 5 s apart.
    idle = b.startsWith("lab processes") ? 0 : idle + 1;
    if (idle >= 3) return;
    if (b && b !== said) log(`another lab is running (${b}): waiting`);
    said = b;
    if (Date.now() - t > limit) throw new Error(`another lab still runs after ${ms(limit)} (${b})`);
    await sleep(5000);
  }
}

/** The real tools, run in the Debian root the machines boot (read-only, no network). */
function inRoot(
  root: string,
  bind: string,
  cmd: string,
  extra: string[] = ["--read-only"],
): { code: number; out: string } {
  try {
    const [c, ...args] = inOwnCgroup(`${MACHINE_PREFIX}check`, [
      "systemd-nspawn",
      "--quiet",
      "-D",
      root,
      "--register=no",
      "--keep-unit",
      "--private-network",
      ...extra,
      `--bind-ro=${bind}:/mnt`,
      "sh",
      "-c",
      `${cmd} 2>&1; echo "exit=$?"`,
    ]);
    const out = run(c, args, { timeoutMs: 120_000 });
    const m = /exit=(\d+)\s*$/.exec(out);
    return { code: m ? Number(m[1]) : -1, out: out.replace(/exit=\d+\s*$/, "").trim() };
  } catch (e) {
    return { code: -1, out: (e as Error).message };
  } finally {
    removeCgroup(`${MACHINE_PREFIX}check`);
  }
}

/** A distribution zip as built: one folder rocketmq-all-<version>-bin-release/ with bin/mq* scripts and lib/ jars. */
function distLayout(d: DistZip | undefined): { ok: boolean; detail: string } {
  if (!d || !fs.existsSync(d.file)) return { ok: false, detail: "no zip" };
  const names = run(
    "python3",
    ["-c", "import sys, zipfile; print('\\n'.join(zipfile.ZipFile(sys.argv[1]).namelist()))", d.file],
    { timeoutMs: 60_000 },
  )
    .split("\n")
    .filter(Boolean);
  const top = `rocketmq-all-${d.version}-bin-release/`;
  const jars = names.filter((n) => n.startsWith(`${top}lib/`) && n.endsWith(".jar")).length;
  const scripts = ["mqnamesrv", "mqbroker"].filter((b) => names.includes(`${top}bin/${b}`));
  const outside = names.filter((n) => !n.startsWith(top)).length;
  return {
    ok: jars > 0 && scripts.length === 2 && outside === 0 && /^[0-9a-f]{128}$/.test(d.sha512),
    detail: `${d.name}: ${names.length} entries, ${jars} jars in lib/, bin/ ${scripts.join(" ")}, ${outside} outside ${top}; sha512 ${d.sha512.slice(0, 16)}…`,
  };
}

function checkDocuments(
  ctx: Ctx,
  root: string,
  stack: string,
  vms: VmDoc[],
  values: Readonly<Record<string, string>> = {},
): void {
  const dir = path.join(VM_WORK, "check", stack);
  fs.rmSync(dir, { recursive: true, force: true });
  for (const vm of vms) {
    const d = path.join(dir, vm.id);
    fs.mkdirSync(path.join(d, "units"), { recursive: true });
    fs.writeFileSync(path.join(d, "user-data"), vm.text);
    const script = vm.files.find((f) => f.path.endsWith("/install.sh"));
    if (script) fs.writeFileSync(path.join(d, "install.sh"), script.content);
    for (const u of vm.files.filter((f) => f.path.startsWith("/etc/systemd/system/")))
      fs.writeFileSync(path.join(d, "units", path.posix.basename(u.path)), u.content);
    const schema = inRoot(root, d, "cloud-init schema --config-file /mnt/user-data");
    ctx.check(
      `${stack}/${vm.id}: cloud-init schema --config-file accepts the user-data (Debian's cloud-init)`,
      schema.code === 0 && /Valid cloud-config/.test(schema.out),
      schema.out.slice(-1500),
    );
    // systemd-analyze verify exits 0 on what it ignores ("Failed to parse ..., ignoring"): any output is a failure.
    const verify = inRoot(root, d, "systemd-analyze verify /mnt/units/*.service");
    ctx.check(
      `${stack}/${vm.id}: systemd-analyze verify passes every unit (${vm.units.map((u) => u.unit).join(", ")}) without a word`,
      verify.code === 0 && verify.out === "",
      verify.out.slice(-1500),
    );
    const sh = inRoot(root, d, "sh -n /mnt/install.sh");
    ctx.check(`${stack}/${vm.id}: the install script parses (sh -n, dash)`, sh.code === 0 && sh.out === "", sh.out);
    // The copy checked holds the lab's secrets when the document carries them: it does not stay.
    if (secretsIn(vm.text, values).length) fs.rmSync(path.join(d, "user-data"));
  }
}

/** python3's http.server in a lab namespace, serving `dir` (bounded start; killed with the lab). */
async function serveDist(ns: string, address: string, dir: string): Promise<void> {
  const logFile = path.join(VM_WORK, "logs", "http-server.log");
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const out = fs.openSync(logFile, "w");
  const child = spawn(
    "ip",
    ["netns", "exec", ns, "python3", "-m", "http.server", String(DIST_PORT), "--bind", address, "--directory", dir],
    { stdio: ["ignore", out, out], detached: true },
  );
  fs.closeSync(out);
  if (child.pid) registry.pgids.add(child.pid);
  child.unref();
  await waitFor(`the distribution server at ${address}:${DIST_PORT}`, 15_000, 200, () =>
    tryRun("ip", ["netns", "exec", ns, "curl", "-fsS", "-o", "/dev/null", `http://${address}:${DIST_PORT}/`])
      ? true
      : undefined,
  );
  log(`dist: serving ${dir} at http://${address}:${DIST_PORT}/ from ${ns} (pid ${child.pid})`);
}

function stat(p: string): { uid: number; gid: number; mode: string } | undefined {
  try {
    const s = fs.statSync(p);
    return { uid: s.uid, gid: s.gid, mode: (s.mode & 0o7777).toString(8).padStart(4, "0") };
  } catch {
    return undefined;
  }
}

/** After boot: what cloud-init did on one machine, read from its file system and its systemd. */
function checkBooted(ctx: Ctx, m: Machine, vm: VmDoc, booted: { tookMs: number; result: any }, dist: DistZip): void {
  const errors = booted.result?.v1?.errors ?? ["no result.json"];
  ctx.check(
    `${m.name}: booted and cloud-init ran every stage in ${ms(booted.tookMs)} (within a minute), without an error`,
    booted.tookMs <= 60_000 && errors.length === 0,
    JSON.stringify(errors),
  );
  const outLog = fs.existsSync(m.path("var/log/cloud-init-output.log"))
    ? fs.readFileSync(m.path("var/log/cloud-init-output.log"), "utf8")
    : "";
  ctx.check(
    `${m.name}: the install script downloaded the zip and verified its SHA-512 against the archive's .sha512`,
    outLog.includes(`SHA-512 of`) &&
      outLog.includes("verified") &&
      fs.readFileSync(m.path(`opt/rocketmq/rocketmq-${dist.version}/.rocketmq-cdktf-sha512`), "utf8").trim() ===
        dist.sha512,
    outLog
      .split("\n")
      .filter((l) => l.startsWith("rocketmq-cdktf"))
      .join(" | "),
  );
  const passwd = /^rocketmq:.*$/m.exec(fs.readFileSync(m.path("etc/passwd"), "utf8"))?.[0] ?? "(none)";
  ctx.check(`${m.name}: user rocketmq is 3000:3000`, /^rocketmq:x:3000:3000:/.test(passwd), passwd);
  for (const u of vm.units) {
    const keys = u.keys;
    const active = m.unitProps(u.unit, ["ActiveState", "UnitFileState", "MainPID", "LimitNOFILE", "User"]);
    ctx.check(
      `${m.name}: ${u.unit} is enabled and active, LimitNOFILE ${active.LimitNOFILE}`,
      active.ActiveState === "active" && active.UnitFileState === "enabled" && active.LimitNOFILE === "655350",
      JSON.stringify(active),
    );
    const pids = m.unitPids(u.unit);
    const uids = pids.map((p) => /^Uid:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${p}/status`, "utf8"))?.[1]);
    ctx.check(
      `${m.name}: ${u.unit}'s JVM runs as uid 3000`,
      pids.length === 1 && uids.every((x) => x === "3000"),
      `pids ${pids.join(",")} uids ${uids.join(",")}`,
    );
    // What the kernel says of the running JVM: no capability in any set, and no way to gain one.
    const status = pids[0] ? fs.readFileSync(`/proc/${pids[0]}/status`, "utf8") : "";
    const field = (name: string) => new RegExp(`^${name}:\\s+(\\S+)`, "m").exec(status)?.[1];
    const caps = ["CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"].map((k) => `${k} ${field(k)}`);
    ctx.check(
      `${m.name}: ${u.unit}'s JVM holds no capability (bounding set empty) and NoNewPrivs is set`,
      caps.every((c) => /\s0+$/.test(c)) && field("NoNewPrivs") === "1",
      `${caps.join(", ")}, NoNewPrivs ${field("NoNewPrivs")}`,
    );
    const cmdline = pids[0] ? fs.readFileSync(`/proc/${pids[0]}/cmdline`, "utf8").split("\0") : [];
    const ext = /JAVA_OPT_EXT=([^"]*)/.exec(keys.Environment)?.[1] ?? "";
    const xmx = ext.split(" ").find((f) => f.startsWith("-Xmx"));
    ctx.check(
      `${m.name}: ${u.unit}'s JVM takes the library's heap (${xmx}) and its own user.home from JAVA_OPT_EXT`,
      !!xmx &&
        cmdline.filter((a) => a.startsWith("-Xmx")).pop() === xmx &&
        cmdline.includes(`-Duser.home=/var/log/rocketmq/${u.container.name}`),
      cmdline.filter((a) => /^-(Xm|Duser\.home)/.test(a)).join(" "),
    );
    const conf = u.container.uploads[0]?.file;
    const store =
      /storePathRootDir=(.*)/.exec(u.container.uploads[0]?.content ?? "")?.[1] ??
      /kvConfigPath=(.*)\/kvConfig\.json/.exec(u.container.uploads[0]?.content ?? "")?.[1] ??
      "";
    const owned = [conf, path.posix.dirname(conf ?? "/"), store, `/var/log/rocketmq/${u.container.name}`]
      .filter((p): p is string => !!p)
      .map((p) => ({ p, s: stat(m.path(p)) }));
    ctx.check(
      `${m.name}: ${u.container.name}'s file, folder, store and log folder belong to 3000:3000`,
      owned.every((o) => o.s?.uid === 3000 && o.s.gid === 3000),
      owned.map((o) => `${o.p} ${o.s ? `${o.s.uid}:${o.s.gid} ${o.s.mode}` : "missing"}`).join(", "),
    );
    if (u.container.role === "broker") {
      const after = keys.After.split(" ").filter((x) => x.startsWith("rocketmq-"));
      const started = (unit: string) =>
        Number(m.unitProps(unit, ["ExecMainStartTimestampMonotonic"]).ExecMainStartTimestampMonotonic);
      ctx.check(
        `${m.name}: ${u.unit} started after ${after.join(", ") || "(no name server on this VM)"}`,
        after.every((a) => started(a) <= started(u.unit)),
        after.map((a) => `${a}@${started(a)}`).join(", ") + ` ${u.unit}@${started(u.unit)}`,
      );
    }
  }
}

/** `3000:3000 0640` */
function owned(s: { uid: number; gid: number; mode: string } | undefined): string {
  return s ? `${s.uid}:${s.gid} ${s.mode}` : "missing";
}

/**
 * Where a VM's secrets are on the booted machine. The ACL file is the rocketmq user's only (3000:3000, 0640, in a 0750
 * folder; the group has no other member) and the broker's JVM finds it; another user cannot read it. Every file the
 * machine wrote (its overlay's upper layer) that holds a secret is root's or rocketmq's, unreadable by others. Nothing
 * any user reads holds one: the units, java.env, the install script, `systemctl show`, the JVMs' command lines, the
 * logs of cloud-init and the journal. RocketMQ's own log is a note (the broker logs the ACL file it loads).
 */
function checkSecretsOnMachine(ctx: Ctx, m: Machine, vm: VmDoc, vars: Readonly<Record<string, string>>): void {
  const n = Object.keys(vars).length;
  const read = (p: string) => (fs.existsSync(m.path(p)) ? fs.readFileSync(m.path(p), "utf8") : "");
  checkKeyFiles(ctx, m, vm);
  for (const u of vm.units) {
    const acl = u.container.uploads.find((f) => f.file.endsWith("/plain_acl.yml"));
    if (!acl) continue;
    const file = stat(m.path(acl.file));
    const folder = stat(m.path(path.posix.dirname(acl.file)));
    ctx.check(
      `${m.name}: ${u.container.name}'s ${acl.file} is the rocketmq user's only (3000:3000 0640, its folder 3000:3000 0750) and holds the lab's secrets`,
      file?.uid === 3000 &&
        file.gid === 3000 &&
        file.mode === "0640" &&
        folder?.uid === 3000 &&
        folder.gid === 3000 &&
        folder.mode === "0750" &&
        read(acl.file) === acl.content,
      `file ${owned(file)}, folder ${owned(folder)}; content ${read(acl.file) === acl.content ? "as the lab resolved it" : "DIFFERS"}`,
    );
    const group = /^rocketmq:[^:]*:(\d+):(.*)$/m.exec(read("etc/group"));
    const inGroup = read("etc/passwd")
      .split("\n")
      .filter((l) => l.split(":")[3] === group?.[1])
      .map((l) => l.split(":")[0]);
    const asNobody = m.execStatus(["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "cat", acl.file]);
    const asRocketmq = m.execStatus([
      "setpriv",
      "--reuid=rocketmq",
      "--regid=rocketmq",
      "--init-groups",
      "cat",
      acl.file,
    ]);
    ctx.check(
      `${m.name}: only rocketmq reads ${acl.file}: user nobody is refused, group rocketmq has no other member`,
      asNobody.code !== 0 &&
        /Permission denied/.test(asNobody.out) &&
        asRocketmq.code === 0 &&
        asRocketmq.out === acl.content &&
        group?.[2] === "" &&
        JSON.stringify(inGroup) === '["rocketmq"]',
      `nobody: exit ${asNobody.code} ${asNobody.out.trim().split("\n").pop()}; rocketmq: exit ${asRocketmq.code}; group rocketmq gid ${group?.[1]} members "${group?.[2]}", primary group of ${inGroup.join(", ")}`,
    );
    // The JVM finds the file: rocketmq.acl.plain.file is relative to ROCKETMQ_HOME.
    const pid = m.unitPids(u.unit)[0];
    const cmdline = pid ? fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0") : [];
    const prop = cmdline.find((a) => a.startsWith("-Drocketmq.acl.plain.file="))?.split("=")[1];
    const home = /ROCKETMQ_HOME=(\S+)/.exec(u.keys.Environment)?.[1] ?? "";
    ctx.check(
      `${m.name}: ${u.unit}'s JVM reads ${acl.file} (-Drocketmq.acl.plain.file relative to ROCKETMQ_HOME ${home})`,
      !!prop && !!home && path.posix.resolve(home, prop) === acl.file,
      `-Drocketmq.acl.plain.file=${prop}`,
    );
  }

  // Every file the machine wrote (the overlay's upper layer), but the stores and the distribution (large, no secret).
  const upper = path.join(m.dir, "upper");
  const skip = ["var/lib/rocketmq/", "opt/", "var/log/rocketmq/"];
  const written = filesUnder(upper).filter((f) => !skip.some((x) => path.relative(upper, f).startsWith(x)));
  const holding = written
    .filter((f) => fs.statSync(f).size < 16 * 1024 * 1024)
    .map((f) => ({
      f: `/${path.relative(upper, f)}`,
      s: stat(f)!,
      found: secretsIn(fs.readFileSync(f, "latin1"), vars),
    }))
    .filter((x) => x.found.length);
  ctx.check(
    `${m.name}: every file the machine wrote that holds a secret (${holding.length} of ${written.length}) is root's or rocketmq's and unreadable by other users`,
    holding.length > 0 &&
      holding.every(
        (x) =>
          (x.s.uid === 0 && (parseInt(x.s.mode, 8) & 0o077) === 0) ||
          (x.s.uid === 3000 && x.s.gid === 3000 && (parseInt(x.s.mode, 8) & 0o007) === 0),
      ),
    holding.map((x) => `${x.f} ${owned(x.s)} (${x.found.length} of ${n})`).join(", "),
  );

  // What any user of the machine reads.
  const views: { what: string; text: string }[] = [
    ...vm.units.map((u) => ({ what: `/etc/systemd/system/${u.unit}`, text: read(`etc/systemd/system/${u.unit}`) })),
    ...vm.units.map((u) => ({
      what: `systemctl show ${u.unit}`,
      text: m.exec(["systemctl", "show", "--no-pager", u.unit]),
    })),
    ...vm.units.flatMap((u) =>
      m.unitPids(u.unit).map((pid) => ({
        what: `${u.unit}'s JVM command line`,
        text: fs.readFileSync(`/proc/${pid}/cmdline`, "utf8"),
      })),
    ),
    { what: "/etc/rocketmq/java.env", text: read("etc/rocketmq/java.env") },
    { what: "/usr/local/lib/rocketmq-cdktf/install.sh", text: read("usr/local/lib/rocketmq-cdktf/install.sh") },
    { what: "/var/log/cloud-init.log", text: read("var/log/cloud-init.log") },
    { what: "/var/log/cloud-init-output.log", text: read("var/log/cloud-init-output.log") },
    { what: "the journal (journalctl)", text: m.exec(["journalctl", "--no-pager", "-o", "cat"], 60_000) },
  ];
  const seen = views.map((v) => ({ ...v, found: secretsIn(v.text, vars) })).filter((v) => v.found.length);
  ctx.check(
    `${m.name}: none of the ${n} secret values is in what any user of the machine reads (${views.length} places: units, systemctl show, the JVMs' command lines, java.env, the install script, cloud-init's logs, the journal)`,
    seen.length === 0 && views.every((v) => v.text.length > 0),
    seen.map((v) => `${v.what}: ${v.found.join(", ")}`).join("; ") ||
      views
        .filter((v) => v.text.length === 0)
        .map((v) => `${v.what} is empty`)
        .join("; "),
  );

  // RocketMQ's own logs (its folders are the rocketmq user's, 0750).
  const logs = vm.units.map((u) => {
    const folder = `/var/log/rocketmq/${u.container.name}`;
    const found = [
      ...new Set(filesUnder(m.path(folder)).flatMap((f) => secretsIn(fs.readFileSync(f, "latin1"), vars))),
    ];
    return `${holds(`${folder}/logs (folder ${owned(stat(m.path(folder)))})`, found, n)}`;
  });
  ctx.note(`${m.name}: secret values in RocketMQ's own logs: ${logs.join("; ")}`);
}

/**
 * The run's secret values appear nowhere the lab or the library writes or prints: the synthesized cdk.tf.json and
 * topology.md of the three outputs (main.ts's, the lab's, the wrong-checksum one), the lab's run directory (the
 * client's logs), the machines' console logs and cloud-init output kept under logs/, the documents checked by the real
 * tools, the check lines, notes and log lines. RocketMQ's own logs, kept under logs/, are a note.
 */
function leakCheck(ctx: Ctx, name: string, vars: Readonly<Record<string, string>>, lines: readonly string[]): void {
  const n = Object.keys(vars).length;
  const pems = Object.keys(vars).filter((k) => vars[k].includes("-----BEGIN "));
  if (pems.length)
    ctx.note(`leak: ${pems.join(", ")} (PEM) looked for by each line of its body, however a text quotes its line ends`);
  const inFiles = (files: string[]) =>
    files.map((f) => ({ f, found: secretsIn(fs.readFileSync(f, "latin1"), vars) })).filter((x) => x.found.length);
  const leaked = (xs: { f: string; found: string[] }[]) =>
    xs.map((x) => `${path.relative(VM_WORK, x.f)}: ${x.found.join(", ")}`).join("; ");
  const synthesized = ["synth-main", "synth", "synth-bad-sha"].flatMap((o) =>
    ["cdk.tf.json", "topology.md"].map((f) => path.join(VM_WORK, o, "stacks", name, f)).filter((f) => fs.existsSync(f)),
  );
  let bad = inFiles(synthesized);
  ctx.check(
    `leak: none of the ${n} secret values is in ${name}'s cdk.tf.json or topology.md (${synthesized.length} files of 3 synthesized outputs)`,
    synthesized.length === 6 && bad.length === 0,
    bad.length ? leaked(bad) : synthesized.map((f) => path.relative(VM_WORK, f)).join(", "),
  );
  const client = filesUnder(path.join(VM_WORK, "run", name));
  const checked = filesUnder(path.join(VM_WORK, "check", name));
  const kept = filesUnder(path.join(VM_WORK, "logs"));
  const rocketmq = kept.filter((f) => f.includes(`${path.sep}rocketmq${path.sep}`));
  const own = [...client, ...checked, ...kept.filter((f) => !rocketmq.includes(f))];
  bad = inFiles(own);
  const all = [...ctx.checks.map((c) => `${c.name} ${c.detail}`), ...ctx.experiments.flatMap((e) => e.notes), ...lines];
  const inLines = [...new Set(all.flatMap((l) => secretsIn(l, vars)))];
  ctx.check(
    `leak: none of the ${n} secret values is in the client's logs (${client.length} files), the documents checked by the real tools and the machines' console and cloud-init logs the lab keeps (${own.length - client.length} files), its ${ctx.checks.length} check lines and notes, or its ${lines.length} log lines`,
    client.length > 0 && bad.length === 0 && inLines.length === 0 && lines.length > 0,
    [leaked(bad), inLines.length ? `check or log lines: ${inLines.join(", ")}` : ""].filter(Boolean).join("; ") ||
      `client: ${client.map((f) => path.relative(VM_WORK, f)).join(", ")}`,
  );
  const inRocketmq = [...new Set(inFiles(rocketmq).flatMap((x) => x.found))];
  ctx.note(
    `${name}: ${holds(`secret values in RocketMQ's own logs the lab keeps (${rocketmq.length} files under logs/)`, inRocketmq, n)}`,
  );
}

/**
 * The stack applied by OpenTofu as a user applies it (`TF_VAR_<name>` the lab's values; no resource, its outputs and its
 * state encrypted with the passphrase): what it prints (apply, `tofu output`) shows every user-data output as
 * `<sensitive>` and none of the secrets (a PEM key by any line of its body), and the state file on disk holds none.
 */
function tofuOutputs(
  ctx: Ctx,
  outDir: string,
  name: string,
  vars: Readonly<Record<string, string>>,
  all: Readonly<Record<string, string>>,
): void {
  const n = Object.keys(vars).length;
  const dir = path.join(VM_WORK, "tofu", "stacks", name);
  // The stack's local backend is ../../../terraform.<name>.tfstate, relative to its directory.
  const state = path.join(VM_WORK, `terraform.${name}.tfstate`);
  fs.rmSync(path.join(VM_WORK, "tofu"), { recursive: true, force: true });
  fs.rmSync(state, { force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(path.join(outDir, "stacks", name, "cdk.tf.json"), path.join(dir, "cdk.tf.json"));
  try {
    const values = stackValues(outDir, name, all);
    const printed = [
      tofu(dir, ["init", "-input=false", "-no-color"], 120_000, values),
      tofu(dir, ["apply", "-auto-approve", "-input=false", "-no-color"], 120_000, values),
      tofu(dir, ["output", "-no-color"], 60_000, values),
    ];
    const [init, apply, output] = printed;
    const userData = Object.keys(
      JSON.parse(fs.readFileSync(path.join(dir, "cdk.tf.json"), "utf8")).output ?? {},
    ).filter((k) => k.endsWith("_userData"));
    const shown = userData.map((k) => new RegExp(`^${k} = (.*)$`, "m").exec(output.stdout)?.[1] ?? "(absent)");
    ctx.check(
      `tofu: ${name} applied by OpenTofu with the lab's values: \`tofu output\` shows its ${userData.length} user-data outputs as <sensitive>`,
      init.code === 0 &&
        apply.code === 0 &&
        output.code === 0 &&
        userData.length > 0 &&
        shown.every((x) => x === "<sensitive>"),
      `init exit ${init.code}, apply exit ${apply.code} (${ms(apply.tookMs)}), output exit ${output.code}: ${userData.map((k, i) => `${k} = ${shown[i]}`).join(", ")}${apply.code ? `; ${apply.out.slice(-600)}` : ""}`,
    );
    const inPrinted = [...new Set(printed.flatMap((r) => secretsIn(r.out, vars)))];
    const stateText = fs.existsSync(state) ? fs.readFileSync(state, "latin1") : "";
    const inState = secretsIn(stateText, vars);
    ctx.check(
      `tofu: none of the ${n} secret values is in what OpenTofu printed (init, apply, output: ${printed.reduce((a, r) => a + r.out.length, 0)} characters) or in the state it wrote (encrypted)`,
      inPrinted.length === 0 && stateText.length > 0 && inState.length === 0 && stateText.includes('"encrypted_data"'),
      `${holds("printed", inPrinted, n)}; ${holds(`state ${path.basename(state)} (${stateText.length} bytes${stateText.includes('"encrypted_data"') ? ", encrypted_data" : ", NOT ENCRYPTED"})`, inState, n)}`,
    );
  } finally {
    fs.rmSync(path.join(VM_WORK, "tofu"), { recursive: true, force: true });
    fs.rmSync(state, { force: true });
  }
}

async function main(): Promise<number> {
  const filters = process.argv.slice(2).filter((a) => !a.startsWith("-"));
  const ctx = new Ctx();
  const t0 = Date.now();
  fs.mkdirSync(VM_WORK, { recursive: true });
  await ctx.experiment("prerequisites", async () => {
    const tools = ["systemd-nspawn", "debootstrap", "nsenter", "python3", "curl", "umount"];
    const p = prerequisites(tools, "Debian: apt-get install systemd-container debootstrap util-linux python3 curl");
    if (!fs.readFileSync("/proc/filesystems", "utf8").includes("overlay")) tryRun("modprobe", ["overlay"]);
    const overlay = fs.readFileSync("/proc/filesystems", "utf8").includes("overlay");
    ctx.check(
      `prerequisites: ${[...LAB_TOOLS, ...tools].join(", ")} answer with their versions; overlayfs; running as root`,
      p.ok && overlay,
      `${p.detail}; overlay ${overlay ? "in /proc/filesystems" : "MISSING from /proc/filesystems (modprobe overlay failed)"}`,
    );
    if (!p.ok || !overlay) return;
    // Throws when another lab still runs after the bound: the experiment fails with that.
    await waitForOtherLabs();
    // From here on, the exit's cleanup deletes this run's namespaces only, never another lab's.
    registry.ownNamespacesOnly = true;
    // On any way out: the machines first (their overlays sit on the root), then the unpacked root.
    registry.beforeNamespaces.push(() => {
      destroyAllMachines();
      unmountStale();
      fs.rmSync(path.join(VM_WORK, "root"), { recursive: true, force: true });
    });
    deleteStale();
    const stale = unmountStale();
    if (stale.length) log(`unmounted ${stale.length} stale mount(s) of a crashed run`);
    const cgroups = removeStaleCgroups();
    if (cgroups.length) log(`removed ${cgroups.length} stale machine cgroup(s)`);
    fs.rmSync(path.join(VM_WORK, "machines"), { recursive: true, force: true });
  });
  if (!ctx.experiments[0].ok) return summary(ctx, t0, VM_WORK);

  let stacks: string[] = [];
  const mainDir = path.join(VM_WORK, "synth-main");
  // The stacks' variables (secrets) get the lab's values: random, new every run, put where Terraform puts them.
  let values: Record<string, string> = {};
  await ctx.experiment("synth", () => {
    synth(mainDir);
    stacks = vmStacks(mainDir).filter((s) => filters.length === 0 || filters.some((f) => s.includes(f)));
    ctx.check(`synth: main.ts synthesizes VM stacks (${vmStacks(mainDir).join(", ")})`, stacks.length > 0);
    const missing = stacks.filter((s) => !SCENARIOS[s]);
    ctx.check(
      `synth: every VM stack has its scenario (${stacks.map((s) => `${s}: ${SCENARIOS[s]?.name ?? "none"}`).join(", ")})`,
      missing.length === 0,
      missing.length ? `no scenario for ${missing.join(", ")} in lab/vm/run.ts SCENARIOS` : "",
    );
    values = pickValues([...new Set(stacks.flatMap((s) => stackVariables(mainDir, s)))].sort());
    // A variable the servers' tls.properties names as a certificate, a key or a CA gets a PEM instead: openssl's, made
    // for the addresses of the machines of every stack that has one.
    const pems: Record<string, PemRole> = {};
    const addresses = new Set<string>();
    for (const s of stacks) {
      const found = pemVariables(readVmStack(mainDir, s, values).stack.containers, values);
      if (Object.keys(found).length === 0) continue;
      Object.assign(pems, found);
      for (const vm of readVmStack(mainDir, s, values).vms) addresses.add(vm.address);
    }
    if (Object.keys(pems).length) {
      labCertificates = makeCertificates(path.join(VM_WORK, "tls"), [...addresses].sort());
      for (const [v, role] of Object.entries(pems)) values[v] = pemOf(labCertificates, role);
      ctx.check(
        `synth: the variables the servers' tls.properties names (${Object.entries(pems)
          .map(([v, role]) => `${v}: ${role}`)
          .join(", ")}) get PEMs openssl made for ${[...addresses].sort().join(", ")} (the key PKCS#8)`,
        ["certificate", "privateKey", "ca"].every((r) => Object.values(pems).includes(r as PemRole)) &&
          labCertificates.keyPem.startsWith("-----BEGIN PRIVATE KEY-----"),
        labCertificates.description,
      );
      // The leak checks find a key by its body's lines: in a document it is a JSON-quoted scalar (`\n` escapes), where
      // the whole PEM is not found as it is.
      const keys = Object.fromEntries(
        Object.keys(pems)
          .filter((v) => pems[v] === "privateKey")
          .map((v) => [v, values[v]]),
      );
      const docs = stacks.flatMap((s) =>
        readVmStack(mainDir, s, values).vms.filter((vm) => vm.variables.some((v) => v in keys)),
      );
      const found = docs.filter((vm) => secretsIn(vm.text, keys).length === Object.keys(keys).length);
      const whole = docs.filter((vm) => Object.values(keys).some((k) => vm.text.includes(k)));
      ctx.check(
        `synth: the leak checks find the private key (${Object.keys(keys).join(", ")}) in each of the ${docs.length} documents that carry it, JSON-quoted, by the lines of its body`,
        docs.length > 0 && found.length === docs.length,
        `found in ${found.map((vm) => vm.id).join(", ")}; the whole PEM as it is in ${whole.length} of them`,
      );
    }
    const random = Object.keys(values).filter((v) => !pems[v]);
    if (random.length)
      ctx.note(`the lab's values for the variables ${random.join(", ")} (random, 24 characters each, new every run)`);
    // Terraform refuses a non-sensitive output derived from a sensitive variable: a document that carries a secret
    // must be a sensitive output, and one that carries none is printed as it is.
    for (const s of stacks) {
      const vms = readVmStack(mainDir, s, values).vms;
      ctx.check(
        `synth: ${s}'s user-data outputs are sensitive exactly where the document refers to a variable (a secret)`,
        vms.every((vm) => vm.sensitive === vm.variables.length > 0),
        vms
          .map(
            (vm) =>
              `${vm.id}_userData: ${vm.sensitive ? "sensitive" : "not sensitive"}, variables [${vm.variables.join(", ")}]`,
          )
          .join("; "),
      );
    }
  });
  if (!stacks.length || !ctx.experiments[1].ok) return summary(ctx, t0, VM_WORK);

  // The Debian root (cached tar, unpacked once per run as the machines' shared lower layer) and the distributions.
  const root = path.join(VM_WORK, "root");
  const dists = new Map<string, DistZip>();
  let built = false;
  await ctx.experiment("build: the Debian root and the distribution zips", () => {
    const r = ensureVmRoot();
    ctx.note(`Debian root ${path.basename(r.file)} ${r.cached ? "cached" : `made by debootstrap in ${ms(r.tookMs)}`}`);
    const t = Date.now();
    unpackVmRoot(r.file, root);
    log(`vm root: unpacked in ${ms(Date.now() - t)}`);
    const versions = [
      ...new Set(stacks.flatMap((s) => readVmStack(mainDir, s, values).stack.containers.map((c) => c.version))),
    ].sort();
    for (const v of versions) {
      ensureJars(v);
      dists.set(v, ensureDistZip(v));
    }
    // What was built: the root runs what the machines need (asked inside it), each zip holds the Apache layout.
    const empty = path.join(VM_WORK, "check", "build");
    fs.mkdirSync(empty, { recursive: true });
    const inside = inRoot(
      root,
      empty,
      "java -version 2>&1 | head -1; cloud-init --version 2>&1; systemctl --version | head -1; python3 --version",
    );
    const zips = versions.map((v) => ({ v, ...distLayout(dists.get(v)) }));
    built = ctx.check(
      `build: the Debian root (Java, cloud-init, systemd, python3 inside) and the distribution of RocketMQ ${versions.join(", ")}`,
      inside.code === 0 &&
        [/openjdk version "17\./, /cloud-init \d+\.\d+/, /^systemd \d+/m, /^Python 3\.\d+/m].every((x) =>
          x.test(inside.out),
        ) &&
        zips.every((z) => z.ok),
      `in the root: ${inside.out.split("\n").join(" | ")}; ${zips.map((z) => `${z.v}: ${z.detail}`).join("; ")}`,
    );
  });
  if (!built) return summary(ctx, t0, VM_WORK);

  for (const s of stacks) {
    await ctx.experiment(`user-data of ${s}: the real tools`, () =>
      checkDocuments(ctx, root, s, readVmStack(mainDir, s, values).vms, values),
    );
  }
  // The install script's fallbacks: an image without curl or unzip downloads and unpacks with python3 (cloud-init's own
  // runtime). Its functions, taken from the first document, run in the root with both hidden, on the lab's zip (file://).
  await ctx.experiment("install script without curl and unzip (python3)", () => {
    const vm = readVmStack(mainDir, stacks[0], values).vms[0];
    const script = vm.files.find((f) => f.path.endsWith("/install.sh"))!.content;
    const funcs = script.slice(script.indexOf("fetch() {"), script.indexOf("\n# RocketMQ "));
    const dist = [...dists.values()][0];
    const dir = path.join(VM_WORK, "check", "fallback");
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    fs.copyFileSync(dist.file, path.join(dir, dist.name));
    fs.writeFileSync(path.join(dir, `${dist.name}.sha512`), `${dist.sha512}  ${dist.name}\n`);
    const home = `/opt/rocketmq/rocketmq-${dist.version}`;
    fs.writeFileSync(
      path.join(dir, "t.sh"),
      [
        "set -eu",
        'log() { echo "rocketmq-cdktf: $*"; }',
        'fail() { echo "rocketmq-cdktf: ERROR: $*" >&2; exit 1; }',
        funcs,
        `echo "curl: $(command -v curl || echo none), unzip: $(command -v unzip || echo none)"`,
        `install_rocketmq ${home} file:///mnt/${dist.name} ''`,
        `ls ${home}/bin/mqbroker ${home}/lib | wc -l`,
        `test -x ${home}/bin/mqbroker && cat ${home}/.rocketmq-cdktf-sha512`,
      ].join("\n"),
    );
    const r = inRoot(root, dir, "sh /mnt/t.sh", [
      "--volatile=overlay",
      "--bind-ro=/dev/null:/usr/bin/curl",
      "--bind-ro=/dev/null:/usr/bin/unzip",
    ]);
    ctx.check(
      `the install script downloads with python3's urllib, verifies the SHA-512 and unpacks with python3's zipfile when the image has neither curl nor unzip`,
      r.code === 0 &&
        r.out.includes("curl: none, unzip: none") &&
        r.out.includes("verified") &&
        r.out.trim().endsWith(dist.sha512),
      r.out.slice(-600),
    );
  });

  // What the booted stack does not cover (5.x controllers, controller-mode brokers, a proxy; two brokers on one VM;
  // preinstalled Java and RocketMQ): checked by the same tools, not booted.
  await ctx.experiment("user-data of the fixtures (lab/vm/fixtures.ts): the real tools", () => {
    const dir = path.join(VM_WORK, "synth-fixtures");
    fs.rmSync(dir, { recursive: true, force: true });
    run("npx", ["ts-node", "--transpile-only", path.join(__dirname, "fixtures.ts")], {
      cwd: REPO_DIR,
      env: { ...process.env, CDKTF_OUTDIR: dir },
      timeoutMs: 300_000,
    });
    for (const s of listStacks(dir)) checkDocuments(ctx, root, s, readVmStack(dir, s).vms);
  });

  for (const s of stacks) {
    await ctx.experiment(`boot ${s}`, async () => {
      const main = readVmStack(mainDir, s, values);
      const first = main.vms[0].address.split(".").slice(0, 3).join(".");
      const distAddr = `${first}.240`;
      const mirror = `http://${distAddr}:${DIST_PORT}/rocketmq`;
      // The stack as the lab's program makes it: main.ts's, the distribution's URL pointed at the lab's server.
      const labDir = path.join(VM_WORK, "synth");
      labSynth(labDir, { mirror });
      const lab = readVmStack(labDir, s, values);
      const same = lab.vms.every(
        (vm, i) => vm.text.split(mirror).join("https://archive.apache.org/dist/rocketmq") === main.vms[i].text,
      );
      ctx.check(
        `${s}: the lab's user-data is main.ts's but for the download URL (${mirror})`,
        same && lab.vms.length === main.vms.length,
      );
      const badDir = path.join(VM_WORK, "synth-bad-sha");
      labSynth(badDir, { mirror, sha512: "0".repeat(128) });
      const bad = readVmStack(badDir, s, values).vms[0];

      // The build took a while: another lab may have started since.
      await waitForOtherLabs();
      const net = new Network();
      for (const vm of lab.vms) net.addHost(vm.address);
      const distNs = net.addHost(distAddr);
      const clientNs = net.addClient();
      const distDir = path.join(VM_WORK, "dist");
      fs.rmSync(distDir, { recursive: true, force: true });
      for (const d of dists.values()) {
        const to = path.join(distDir, "rocketmq", d.version);
        fs.mkdirSync(to, { recursive: true });
        fs.copyFileSync(d.file, path.join(to, d.name));
        // As the archive's `.sha512` files: `<hash>  <file>`.
        fs.writeFileSync(path.join(to, `${d.name}.sha512`), `${d.sha512}  ${d.name}\n`);
      }
      await serveDist(distNs, distAddr, distDir);
      const dist = dists.get(lab.stack.containers[0].version)!;

      // A wrong pinned checksum: the download is refused and nothing starts.
      {
        const m = new Machine(`${bad.id}-bad-sha`, bad.address, net.hosts.get(bad.address)!, root);
        m.boot(bad.text);
        const booted = await m.waitCloudInit(BOOT_LIMIT_MS);
        const out = fs.existsSync(m.path("var/log/cloud-init-output.log"))
          ? fs.readFileSync(m.path("var/log/cloud-init-output.log"), "utf8")
          : "";
        const errors: string[] = booted.result?.v1?.errors ?? [];
        const units = bad.units.map((u) => `${u.unit}=${m.unitProps(u.unit, ["ActiveState"]).ActiveState}`);
        ctx.check(
          `${s}: a wrong pinned SHA-512 fails the install loudly (cloud-init reports the error) and starts no unit`,
          /SHA-512 of \S+ is [0-9a-f]{128}, expected 0{128}/.test(out) &&
            errors.length > 0 &&
            units.every((u) => u.endsWith("=inactive")) &&
            !fs.existsSync(m.path(`opt/rocketmq/rocketmq-${dist.version}/bin`)),
          `${out
            .split("\n")
            .filter((l) => l.includes("rocketmq-cdktf"))
            .join(" | ")}; cloud-init errors ${JSON.stringify(errors)}; ${units.join(", ")}`,
        );
        m.destroySync();
      }

      const machines = new Map<string, Machine>();
      const t = Date.now();
      for (const vm of lab.vms) {
        const m = new Machine(vm.id, vm.address, net.hosts.get(vm.address)!, root);
        machines.set(vm.address, m);
        m.boot(vm.text);
      }
      const booted = await Promise.all(lab.vms.map((vm) => machines.get(vm.address)!.waitCloudInit(BOOT_LIMIT_MS)));
      log(
        `${s}: ${machines.size} machines booted, cloud-init done in ${booted.map((b, i) => `${lab.vms[i].id} ${ms(b.tookMs)}`).join(", ")} (${ms(Date.now() - t)} in all)`,
      );
      lab.vms.forEach((vm, i) => checkBooted(ctx, machines.get(vm.address)!, vm, booted[i], dist));

      const namesrvAddr = String(lab.json.output?.rmq_namesrvAddr?.value ?? "");
      const d = new VmDeployment(lab.stack, path.join(VM_WORK, "run", s), machines, namesrvAddr, clientNs);
      try {
        await SCENARIOS[s](ctx, d);
        if (VM_PROOF_PLANS[s]) proofRows.push(await vmRolloutProof(ctx, d, s, labDir, mirror, machines, values));
        // Each process logs under its own user.home (RocketMQ: ${user.home}/logs/rocketmqlogs), never into another's file.
        for (const vm of lab.vms) {
          const m = machines.get(vm.address)!;
          for (const u of vm.units) {
            // RocketMQ's log file per role (its logback files): namesrv.log, broker.log, proxy.log.
            const role = { namesrv: "namesrv", proxy: "proxy" }[u.container.role] ?? "broker";
            const logFile = `/var/log/rocketmq/${u.container.name}/logs/rocketmqlogs/${role}.log`;
            const size = fs.existsSync(m.path(logFile)) ? fs.statSync(m.path(logFile)).size : -1;
            ctx.check(`${m.name}: ${u.container.name} logs into its own ${logFile} (${size} bytes)`, size > 0, logFile);
          }
        }
      } finally {
        // Where the secrets are on the machines, after the scenario (its logs written, the master restarted).
        const vars = secretValues(mainDir, s, values);
        if (Object.keys(vars).length)
          try {
            for (const vm of lab.vms) checkSecretsOnMachine(ctx, machines.get(vm.address)!, vm, vars);
          } catch (e) {
            ctx.check(`${s}: the secrets on the machines are checked`, false, (e as Error).message);
          }
        await d.destroy();
        // What stays for reading: each machine's cloud-init output and RocketMQ logs.
        for (const m of machines.values()) {
          const to = path.join(VM_WORK, "logs", m.name);
          fs.rmSync(to, { recursive: true, force: true });
          fs.mkdirSync(to, { recursive: true });
          tryRun("cp", ["-a", m.path("var/log/rocketmq"), m.path("var/log/cloud-init-output.log"), to]);
        }
        for (const m of machines.values()) m.destroySync();
        net.destroy();
      }
    });
    const vars = secretValues(mainDir, s, values);
    if (Object.keys(vars).length) {
      await ctx.experiment(`leak: ${s}'s secrets in what the lab wrote and printed`, () =>
        leakCheck(ctx, s, vars, logged),
      );
      await ctx.experiment(`tofu: ${s}'s outputs and state`, () => tofuOutputs(ctx, mainDir, s, vars, values));
    }
  }
  writeTrafficTable(path.join(VM_WORK, "rollout-proof.md"), proofRows);
  return summary(ctx, t0, VM_WORK);
}

/** The rollout proof's cases, for the table at the end of the run. */
const proofRows: { case: string; waves?: Traffic; atOnce?: Traffic }[] = [];

runLab("lab:vm", "ROCKETMQ_VM_TIMEOUT_S", 1800, main);

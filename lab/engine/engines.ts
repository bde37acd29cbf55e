// One Docker engine (Debian's dockerd) per lab host, inside that host's network namespace, with its own data root,
// exec root, pid file, socket and cgroup parent. Started and stopped by the lab; a synchronous cleanup kills
// whatever is left of any of them (dockerd, containerd, shims, containers), unmounts and removes their roots,
// also after a crash (deleteStaleEngines at the next start).
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { registry } from "../hosts";
import { WORK_DIR, log, ms, run, sleep, tryRun, waitFor } from "../util";

/** Exec roots and sockets of every lab engine: /run/rmqlab/<name>/docker.sock. */
export const RUN_ROOT = "/run/rmqlab";
/** Data roots (images, containers, volumes) of every lab engine. */
export const ENGINES_DIR = path.join(WORK_DIR, "deploy", "engines");
const CGROUP_PREFIX = "rmqlab-";
const DOCKER_CONFIG = path.join(WORK_DIR, "deploy", "docker-cli");

export function dockerCli(host: string, args: string[], timeoutMs = 120_000, input?: string): string {
  return run("docker", ["-H", host, ...args], { timeoutMs, input, env: { ...process.env, DOCKER_CONFIG } });
}

/** A docker command whose failure is an answer, not an error: its exit code and output. */
export function dockerResult(
  host: string,
  args: string[],
  timeoutMs = 120_000,
): { status: number | null; out: string } {
  const r = spawnSync("docker", ["-H", host, ...args], {
    encoding: "utf8",
    timeout: timeoutMs,
    killSignal: "SIGKILL",
    env: { ...process.env, DOCKER_CONFIG },
  });
  return { status: r.status, out: `${r.stdout ?? ""}${r.stderr ?? ""}` };
}

export class Engine {
  readonly dir: string;
  readonly dataRoot: string;
  readonly sock: string;
  readonly host: string;
  readonly logFile: string;
  storageDriver = "";
  private child?: ChildProcess;

  /** name: the host's address (or "dev"); netns: the namespace of that host; index: picks the bridge range 10.200.<index>.0/24. */
  constructor(
    readonly name: string,
    readonly netns: string,
    readonly index: number,
  ) {
    this.dir = path.join(RUN_ROOT, name);
    this.dataRoot = path.join(ENGINES_DIR, name);
    this.sock = path.join(this.dir, "docker.sock");
    this.host = `unix://${this.sock}`;
    this.logFile = path.join(WORK_DIR, "deploy", "logs", `dockerd-${name}.log`);
  }

  docker(args: string[], timeoutMs = 120_000, input?: string): string {
    return dockerCli(this.host, args, timeoutMs, input);
  }

  async start(driver = process.env.ROCKETMQ_DEPLOY_STORAGE_DRIVER ?? "overlay2"): Promise<void> {
    for (const d of [this.dir, this.dataRoot, path.dirname(this.logFile)]) fs.mkdirSync(d, { recursive: true });
    const t = Date.now();
    const out = fs.openSync(this.logFile, "a");
    const args = [
      `--net=/var/run/netns/${this.netns}`,
      "dockerd",
      "--data-root",
      this.dataRoot,
      "--exec-root",
      path.join(this.dir, "exec"),
      "--pidfile",
      path.join(this.dir, "dockerd.pid"),
      "-H",
      this.host,
      "--storage-driver",
      driver,
      // a range that overlaps none of the hosts' addresses (172.17.160.x): Docker's default 172.17.0.0/16 would
      "--bip",
      `10.200.${this.index}.1/24`,
      "--cgroup-parent",
      `${CGROUP_PREFIX}${this.name}`,
      "--log-level",
      "warn",
    ];
    // nsenter --net, not `ip netns exec`: the latter remounts /sys and dockerd stops with "Devices cgroup isn't mounted".
    this.child = spawn("nsenter", args, { detached: true, stdio: ["ignore", out, out] });
    fs.closeSync(out);
    const pid = this.child.pid ?? 0;
    if (pid) registry.pgids.add(pid);
    this.child.on("exit", () => registry.pgids.delete(pid));
    registry.engines.add(this.name);
    registry.enginesStarted = true;
    try {
      await waitFor(`dockerd ${this.name} to answer on ${this.sock}`, 60_000, 250, () => {
        if (this.child?.exitCode !== null && this.child?.exitCode !== undefined)
          throw new Error(
            `dockerd exited ${this.child.exitCode}: ${fs.readFileSync(this.logFile, "utf8").slice(-1500)}`,
          );
        return tryRun("docker", ["-H", this.host, "version"], 5_000) ? true : undefined;
      });
    } catch (e) {
      if (driver !== "vfs" && /overlay/i.test(fs.readFileSync(this.logFile, "utf8"))) {
        log(`engine ${this.name}: ${driver} does not work here, falling back to vfs`);
        this.stopSync();
        return this.start("vfs");
      }
      throw e;
    }
    this.storageDriver = this.docker(["info", "--format", "{{.Driver}}"]).trim();
    log(
      `engine ${this.name}: dockerd in ${this.netns}, ${this.host}, storage ${this.storageDriver}, bridge 10.200.${this.index}.1/24, up in ${ms(Date.now() - t)}`,
    );
  }

  /** Removes every container, stops dockerd (SIGTERM, then whatever is left with SIGKILL), unmounts and deletes its roots. */
  async stop(): Promise<void> {
    if (this.child && this.child.exitCode === null) {
      try {
        const ids = this.docker(["ps", "-aq"], 30_000).split(/\s+/).filter(Boolean);
        if (ids.length) this.docker(["rm", "-f", ...ids], 120_000);
      } catch (e) {
        log(`engine ${this.name}: removing containers: ${(e as Error).message.slice(0, 300)}`);
      }
      try {
        process.kill(this.child.pid!, "SIGTERM");
      } catch {
        /* gone */
      }
      const deadline = Date.now() + 20_000;
      while (this.child.exitCode === null && this.child.signalCode === null && Date.now() < deadline) await sleep(100);
    }
    this.stopSync();
  }

  stopSync(): void {
    cleanupEngineSync(this.name);
    this.child = undefined;
  }
}

interface ProcInfo {
  pid: number;
  ppid: number;
  cmdline: string;
}

function processes(): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const d of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const cmdline = fs.readFileSync(`/proc/${d}/cmdline`, "utf8").replace(/\0/g, " ");
      out.push({ pid: Number(d), ppid, cmdline });
    } catch {
      /* gone */
    }
  }
  return out;
}

/** Every process whose command line names `marker`, and all their descendants (containers under their shims). */
function processTree(marker: string): number[] {
  const all = processes();
  const found = new Set(all.filter((p) => p.cmdline.includes(marker) && p.pid !== process.pid).map((p) => p.pid));
  for (let grew = true; grew;) {
    grew = false;
    for (const p of all)
      if (!found.has(p.pid) && found.has(p.ppid)) {
        found.add(p.pid);
        grew = true;
      }
  }
  return [...found];
}

function cgroupTasks(name: string): number[] {
  const pids = new Set<number>();
  const base = "/sys/fs/cgroup";
  if (!fs.existsSync(base)) return [];
  const walk = (dir: string, depth: number): void => {
    if (depth > 4) return;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (!e.isDirectory()) continue;
      const p = path.join(dir, e.name);
      if (e.name === `${CGROUP_PREFIX}${name}` || (name === "*" && e.name.startsWith(CGROUP_PREFIX))) {
        for (const f of ["cgroup.procs", "tasks"]) {
          try {
            for (const l of fs.readFileSync(path.join(p, f), "utf8").split("\n")) if (l.trim()) pids.add(Number(l));
          } catch {
            /* none */
          }
        }
        // nested container cgroups
        for (const sub of fs.readdirSync(p, { withFileTypes: true }).filter((x) => x.isDirectory())) {
          for (const f of ["cgroup.procs", "tasks"]) {
            try {
              for (const l of fs.readFileSync(path.join(p, sub.name, f), "utf8").split("\n"))
                if (l.trim()) pids.add(Number(l));
            } catch {
              /* none */
            }
          }
        }
      } else if (depth < 1) walk(p, depth + 1);
    }
  };
  walk(base, 0);
  return [...pids];
}

function removeCgroups(name: string): void {
  const base = "/sys/fs/cgroup";
  if (!fs.existsSync(base)) return;
  for (const ctrl of fs.readdirSync(base)) {
    const dir = path.join(base, ctrl);
    let entries: string[];
    try {
      entries = fs.readdirSync(dir);
    } catch {
      continue;
    }
    for (const e of entries.filter((x) =>
      name === "*" ? x.startsWith(CGROUP_PREFIX) : x === `${CGROUP_PREFIX}${name}`,
    )) {
      const p = path.join(dir, e);
      try {
        for (const sub of fs.readdirSync(p, { withFileTypes: true }).filter((x) => x.isDirectory()))
          fs.rmdirSync(path.join(p, sub.name));
        fs.rmdirSync(p);
      } catch {
        /* busy or gone */
      }
    }
  }
}

/** Unmounts every mount point at or below one of `roots` (deepest first, lazily). */
function unmountUnder(roots: string[]): void {
  let mounts: string[];
  try {
    mounts = fs
      .readFileSync("/proc/self/mountinfo", "utf8")
      .split("\n")
      .map((l) => l.split(" ")[4])
      .filter(Boolean);
  } catch {
    return;
  }
  const mine = mounts
    .map((m) => m.replace(/\\040/g, " "))
    .filter((m) => roots.some((r) => m === r || m.startsWith(r + "/")))
    .sort((a, b) => b.length - a.length);
  for (const m of mine) tryRun("umount", ["-l", m]);
}

/** Kills and removes everything of engine `name` ("*": every lab engine). Synchronous, never throws. */
export function cleanupEngineSync(name: string): void {
  const runDir = name === "*" ? RUN_ROOT : path.join(RUN_ROOT, name);
  const dataRoot = name === "*" ? ENGINES_DIR : path.join(ENGINES_DIR, name);
  for (let round = 0; round < 3; round++) {
    const pids = new Set([
      ...processTree(runDir + (name === "*" ? "/" : "/")),
      ...processTree(dataRoot + "/"),
      ...cgroupTasks(name),
    ]);
    pids.delete(process.pid);
    if (pids.size === 0) break;
    for (const p of pids) {
      try {
        process.kill(p, "SIGKILL");
      } catch {
        /* gone */
      }
    }
    tryRun("sleep", ["0.3"]);
  }
  unmountUnder([runDir, dataRoot]);
  removeCgroups(name);
  for (const d of [runDir, dataRoot]) {
    try {
      fs.rmSync(d, { recursive: true, force: true });
    } catch (e) {
      log(`cleanup: could not remove ${d}: ${(e as Error).message}`);
    }
  }
  registry.engines.delete(name);
}

/** What a crashed earlier run left: engines, their mounts and roots. */
export function deleteStaleEngines(): void {
  if (fs.existsSync(RUN_ROOT) || fs.existsSync(ENGINES_DIR) || processTree(RUN_ROOT + "/").length) {
    log("deleting what an earlier run of the deploy lab left (engines, mounts, data roots)");
    cleanupEngineSync("*");
  }
}

/**
 * Files dockerd writes outside its roots whatever its flags (Engine 20.10: the libtrust key, the plugin socket
 * folder). Removed at the end when the lab created them, so that no engine trace outside the lab remains.
 */
const OUTSIDE = ["/etc/docker/key.json", "/run/docker/plugins", "/run/docker"];
const preexisting = new Set(OUTSIDE.filter((f) => fs.existsSync(f)));

function removeOutsideTraces(): void {
  for (const f of OUTSIDE) {
    if (preexisting.has(f) || !fs.existsSync(f)) continue;
    try {
      const st = fs.statSync(f);
      if (st.isDirectory())
        fs.rmdirSync(f); // only when empty
      else fs.rmSync(f);
    } catch {
      /* not empty: another engine's */
    }
  }
  for (const d of [RUN_ROOT, ENGINES_DIR]) {
    try {
      fs.rmdirSync(d);
    } catch {
      /* not empty or gone */
    }
  }
}

registry.beforeNamespaces.push(() => {
  for (const name of [...registry.engines]) cleanupEngineSync(name);
  if (registry.enginesStarted) removeOutsideTraces();
});

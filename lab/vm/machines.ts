// A VM of the lab: the Debian root (shared, read-only lower layer) under an overlay of its own, booted by
// `systemd-nspawn --boot` inside its host's network namespace, with the stack's user-data in cloud-init's NoCloud seed.
// Its processes are visible from the host (another pid namespace, same kernel): the lab finds a unit's JVM through its
// cgroup and the machine's process tree, and runs systemctl inside with nsenter.
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { registry } from "../hosts";
import { WORK_DIR, log, run, sleep, tryRun } from "../util";

export const VM_WORK = path.join(WORK_DIR, "vm");
/** Machine names (systemd-nspawn -M) and everything else of the VM lab start with the labs' prefix. */
export const MACHINE_PREFIX = "rmqlab-vm-";
const CLK_TCK = 100;
/**
 * The cgroup hierarchy systemd-nspawn takes its own cgroup from (cgroup v2, or v2 beside v1 as here: "unified"), and
 * every hierarchy where it makes the machine's `payload` and its own `supervisor` below that cgroup (on v1, also the
 * named hierarchy "systemd", the machines' systemd's).
 */
function cgroupRoots(): { own: string; all: string[] } {
  if (fs.existsSync("/sys/fs/cgroup/cgroup.controllers")) return { own: "/sys/fs/cgroup", all: ["/sys/fs/cgroup"] };
  const all = ["/sys/fs/cgroup/unified", "/sys/fs/cgroup/systemd"].filter((d) => fs.existsSync(d));
  return { own: all[0] ?? "/sys/fs/cgroup/systemd", all };
}

/**
 * A command line that runs `args` from a cgroup of its own, `name` (made now): with --keep-unit, systemd-nspawn puts
 * the machine under its own cgroup (`<cgroup>/payload`), and machines started from one cgroup would share one.
 */
export function inOwnCgroup(name: string, args: string[]): string[] {
  const dir = path.join(cgroupRoots().own, name);
  fs.mkdirSync(dir, { recursive: true });
  return ["sh", "-c", 'echo $$ > "$0/cgroup.procs" && exec "$@"', dir, ...args];
}

/** Removes the cgroup `name` from every hierarchy once its processes are gone. */
export function removeCgroup(name: string): void {
  for (const root of cgroupRoots().all) removeCgroupTree(path.join(root, name));
}

function readFile(p: string): string | undefined {
  try {
    return fs.readFileSync(p, "utf8");
  } catch {
    return undefined;
  }
}

/** Every live pid with its parent and name, from /proc. */
function processTable(): { pid: number; ppid: number; name: string }[] {
  const out: { pid: number; ppid: number; name: string }[] = [];
  for (const e of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(e)) continue;
    const s = readFile(`/proc/${e}/status`);
    if (!s) continue;
    out.push({
      pid: Number(e),
      ppid: Number(/^PPid:\s+(\d+)/m.exec(s)?.[1] ?? 0),
      name: /^Name:\s+(.*)$/m.exec(s)?.[1] ?? "",
    });
  }
  return out;
}

/** When a process started, in ms since the epoch (from /proc/<pid>/stat and the boot time). */
export function processStartedAt(pid: number): number | undefined {
  const stat = readFile(`/proc/${pid}/stat`);
  const btime = Number(/^btime (\d+)$/m.exec(readFile("/proc/stat") ?? "")?.[1]);
  if (!stat || !btime) return undefined;
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return btime * 1000 + (Number(fields[19]) / CLK_TCK) * 1000;
}

/** Machines booted and not yet destroyed. */
const live = new Set<Machine>();

/** Destroys every machine still up (the lab's exit path, before the root under their overlays goes). */
export function destroyAllMachines(): void {
  for (const m of [...live]) m.destroySync();
}

export class Machine {
  readonly dir: string;
  readonly merged: string;
  readonly logFile: string;
  readonly machineName: string;
  nspawnPid?: number;
  leader?: number;
  spawnedAt = 0;
  private mounted = false;

  /** name: the VM's id in the stack (vm28); lower: the unpacked Debian root; netns: its host's namespace. */
  constructor(
    readonly name: string,
    readonly address: string,
    readonly netns: string,
    readonly lower: string,
  ) {
    this.machineName = `${MACHINE_PREFIX}${name}`.replace(/[^A-Za-z0-9-]/g, "-");
    this.dir = path.join(VM_WORK, "machines", name);
    this.merged = path.join(this.dir, "merged");
    this.logFile = path.join(VM_WORK, "logs", `${name}-console.log`);
  }

  /** A path of the machine's file system, as the host sees it through the overlay. */
  path(p: string): string {
    return path.join(this.merged, p);
  }

  /**
   * Mounts the machine's root (an overlay on the shared root), writes the NoCloud seed and boots it. `disk`: a folder
   * kept from a machine this one replaces (see replace), put back at its place in the new root before it boots.
   */
  boot(userData: string, disk?: { from: string; at: string }): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
    for (const d of ["upper", "work", "merged"]) fs.mkdirSync(path.join(this.dir, d), { recursive: true });
    if (disk && fs.existsSync(disk.from)) {
      const to = path.join(this.dir, "upper", disk.at);
      fs.mkdirSync(path.dirname(to), { recursive: true });
      fs.renameSync(disk.from, to);
    }
    fs.mkdirSync(path.dirname(this.logFile), { recursive: true });
    live.add(this);
    run("mount", [
      "-t",
      "overlay",
      "overlay",
      "-o",
      `lowerdir=${this.lower},upperdir=${path.join(this.dir, "upper")},workdir=${path.join(this.dir, "work")}`,
      this.merged,
    ]);
    this.mounted = true;
    // cloud-init's NoCloud datasource reads its seed from this folder (the datasource_list of the root names only NoCloud).
    const seed = this.path("var/lib/cloud/seed/nocloud");
    fs.mkdirSync(seed, { recursive: true });
    // Root's only, as a cloud's metadata service hands it to the VM alone: the document may carry secrets (an ACL file).
    fs.writeFileSync(path.join(seed, "user-data"), userData, { mode: 0o600 });
    fs.writeFileSync(path.join(seed, "meta-data"), `instance-id: ${this.machineName}\nlocal-hostname: ${this.name}\n`);
    const out = fs.openSync(this.logFile, "w");
    this.spawnedAt = Date.now();
    // --register=no --keep-unit: no systemd on the lab's host to register with ("Failed to open system bus" otherwise).
    const nspawn = [
      "systemd-nspawn",
      "--quiet",
      "--boot",
      "-D",
      this.merged,
      `--network-namespace-path=/var/run/netns/${this.netns}`,
      "--register=no",
      "--keep-unit",
      "-M",
      this.machineName,
      "--console=read-only",
    ];
    const [cmd, ...args] = inOwnCgroup(this.machineName, nspawn);
    const child = spawn(cmd, args, { stdio: ["ignore", out, out], detached: true });
    fs.closeSync(out);
    this.nspawnPid = child.pid;
    if (child.pid) registry.pgids.add(child.pid);
    child.unref();
    log(`${this.name}: systemd-nspawn --boot (pid ${child.pid}) in ${this.netns}, root ${this.merged}`);
  }

  get running(): boolean {
    return this.nspawnPid !== undefined && fs.existsSync(`/proc/${this.nspawnPid}`);
  }

  /** The machine's PID 1 (systemd: PID 1 of its own pid namespace), a descendant of systemd-nspawn. */
  leaderPid(): number | undefined {
    if (this.leader && fs.existsSync(`/proc/${this.leader}`)) return this.leader;
    if (!this.nspawnPid) return undefined;
    const table = processTable();
    const parent = new Map(table.map((p) => [p.pid, p.ppid]));
    const under = (pid: number): boolean => {
      for (let p: number | undefined = parent.get(pid), n = 0; p && n < 8; p = parent.get(p), n++)
        if (p === this.nspawnPid) return true;
      return false;
    };
    this.leader = table.find(
      (p) =>
        p.name === "systemd" && under(p.pid) && /^NSpid:\s+\d+\s+1$/m.test(readFile(`/proc/${p.pid}/status`) ?? ""),
    )?.pid;
    return this.leader;
  }

  /** Runs a command inside the machine (its mount, UTS, IPC, network and pid namespaces). */
  exec(args: string[], timeoutMs = 20_000): string {
    const pid = this.leaderPid();
    if (!pid) throw new Error(`${this.name}: not running`);
    return run("nsenter", ["-t", String(pid), "-m", "-u", "-i", "-n", "-p", "--", ...args], { timeoutMs });
  }

  /** Like exec, answering the output and the exit code without throwing. */
  execStatus(args: string[], timeoutMs = 20_000): { code: number; out: string } {
    try {
      return { code: 0, out: this.exec(args, timeoutMs) };
    } catch (e) {
      const m = / exited (\d+): ([\s\S]*)$/.exec((e as Error).message);
      return { code: m ? Number(m[1]) : -1, out: m ? m[2] : (e as Error).message };
    }
  }

  /** `systemctl show` properties of a unit. */
  unitProps(unit: string, props: string[]): Record<string, string> {
    const out: Record<string, string> = {};
    for (const line of this.exec(["systemctl", "show", "-p", props.join(","), unit]).split("\n")) {
      const i = line.indexOf("=");
      if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
    }
    return out;
  }

  /** Host pids of the machine's processes in the cgroup of `unit` whose name is `name`. */
  unitPids(unit: string, name = "java"): number[] {
    const leader = this.leaderPid();
    if (!leader) return [];
    const table = processTable();
    const parent = new Map(table.map((p) => [p.pid, p.ppid]));
    const inMachine = (pid: number): boolean => {
      for (let p: number | undefined = pid, n = 0; p && n < 64; p = parent.get(p), n++) if (p === leader) return true;
      return false;
    };
    return table
      .filter((p) => p.name === name && inMachine(p.pid))
      .filter((p) => (readFile(`/proc/${p.pid}/cgroup`) ?? "").split("\n").some((l) => l.endsWith(`/${unit}`)))
      .map((p) => p.pid);
  }

  /** Waits (bounded) until cloud-init has run every stage: answers its result (/var/lib/cloud/data/result.json). */
  async waitCloudInit(timeoutMs: number): Promise<{ tookMs: number; result: any }> {
    const deadline = Date.now() + timeoutMs;
    // Not through /var/lib/cloud/instance: an absolute symlink, which the host would resolve in its own root.
    const finished = this.path(`var/lib/cloud/instances/${this.machineName}/boot-finished`);
    while (Date.now() < deadline) {
      if (!this.running)
        throw new Error(
          `${this.name}: systemd-nspawn exited while booting:\n${(readFile(this.logFile) ?? "").slice(-3000)}`,
        );
      // boot-finished comes first, result.json right after it (both at the end of the final stage).
      if (fs.existsSync(finished)) {
        try {
          const result = JSON.parse(readFile(this.path("var/lib/cloud/data/result.json")) ?? "");
          if (result?.v1) return { tookMs: Date.now() - this.spawnedAt, result };
        } catch {
          /* not written yet */
        }
      }
      await sleep(250);
    }
    throw new Error(
      `${this.name}: cloud-init not finished after ${timeoutMs} ms:\n${(readFile(this.logFile) ?? "").slice(-3000)}`,
    );
  }

  /**
   * The machine replaced by a new one with `userData`, as a cloud replaces an instance whose user-data changed and
   * attaches its data disk to the new one: systemd's poweroff (its units stop as they would on shutdown; SIGKILL after
   * `timeoutMs`), the folder `disk` (the stores' root) kept, the root discarded, a new root with that folder booted.
   * Answers how long the old machine took to stop and whether it stopped by itself.
   */
  async replace(userData: string, disk: string, timeoutMs = 90_000): Promise<{ stopMs: number; clean: boolean }> {
    const t = Date.now();
    const leader = this.leaderPid();
    // SIGRTMIN+4 (38 on Linux) to systemd as PID 1: start poweroff.target.
    if (leader) process.kill(leader, 38);
    while (this.running && Date.now() - t < timeoutMs) await sleep(250);
    const clean = !this.running;
    const stopMs = Date.now() - t;
    const kept = `${this.dir}.disk`;
    fs.rmSync(kept, { recursive: true, force: true });
    this.destroySync(() => {
      const from = path.join(this.dir, "upper", disk);
      if (fs.existsSync(from)) fs.renameSync(from, kept);
    });
    this.boot(userData, { from: kept, at: disk });
    return { stopMs, clean };
  }

  /**
   * Stops the machine (SIGKILL of its PID 1 ends every process of its pid namespace), unmounts and removes its root;
   * `beforeRemove` runs once it is unmounted (what to keep of it).
   */
  destroySync(beforeRemove?: () => void): void {
    const leader = this.leaderPid();
    for (const pid of [leader, this.nspawnPid]) {
      if (!pid) continue;
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        /* gone */
      }
    }
    live.delete(this);
    if (this.nspawnPid) registry.pgids.delete(this.nspawnPid);
    this.nspawnPid = undefined;
    this.leader = undefined;
    if (this.mounted) {
      for (let i = 0; i < 20 && !tryRun("umount", [this.merged]); i++) {
        const t = Date.now() + 100;
        while (Date.now() < t) {
          /* wait for the machine's processes to go */
        }
      }
      if (isMounted(this.merged)) tryRun("umount", ["-l", this.merged]);
      this.mounted = false;
    }
    if (!isMounted(this.merged)) {
      beforeRemove?.();
      fs.rmSync(this.dir, { recursive: true, force: true });
    }
    removeCgroup(this.machineName);
  }
}

/** Removes a cgroup tree once its processes are gone (bounded wait: a killed process leaves its cgroup shortly after). */
function removeCgroupTree(dir: string): void {
  if (!fs.existsSync(dir)) return;
  const deadline = Date.now() + 5000;
  for (;;) {
    const dirs = run("find", [dir, "-depth", "-type", "d"], { timeoutMs: 10_000 }).split("\n").filter(Boolean);
    for (const d of dirs) {
      try {
        fs.rmdirSync(d);
      } catch {
        /* still busy */
      }
    }
    if (!fs.existsSync(dir) || Date.now() > deadline) return;
    const t = Date.now() + 100;
    while (Date.now() < t) {
      /* wait */
    }
  }
}

/** Cgroups left by a crashed run's machines. */
export function removeStaleCgroups(): string[] {
  const stale = [
    ...new Set(cgroupRoots().all.flatMap((root) => fs.readdirSync(root).filter((d) => d.startsWith(MACHINE_PREFIX)))),
  ];
  for (const d of stale) removeCgroup(d);
  return stale;
}

function isMounted(dir: string): boolean {
  return (readFile("/proc/mounts") ?? "").split("\n").some((l) => l.split(" ")[1] === dir);
}

/** Mounts left under the VM lab's folder by a crashed run (their machines were killed with their namespaces). */
export function unmountStale(): string[] {
  const stale = (readFile("/proc/mounts") ?? "")
    .split("\n")
    .map((l) => l.split(" ")[1])
    .filter((m) => m && m.startsWith(VM_WORK + "/"));
  for (const m of stale.sort().reverse()) if (!tryRun("umount", [m])) tryRun("umount", ["-l", m]);
  return stale;
}

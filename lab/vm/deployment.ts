// A stack booted on the lab's VMs, seen by the shared checks (../scenarios.ts): every systemd unit that runs a
// RocketMQ server is a LabProc whose JVM the lab can SIGKILL from the host; systemd's Restart=on-failure brings it back.
import * as fs from "fs";
import { Deployment } from "../deployment";
import { LabProc, mapCommand } from "../procs";
import { Container, Stack } from "../stack";
import { log, rssMiB, sleep, waitFor } from "../util";
import { Machine, processStartedAt } from "./machines";

const LOG_OF: Record<string, string> = {
  mqnamesrv: "namesrv",
  mqbroker: "broker",
  mqcontroller: "controller",
  mqproxy: "proxy",
};

export class UnitProc implements LabProc {
  readonly script: string;
  readonly unit: string;
  starts = 0;
  /** NRestarts of the unit when the lab last killed its JVM. */
  restartsAtKill = -1;
  killedPid?: number;
  private lastStart = 0;

  constructor(
    readonly c: Container,
    readonly machine: Machine,
  ) {
    this.script = mapCommand(c.command).script;
    this.unit = c.id;
  }

  javaPid(): number | undefined {
    return this.machine.unitPids(this.unit)[0];
  }

  get alive(): boolean {
    if (!this.machine.running) return false;
    try {
      const s = this.machine.unitProps(this.unit, ["ActiveState"]).ActiveState;
      return s === "active" || s === "activating" || s === "reloading";
    } catch {
      return false;
    }
  }

  get exit(): { code: number | null; signal: string | null } | undefined {
    try {
      const p = this.machine.unitProps(this.unit, ["ActiveState", "ExecMainStatus", "ExecMainCode"]);
      return p.ActiveState === "active" ? undefined : { code: Number(p.ExecMainStatus), signal: null };
    } catch {
      return undefined;
    }
  }

  get startedAt(): number {
    if (this.lastStart) return this.lastStart;
    const pid = this.javaPid();
    return (pid && processStartedAt(pid)) || Date.now();
  }

  /** The machine started the unit at boot (cloud-init); the checks only take note of the JVM's start. */
  start(): void {
    this.starts++;
    const pid = this.javaPid();
    this.lastStart = (pid && processStartedAt(pid)) || Date.now();
  }

  async kill9(timeoutMs = 10_000): Promise<void> {
    const pid = this.javaPid();
    if (!pid) throw new Error(`${this.c.name}: no java process in ${this.unit} on ${this.machine.name}`);
    this.restartsAtKill = Number(this.machine.unitProps(this.unit, ["NRestarts"]).NRestarts);
    this.killedPid = pid;
    process.kill(pid, "SIGKILL");
    const deadline = Date.now() + timeoutMs;
    while (fs.existsSync(`/proc/${pid}`) && Date.now() < deadline) await sleep(25);
    if (fs.existsSync(`/proc/${pid}`))
      throw new Error(`${this.c.name}: java (pid ${pid}) still alive ${timeoutMs} ms after SIGKILL`);
  }

  rss(): number | undefined {
    const pid = this.javaPid();
    return pid ? rssMiB(pid) : undefined;
  }

  outputText(): string {
    return this.machine.execStatus(["journalctl", "--no-pager", "-u", this.unit]).out;
  }

  tails(lines = 25): string {
    const logFile = this.machine.path(
      `var/log/rocketmq/${this.c.name}/logs/rocketmqlogs/${LOG_OF[this.script] ?? "broker"}.log`,
    );
    let logTail: string;
    try {
      logTail = fs.readFileSync(logFile, "utf8").split("\n").slice(-lines).join("\n");
    } catch (e) {
      logTail = `(no log: ${(e as Error).message})`;
    }
    const journal = this.machine.execStatus(["journalctl", "--no-pager", "-n", String(lines), "-u", this.unit]).out;
    return `--- journalctl -u ${this.unit} (${this.machine.name})\n${journal}\n--- ${logFile}\n${logTail}`;
  }
}

export class VmDeployment extends Deployment {
  readonly namesrvAddrs: string[];

  constructor(
    stack: Stack,
    dir: string,
    machines: Map<string, Machine>,
    namesrvAddr: string,
    readonly clientNs: string,
  ) {
    super(stack, dir);
    // every JVM of the stack starts as its machine boots: several at once on 2 cores
    this.startupScale = Number(process.env.ROCKETMQ_VM_STARTUP_SCALE ?? 3);
    fs.mkdirSync(dir, { recursive: true });
    for (const c of stack.containers) {
      const m = machines.get(c.host);
      if (!m) throw new Error(`${c.name}: no machine for host ${c.host}`);
      this.procs.push(new UnitProc(c, m));
    }
    this.namesrvAddrs = this.namesrvAddrsPrinted(namesrvAddr);
  }

  /** systemd restarts the unit when its JVM dies (Restart=on-failure, RestartSec=5s): wait for that, bounded. */
  async restartAfterKill(p: LabProc): Promise<string> {
    const u = p as UnitProc;
    const r = await waitFor(`systemd to restart ${u.unit} on ${u.machine.name}`, 60_000, 200, () => {
      const props = u.machine.unitProps(u.unit, ["NRestarts", "ActiveState"]);
      const pid = u.javaPid();
      return Number(props.NRestarts) > u.restartsAtKill && props.ActiveState === "active" && pid && pid !== u.killedPid
        ? { n: Number(props.NRestarts), pid }
        : undefined;
    });
    u.start();
    log(`${u.unit}: running again (java pid ${u.killedPid} -> ${r.pid}), NRestarts ${u.restartsAtKill} -> ${r.n}`);
    return `systemd restarted ${u.unit} (Restart=on-failure): NRestarts ${u.restartsAtKill} -> ${r.n}`;
  }

  destroy(): Promise<void> {
    this.client?.stop();
    return Promise.resolve();
  }
}

// A stack that OpenTofu applied to the lab's Docker engines, seen by the shared checks (../scenarios.ts): every
// RocketMQ container is a LabProc whose JVM the lab can SIGKILL from outside; Docker's restart policy brings it back.
import * as fs from "fs";
import * as os from "os";
import { Deployment } from "../deployment";
import { LabProc, mapCommand } from "../procs";
import { Container, Stack } from "../stack";
import { log, rssMiB, sleep, waitFor } from "../util";
import { Engine } from "./engines";

interface State {
  running: boolean;
  restarting: boolean;
  exitCode: number;
  startedAt: string;
  restartCount: number;
  pid: number;
  status: string;
}

export class ContainerProc implements LabProc {
  readonly script: string;
  starts = 0;
  /** RestartCount when the lab last killed the JVM. */
  restartCountAtKill = -1;
  private lastStart = 0;

  constructor(
    readonly c: Container,
    readonly engine: Engine,
  ) {
    this.script = mapCommand(c.command).script;
  }

  state(): State {
    const out = this.engine
      .docker(["inspect", "--format", '{{json .State}}{{"\\n"}}{{.RestartCount}}', this.c.name], 20_000)
      .trim()
      .split("\n");
    const s = JSON.parse(out[0]);
    return {
      running: s.Running,
      restarting: s.Restarting,
      exitCode: s.ExitCode,
      startedAt: s.StartedAt,
      restartCount: Number(out[1]),
      pid: s.Pid,
      status: s.Status,
    };
  }

  get alive(): boolean {
    try {
      const s = this.state();
      return s.running || s.restarting;
    } catch {
      return false;
    }
  }

  get exit(): { code: number | null; signal: string | null } | undefined {
    try {
      const s = this.state();
      return s.running ? undefined : { code: s.exitCode, signal: null };
    } catch {
      return undefined;
    }
  }

  get startedAt(): number {
    return this.lastStart || Date.parse(this.state().startedAt);
  }

  /** OpenTofu started the container; the checks only take note of the time. */
  start(): void {
    this.starts++;
    try {
      this.lastStart = Date.parse(this.state().startedAt);
    } catch {
      this.lastStart = Date.now();
    }
  }

  /** Host pid of the RocketMQ JVM (a grandchild of the container's sh, as in the official image). */
  javaPid(): number | undefined {
    const rows = this.engine.docker(["top", this.c.name, "-eo", "pid,comm"], 20_000).trim().split("\n").slice(1);
    for (const r of rows) {
      const [pid, comm] = r.trim().split(/\s+/);
      if (comm === "java") return Number(pid);
    }
    return undefined;
  }

  /** Users of every process of the container (uid), for "nothing runs as root". */
  processUsers(): { uid: string; comm: string }[] {
    return this.engine
      .docker(["top", this.c.name, "-eo", "pid,uid,comm"], 20_000)
      .trim()
      .split("\n")
      .slice(1)
      .map((r) => r.trim().split(/\s+/))
      .map(([, uid, comm]) => ({ uid, comm }));
  }

  async kill9(timeoutMs = 10_000): Promise<void> {
    const pid = this.javaPid();
    if (!pid) throw new Error(`${this.c.name}: no java process to kill`);
    this.restartCountAtKill = this.state().restartCount;
    process.kill(pid, "SIGKILL");
    const deadline = Date.now() + timeoutMs;
    while (fs.existsSync(`/proc/${pid}`) && Date.now() < deadline) await sleep(25);
    if (fs.existsSync(`/proc/${pid}`))
      throw new Error(`${this.c.name}: java (pid ${pid}) still alive ${timeoutMs} ms after SIGKILL`);
  }

  rss(): number | undefined {
    try {
      const pid = this.javaPid();
      return pid ? rssMiB(pid) : undefined;
    } catch {
      return undefined;
    }
  }

  outputText(): string {
    try {
      return this.engine.docker(["logs", this.c.name], 20_000);
    } catch (e) {
      return (e as Error).message;
    }
  }

  tails(lines = 25): string {
    const role =
      { mqnamesrv: "namesrv", mqbroker: "broker", mqcontroller: "controller", mqproxy: "proxy" }[this.script] ??
      "broker";
    let logTail: string;
    try {
      logTail = this.engine.docker(
        ["exec", this.c.name, "tail", "-n", String(lines), `/home/rocketmq/logs/rocketmqlogs/${role}.log`],
        20_000,
      );
    } catch (e) {
      logTail = `(no log: ${(e as Error).message.slice(0, 200)})`;
    }
    let out: string;
    try {
      out = this.engine.docker(["logs", "--tail", String(lines), this.c.name], 20_000);
    } catch (e) {
      out = (e as Error).message;
    }
    return `--- docker logs ${this.c.name}\n${out}\n--- ${role}.log\n${logTail}`;
  }
}

export class DockerDeployment extends Deployment {
  readonly namesrvAddrs: string[];
  /** Docker's restart policy (unless-stopped) restarts a container whose JVM died. */
  override readonly restartsOnItsOwn = true;

  /** namesrvAddr: what the stack printed (its output); clientNs: a machine of its own, or the dev machine itself. */
  constructor(
    stack: Stack,
    dir: string,
    engines: Map<string, Engine>,
    namesrvAddr: string,
    readonly clientNs: string,
  ) {
    super(stack, dir);
    // every container of the stack starts within one apply: several JVMs (with AlwaysPreTouch) at once
    this.startupScale = Number(process.env.ROCKETMQ_DEPLOY_STARTUP_SCALE ?? 3);
    fs.mkdirSync(dir, { recursive: true });
    for (const c of stack.containers) {
      const engine = engines.get(c.host);
      if (!engine) throw new Error(`${c.name}: no engine for host ${c.host}`);
      this.procs.push(new ContainerProc(c, engine));
    }
    this.namesrvAddrs = this.namesrvAddrsPrinted(namesrvAddr);
  }

  /** A CPU limit on the container (docker update, no restart): its JVM then takes tens of seconds to start. */
  slowRestart(p: LabProc): Promise<{ how: string; restore: () => Promise<void> }> {
    const cp = p as ContainerProc;
    cp.engine.docker(["update", "--cpus", "0.05", cp.c.name]);
    // Back to every CPU of the machine (`--cpus 0` does not lift a limit on Engine 20.10).
    const all = String(os.cpus().length);
    return Promise.resolve({
      how: `docker update --cpus 0.05 ${cp.c.name}`,
      restore: () => {
        cp.engine.docker(["update", "--cpus", all, cp.c.name]);
        return Promise.resolve();
      },
    });
  }

  /** Docker's restart policy (unless-stopped) restarts the container when its JVM dies: wait for that, bounded. */
  async restartAfterKill(p: LabProc): Promise<string> {
    const cp = p as ContainerProc;
    const s = await waitFor(`Docker to restart ${cp.c.name}`, 60_000, 100, () => {
      const st = cp.state();
      return st.running && !st.restarting && st.restartCount > cp.restartCountAtKill && cp.javaPid() ? st : undefined;
    });
    cp.start();
    log(`${cp.c.name}: running again, RestartCount ${cp.restartCountAtKill} -> ${s.restartCount}`);
    return `Docker's restart policy restarted the container: RestartCount ${cp.restartCountAtKill} -> ${s.restartCount}, running since ${s.startedAt}`;
  }

  destroy(): Promise<void> {
    this.client?.stop();
    return Promise.resolve();
  }
}

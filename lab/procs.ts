// The RocketMQ servers of a deployment. What every lab shares: LabProc (one server, whatever runs it) and mapCommand
// (a container's command -> its role and main class). The process lab's own: each container of the synthesized
// output as a plain java process inside its host's network namespace and a mount namespace of its own: a tmpfs over
// /home, the uploaded files bind-mounted at exactly the paths the container uses, the host's volume folders
// bind-mounted at the volumes' container paths, and the image's ROCKETMQ_HOME (/home/rocketmq/rocketmq-<version>) made
// inside that tmpfs with the lab's logback files in its conf/, so that a server resolves every path relative to
// rocketmq.home.dir (ACL 1.0's rocketmq.acl.plain.file=../conf/plain_acl.yml) exactly as in the image. The JVM gets the
// container's JAVA_OPT_EXT as it is (TLS: -Dtls.server.mode, -Dtls.enable, -Dtls.config.file), nothing of the lab's
// own about TLS: a stack without a tls prop runs in RocketMQ's default mode, as in the image.
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { registry } from "./hosts";
import { JAVA17_FLAGS, Jars } from "./jars";
import { Container, Volume } from "./stack";
import { LAB_DIR, rssMiB, sleep, tail } from "./util";

/** The lab's logback files (one per role: RocketMQ's log into -Drmqlab.log), copied into every server's home. */
const LAB_CONF = path.join(LAB_DIR, "rocketmq-home", "conf");

/** ROCKETMQ_HOME of the official image (and of the deploy lab's): the servers resolve rocketmq.home.dir paths there. */
export function imageRocketmqHome(version: string): string {
  return `/home/rocketmq/rocketmq-${version}`;
}

/** One RocketMQ server of a deployment: a java process (process lab) or a container (deploy lab). */
export interface LabProc {
  readonly c: Container;
  /** mqnamesrv, mqbroker, mqcontroller or mqproxy. */
  readonly script: string;
  readonly alive: boolean;
  readonly exit?: { code: number | null; signal: string | null };
  readonly starts: number;
  readonly startedAt: number;
  /** Starts the server (process lab); in the deploy lab OpenTofu started it and this only takes note. */
  start(): void;
  /** SIGKILL of the server's JVM, and a bounded wait until it is gone. */
  kill9(timeoutMs?: number): Promise<void>;
  rss(): number | undefined;
  tails(lines?: number): string;
  outputText(): string;
}

const MAIN_CLASS: Record<string, { cls: string; logback: string }> = {
  mqnamesrv: { cls: "org.apache.rocketmq.namesrv.NamesrvStartup", logback: "namesrv" },
  mqbroker: { cls: "org.apache.rocketmq.broker.BrokerStartup", logback: "broker" },
  mqcontroller: { cls: "org.apache.rocketmq.controller.ControllerStartup", logback: "controller" },
  mqproxy: { cls: "org.apache.rocketmq.proxy.ProxyStartup", logback: "proxy" },
};
const ENTRYPOINT_ROLE: Record<string, string> = {
  nameserver: "mqnamesrv",
  broker: "mqbroker",
  controller: "mqcontroller",
};

/** ["sh","mqbroker","-c",file] -> BrokerStartup with ["-c", file] (also "./mqbroker", ".../bin/mqbroker", entrypoint "broker"). */
export function mapCommand(cmd: string[]): {
  script: string;
  mainClass: string;
  logback: string;
  args: string[];
  /** What the container's shell does before the server (`rm -rf -- <paths>` of a plan's resetBeforeStart). */
  before?: string;
} {
  // ["sh", "-c", "rm -rf -- '<path>' ... && exec \"$0\" \"$@\"", "sh", "mqbroker", ...]: the removal, then the command.
  const reset = /^(rm -rf -- (?:'[^']*' ?)+) && exec "\$0" "\$@"$/.exec(cmd[2] ?? "");
  if (cmd[0] === "sh" && cmd[1] === "-c" && reset) return { ...mapCommand(cmd.slice(3)), before: reset[1].trim() };
  for (let i = 0; i < cmd.length; i++) {
    const base = path.posix.basename(cmd[i]);
    const script = MAIN_CLASS[base] ? base : i === 0 ? ENTRYPOINT_ROLE[cmd[i]] : undefined;
    if (script)
      return { script, mainClass: MAIN_CLASS[script].cls, logback: MAIN_CLASS[script].logback, args: cmd.slice(i + 1) };
  }
  throw new Error(`command ${JSON.stringify(cmd)} runs none of mqnamesrv, mqbroker, mqcontroller, mqproxy`);
}

function q(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function underHome(p: string, what: string): void {
  const n = path.posix.normalize(p);
  if (!path.posix.isAbsolute(n) || !(n === "/home" || n.startsWith("/home/"))) {
    throw new Error(
      `${what} ${p} is not under /home: the lab only mounts over /home (the image's home is /home/rocketmq)`,
    );
  }
}

export interface ProcOpts {
  jars: Jars;
  hostNs: string;
  hostDir: string; // lab/.work/<exp>/hosts/<address>
  /**
   * rocketmq.home.dir as a folder of this machine, used as it is (lab/acl-probe.ts). Default: the image's
   * ROCKETMQ_HOME inside the server's /home tmpfs, with the lab's logback files copied into its conf/.
   */
  rocketmqHome?: string;
}

export class Proc implements LabProc {
  child?: ChildProcess;
  pid = 0;
  exit?: { code: number | null; signal: string | null; at: number };
  startedAt = 0;
  readonly dir: string;
  readonly out: string; // stdout+stderr of the JVM
  readonly rmqLog: string; // RocketMQ's own log (lab logback)
  readonly mapped: ReturnType<typeof mapCommand>;
  starts = 0;

  constructor(
    readonly c: Container,
    readonly opts: ProcOpts,
  ) {
    this.mapped = mapCommand(c.command);
    this.dir = path.join(opts.hostDir, "containers", c.name);
    this.out = path.join(this.dir, "process.log");
    this.rmqLog = path.join(this.dir, "rocketmq.log");
  }

  get script(): string {
    return this.mapped.script;
  }

  get alive(): boolean {
    return this.child !== undefined && this.exit === undefined;
  }

  /** The shell script run inside the namespaces (mounts, then exec java). */
  shellScript(): string {
    const c = this.c;
    const jopt = c.env.JAVA_OPT_EXT;
    if (jopt === undefined)
      throw new Error(`${c.name}: env JAVA_OPT_EXT missing - the lab runs the JVM with the library's options only`);
    const filesDir = path.join(this.dir, "files");
    fs.mkdirSync(filesDir, { recursive: true });
    const mounts: { target: string; source: string; kind: "dir" | "file" }[] = [];
    for (const { target, source } of this.storeMounts()) {
      fs.mkdirSync(source, { recursive: true });
      mounts.push({ target, source, kind: "dir" });
    }
    c.uploads.forEach((u, i) => {
      underHome(u.file, `${c.name}: uploaded file`);
      const source = path.join(filesDir, `${i}-${path.posix.basename(u.file)}`);
      fs.writeFileSync(source, u.content);
      mounts.push({ target: u.file, source, kind: "file" });
    });
    // Parents before children (a file uploaded into a volume's folder lands on top of it).
    mounts.sort((a, b) => a.target.split("/").length - b.target.split("/").length);
    const lines = ["set -e", "mount -t tmpfs -o mode=755 lab-home /home", "mkdir -p /home/rocketmq"];
    const home = this.opts.rocketmqHome ?? imageRocketmqHome(c.version);
    if (!this.opts.rocketmqHome) {
      // Before the uploads and volumes: a file uploaded into the home's conf/ lands on top of the lab's copies.
      lines.push(`mkdir -p ${q(`${home}/conf`)}`, `cp ${q(LAB_CONF)}/logback_*.xml ${q(`${home}/conf/`)}`);
    }
    for (const m of mounts) {
      if (m.kind === "dir") lines.push(`mkdir -p ${q(m.target)}`);
      else lines.push(`mkdir -p ${q(path.posix.dirname(m.target))}`, `[ -e ${q(m.target)} ] || : > ${q(m.target)}`);
      lines.push(`mount --bind ${q(m.source)} ${q(m.target)}`);
    }
    // 4.x servers read <rocketmq.home.dir>/conf/logback_<role>.xml; 5.x the file rmq.logback.configurationFile names.
    const logback = `${home}/conf/logback_${this.mapped.logback}.xml`;
    const jvm = [
      ...jopt.split(/\s+/).filter(Boolean),
      ...JAVA17_FLAGS,
      "-Duser.home=/home/rocketmq",
      `-Drocketmq.home.dir=${home}`,
      `-Drmq.logback.configurationFile=${logback}`,
      `-Drmqlab.log=${this.rmqLog}`,
      "-cp",
      this.opts.jars.classpath,
      this.mapped.mainClass,
      ...this.mapped.args,
    ];
    // As the container does it, inside the mounts: what the plan resets before every start.
    if (this.mapped.before) lines.push(this.mapped.before);
    lines.push("cd /home/rocketmq", `exec java ${jvm.map(q).join(" ")}`);
    return lines.join("\n");
  }

  /** The container's volumes and host directories: where the lab keeps each, and where the server sees it. */
  storeMounts(): { target: string; source: string }[] {
    const c = this.c;
    // An anonymous volume (a read-only root's /tmp, its files' folder) is the container's own writable folder: a
    // fresh folder under /home, and the machine's own /tmp (the JVM's temporary files, as before).
    const anonymous = (v: Volume) => v.volume_name === undefined && v.host_path === undefined;
    return c.volumes
      .filter((v) => !(anonymous(v) && v.container_path === "/tmp"))
      .map((v) => {
        underHome(v.container_path, `${c.name}: volume path`);
        if (anonymous(v))
          return {
            target: v.container_path,
            source: path.join(this.dir, "anonymous", v.container_path.replace(/[^A-Za-z0-9._-]+/g, "_")),
          };
        if (v.volume_name)
          return { target: v.container_path, source: path.join(this.opts.hostDir, "volumes", v.volume_name) };
        if (v.host_path) {
          if (!path.isAbsolute(v.host_path)) throw new Error(`${c.name}: host_path ${v.host_path} is not absolute`);
          return { target: v.container_path, source: path.join(this.opts.hostDir, "host_paths", v.host_path) };
        }
        throw new Error(`${c.name}: volume ${JSON.stringify(v)} has neither volume_name nor host_path`);
      });
  }

  start(): void {
    if (this.alive) throw new Error(`${this.c.name} already running`);
    const script = this.shellScript();
    fs.mkdirSync(this.dir, { recursive: true });
    fs.writeFileSync(path.join(this.dir, "start.sh"), script + "\n");
    const fd = fs.openSync(this.out, "a");
    fs.writeSync(
      fd,
      `\n=== lab: start #${this.starts + 1} of ${this.c.name} at ${new Date().toISOString()} in ${this.opts.hostNs}\n`,
    );
    this.exit = undefined;
    this.startedAt = Date.now();
    const child = spawn(
      "ip",
      ["netns", "exec", this.opts.hostNs, "unshare", "--mount", "--propagation", "private", "--", "sh", "-c", script],
      {
        detached: true, // own process group: kill(-pid) reaches everything
        stdio: ["ignore", fd, fd],
      },
    );
    fs.closeSync(fd);
    this.starts++;
    this.child = child;
    this.pid = child.pid ?? 0;
    if (this.pid) registry.pgids.add(this.pid);
    child.on("exit", (code, signal) => {
      this.exit = { code, signal, at: Date.now() };
      registry.pgids.delete(this.pid);
    });
    child.on("error", (e) => {
      this.exit = { code: -1, signal: String(e), at: Date.now() };
    });
  }

  rss(): number | undefined {
    return this.alive ? rssMiB(this.pid) : undefined;
  }

  /** kill -9 of the process group, and wait (bounded) until it is gone. */
  async kill9(timeoutMs = 10_000): Promise<void> {
    if (!this.alive) return;
    try {
      process.kill(-this.pid, "SIGKILL");
    } catch {
      /* gone */
    }
    const deadline = Date.now() + timeoutMs;
    while (this.alive && Date.now() < deadline) await sleep(25);
    if (this.alive) throw new Error(`${this.c.name} (pid ${this.pid}) still alive ${timeoutMs} ms after SIGKILL`);
  }

  outputText(): string {
    try {
      return fs.readFileSync(this.out, "utf8");
    } catch {
      return "";
    }
  }

  tails(lines = 25): string {
    return `--- ${this.out}\n${tail(this.out, lines)}\n--- ${this.rmqLog}\n${tail(this.rmqLog, lines)}`;
  }
}

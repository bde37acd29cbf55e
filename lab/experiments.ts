// The process lab's experiments: the shared scenarios on java processes in network namespaces, and the traps
// (edited copies of a valid stack that only the process lab can run: RocketMQ's own failures).
import { TerraformStack, Testing } from "cdktf";
import * as fs from "fs";
import * as path from "path";
import { BrokerPair, DockerHost, NameServer, RocketMqCluster } from "../lib";
import { Ctx } from "./checks";
import { Deployment, ProcessDeployment, brokerExpect, registeredId } from "./deployment";
import { LabProc, Proc, imageRocketmqHome } from "./procs";
import {
  controllerMode,
  dledgerGroup,
  plainAclUpload,
  securedDledger,
  securedPair,
  twoMasterTwoSlave,
} from "./scenarios";
import { Container, Stack, configProps, editConfig, pickValues, readStack, stackVariables } from "./stack";
import { WORK_DIR, log, ms, waitFor } from "./util";

export interface ExpEnv {
  ctx: Ctx;
  synthDir: string;
}

export async function withDeployment(
  stack: Stack,
  dirName: string,
  fn: (d: ProcessDeployment) => Promise<void>,
): Promise<void> {
  const d = new ProcessDeployment(stack, path.join(WORK_DIR, "run", dirName));
  try {
    await fn(d);
  } catch (e) {
    // Print what the servers said before the namespaces go away.
    for (const p of d.procs)
      if (p.starts > 0)
        log(
          `log tail of ${p.c.name} (${p.alive ? "alive" : `exited ${p.exit?.code ?? p.exit?.signal}`}):\n${p.tails(15)}`,
        );
    throw e;
  } finally {
    await d.destroy();
  }
}

function onProcesses(
  stackName: string,
  scenario: (ctx: Ctx, d: Deployment) => Promise<void>,
): (env: ExpEnv) => Promise<void> {
  return (env) => {
    // The stack's variables (secrets) get values the lab picks, substituted as Terraform would.
    const values = pickValues(stackVariables(env.synthDir, stackName));
    if (Object.keys(values).length)
      env.ctx.note(
        `${stackName}: the lab's values for the variables ${Object.keys(values).join(", ")} (random, 24 characters each, new every run)`,
      );
    const stack = readStack(env.synthDir, stackName, values);
    // The console is not RocketMQ: it runs in the deploy lab (npm run lab:deploy), which checks what it shows.
    if (stack.dashboards.length)
      env.ctx.note(
        `${stackName}: not run here: ${stack.dashboards.map((c) => c.name).join(", ")} (the deploy lab runs the console)`,
      );
    return withDeployment(stack, stackName, (d) => scenario(env.ctx, d));
  };
}

/** a. seed-2m-2s-sync: 2 masters + 2 slaves with SYNC replication; kill -9 of a master: no failover. */
export const expTwoMasterTwoSlave = onProcesses("seed-2m-2s-sync", twoMasterTwoSlave);
/** b. seed-dledger: one elected master; kill -9 of it: a new master within 15 s; the killed member rejoins as a slave. */
export const expDledger = onProcesses("seed-dledger", dledgerGroup);
/** d. seed-5x-controller: controller-mode failover and the proxy. */
export const expController = onProcesses("seed-5x-controller", controllerMode);

/**
 * e. seed-secured: access control 1.0 (4.9.8) on a SYNC master and its slave, with the lab's values of its secrets;
 * then what RocketMQ's own log made of them (a note: 4.9.7 logs the ACL file at INFO). seed-secured-5x: the same on
 * 5.5.0 with access control 2.0 (the accounts migrated from the same file into each broker's store) and a proxy.
 */
export const expAcl = onProcesses("seed-secured", securedExperiment);
export const expAcl2 = onProcesses("seed-secured-5x", securedExperiment);
/** f. seed-dledger-secured(-5x): a DLedger group with access control 1.0 / 2.0 elects, copies and fails over. */
export const expDledgerAcl = onProcesses("seed-dledger-secured", securedDledger);
export const expDledgerAcl2 = onProcesses("seed-dledger-secured-5x", securedDledger);

async function securedExperiment(ctx: Ctx, d: Deployment): Promise<void> {
  const files = d.byRole("mqbroker").map((p) => ({ p, acl: plainAclUpload(p) }));
  for (const { p, acl } of files)
    ctx.check(
      `acl: ${p.c.name} is given ${acl?.file ?? "no plain_acl.yml"} and finds it through ${p.c.env.JAVA_OPT_EXT?.match(/-Drocketmq\.acl\.plain\.file=\S+/)?.[0] ?? "(no rocketmq.acl.plain.file)"} relative to rocketmq.home.dir ${imageRocketmqHome(p.c.version)}`,
      acl !== undefined &&
        path.posix.resolve(imageRocketmqHome(p.c.version), aclFileProperty(p) ?? "conf/plain_acl.yml") === acl.file,
      (p as Proc).shellScript().includes(`-Drocketmq.home.dir=${imageRocketmqHome(p.c.version)}`)
        ? "the lab runs the server with the image's ROCKETMQ_HOME"
        : "the lab does not run the server with the image's ROCKETMQ_HOME",
    );
  await securedPair(ctx, d);
  const secrets = aclSecrets(d.procs);
  const logs = d.byRole("mqbroker").map((p) => {
    const text = fs.existsSync((p as Proc).rmqLog) ? fs.readFileSync((p as Proc).rmqLog, "utf8") : "";
    return `${p.c.name}: ${secrets.filter((x) => text.includes(x)).length} of ${secrets.length}`;
  });
  ctx.note(`secrets found in RocketMQ's own broker log: ${logs.join("; ")}`);
}

/** The rocketmq.acl.plain.file the server's JAVA_OPT_EXT sets, if any. */
function aclFileProperty(p: LabProc): string | undefined {
  return /-Drocketmq\.acl\.plain\.file=(\S+)/.exec(p.c.env.JAVA_OPT_EXT ?? "")?.[1];
}

/** The secret keys of the deployment's ACL files, as the lab resolved them. */
function aclSecrets(procs: LabProc[]): string[] {
  const keys = procs.flatMap((p) =>
    [...(plainAclUpload(p)?.content ?? "").matchAll(/secretKey: "([^"]+)"/g)].map((m) => m[1]),
  );
  return [...new Set(keys)];
}

function cloneStack(s: Stack, keep: (c: Container) => boolean): Stack {
  const containers = s.containers.filter(keep).map((c) => JSON.parse(JSON.stringify(c)) as Container);
  return { ...s, containers };
}

/** Two brokers of the 2m-2s stack that share a host (a master and the other group's slave). */
function pairOnOneHost(s: Stack): [Container, Container] {
  const brokers = s.containers.filter((c) => c.role === "broker");
  for (const a of brokers) {
    const b = brokers.find((x) => x !== a && x.host === a.host);
    if (b)
      return [a, b].sort(
        (x, y) => Number(configProps(x).listenPort ?? 10911) - Number(configProps(y).listenPort ?? 10911),
      ) as [Container, Container];
  }
  throw new Error(`${s.name}: no two brokers on one host`);
}

async function expectCrash(ctx: Ctx, p: LabProc, text: string, label: string): Promise<void> {
  const t = Date.now();
  p.start();
  try {
    await waitFor(`${p.c.name} to exit`, 40_000, 100, () => (p.alive ? undefined : true));
  } catch {
    ctx.check(`${label}: the second broker fails`, false, `still running after 40 s:\n${p.tails(10)}`);
    return;
  }
  const out = p.outputText();
  const line = out.split("\n").find((l) => l.includes(text)) ?? "";
  ctx.check(
    `${label}: the second broker exits with RocketMQ's own "${text}" (${ms(Date.now() - t)} after start)`,
    line !== "",
    line ? `log: ${line.trim()}` : `exit ${p.exit?.code}; output tail:\n${p.tails(10)}`,
  );
}

/** c. traps reproduced on real servers: edits of a valid synthesized stack the library would reject. */
export async function expTraps(env: ExpEnv): Promise<void> {
  const { ctx } = env;
  const base = readStack(env.synthDir, "seed-2m-2s-sync");
  const [first, second] = pairOnOneHost(base);
  const stack = cloneStack(base, (c) => c.role === "namesrv" || c.name === first.name || c.name === second.name);
  const A = stack.containers.find((c) => c.name === first.name)!;
  const B = stack.containers.find((c) => c.name === second.name)!;
  const portA = Number((configProps(A).listenPort ?? "10911").trim());

  // port trap: B listens on A's listenPort+1 (A's HA port)
  const portB = JSON.parse(JSON.stringify(B)) as Container;
  portB.name = `${B.name}-porttrap`;
  editConfig(portB, { listenPort: String(portA + 1) });
  // lock trap: B on A's volume and A's store root
  const lockB = JSON.parse(JSON.stringify(B)) as Container;
  lockB.name = `${B.name}-locktrap`;
  lockB.volumes = JSON.parse(JSON.stringify(A.volumes));
  const pa = configProps(A);
  const root = (pa.storePathRootDir ?? "/home/rocketmq/store").trim();
  editConfig(lockB, {
    storePathRootDir: root,
    storePathCommitLog: (pa.storePathCommitLog ?? `${root}/commitlog`).trim(),
  });
  stack.containers = stack.containers.filter((c) => c !== B);
  stack.containers.push(portB, lockB);

  await withDeployment(stack, "traps", async (d) => {
    await d.startClient();
    await d.startNamesrvs();
    const pA = d.proc(A.name);
    await d.startBrokers([pA]);
    log(`traps: ${A.name} up on ${A.host} listenPort ${portA} (occupies ${portA - 2}, ${portA}, ${portA + 1})`);
    await expectCrash(
      ctx,
      d.proc(portB.name),
      "java.net.BindException: Address already in use",
      `port trap (${A.host}: listenPort ${portA} and ${portA + 1})`,
    );
    await expectCrash(
      ctx,
      d.proc(lockB.name),
      "Lock failed,MQ already started",
      `store trap (${A.host}: two brokers on store root ${root})`,
    );
    const cl = await d.client!.clusters();
    ctx.check(
      `traps: ${A.name} is still registered and running after both failures`,
      pA.alive && registeredId(cl, brokerExpect(pA)) !== undefined,
    );
  });

  // The other side of each trap: the library refuses to synthesize the same topology.
  const rejected = (build: (host: DockerHost, cluster: RocketMqCluster) => void): string => {
    const stack = new TerraformStack(Testing.app(), "trap");
    const host = new DockerHost(stack, "h", { address: A.host });
    const cluster = new RocketMqCluster(stack, "rmq");
    new NameServer(cluster, "ns", { host });
    build(host, cluster);
    try {
      Testing.synth(stack, true);
      return "";
    } catch (e) {
      return (e as Error).message;
    }
  };
  const portMsg = rejected((host, cluster) => {
    new BrokerPair(cluster, "broker-a", { master: { host, listenPort: portA } });
    new BrokerPair(cluster, "broker-b", { master: { host, listenPort: portA + 1 } });
  });
  ctx.check(
    `traps: the library rejects listenPort ${portA} and ${portA + 1} on one host at synth`,
    portMsg.includes("[ports/collision]") && portMsg.includes("Address already in use"),
    portMsg
      .split("\n")
      .find((l) => l.includes("[ports/collision]"))
      ?.trim(),
  );
  const lockMsg = rejected((host, cluster) => {
    new BrokerPair(cluster, "broker-a", { master: { host, store: { volume: "store" } } });
    new BrokerPair(cluster, "broker-b", { master: { host, listenPort: portA + 1000, store: { volume: "store" } } });
  });
  ctx.check(
    `traps: the library rejects two brokers on one store at synth`,
    lockMsg.includes("[stores/shared]") && lockMsg.includes("Lock failed,MQ already started"),
    lockMsg
      .split("\n")
      .find((l) => l.includes("[stores/shared]"))
      ?.trim(),
  );
}

// The checks both labs share: a synthesized stack that is up (java processes in namespaces, or containers that
// OpenTofu applied to Docker engines) is checked through RocketMQ itself, from a client outside every server.
import { spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { Ctx } from "./checks";
import { parse } from "yaml";
import { Credentials, LabClient, refusalText, refusedWith } from "./client";
import { BrokerExpect, Deployment, brokerExpect, registeredId } from "./deployment";
import { LabProc } from "./procs";
import { Upload, configProps, parseProperties } from "./stack";
import { REPO_DIR, cliArgv, log, ms, sleep, waitFor } from "./util";

export async function sendOk(
  client: LabClient,
  topic: string,
  brokerName: string,
  body: string,
  timeoutMs = 8_000,
  creds?: Credentials,
): Promise<any> {
  return client.send(topic, brokerName, body, creds, timeoutMs);
}

/**
 * A command of the package (`rocketmq-cdktf <args>`) run as a pipeline runs it, from the client's machine: its exit
 * code, output and time. `env`: variables on top of the lab's (the account it signs with).
 */
export function cliCommand(
  clientNs: string,
  args: string[],
  env: Record<string, string> = {},
): { code: number; out: string; tookMs: number } {
  const t = Date.now();
  const [cmd, ...argv] = cliArgv(args, clientNs);
  const r = spawnSync(cmd, argv, {
    cwd: REPO_DIR,
    encoding: "utf8",
    timeout: 120_000,
    killSignal: "SIGKILL",
    env: { ...process.env, ...env },
  });
  return { code: r.status ?? -1, out: `${r.stdout ?? ""}${r.stderr ?? ""}`.trim(), tookMs: Date.now() - t };
}

/** `rocketmq-cdktf wait` run as a pipeline runs it (cliCommand). */
export function cliWait(
  clientNs: string,
  args: string[],
  env: Record<string, string> = {},
): { code: number; out: string; tookMs: number } {
  return cliCommand(clientNs, ["wait", ...args], env);
}

/**
 * The command a pipeline runs between rollout waves, against the running cluster: `wait` for every broker exits 0 at
 * once; for a broker that is not there (a master expected as brokerId 1) it exits 1 after its --timeout, naming it.
 */
function checkWaitCommand(ctx: Ctx, d: Deployment, brokers: BrokerExpect[], label: string): void {
  const ns = d.namesrvAddrs.join(";");
  const all = brokers.flatMap((b) => ["--broker", `${b.brokerName}:${b.id}@${b.addr}`]);
  const ok = cliWait(d.clientNs, ["--namesrv", ns, "--timeout", "60", ...all]);
  ctx.check(
    `${label}: rocketmq-cdktf wait --namesrv ${ns} with the ${brokers.length} brokers exits 0 (${ms(ok.tookMs)}, a new node process included)`,
    ok.code === 0 && ok.out.startsWith("registered with"),
    `exit ${ok.code}: ${ok.out}`,
  );
  const master = brokers.find((b) => b.id === "0")!;
  const wrong = cliWait(d.clientNs, [
    "--namesrv",
    ns,
    "--timeout",
    "3",
    "--broker",
    `${master.brokerName}:1@${master.addr}`,
  ]);
  ctx.check(
    `${label}: rocketmq-cdktf wait for ${master.brokerName} id 1 at its master's address exits 1 after its 3 s timeout, naming it (${ms(wrong.tookMs)})`,
    wrong.code === 1 && wrong.out.includes(`${master.brokerName} id 1 at ${master.addr} not registered`),
    `exit ${wrong.code}: ${wrong.out.split("\n").slice(0, 3).join(" | ")}`,
  );
}

/** Sends probes until one comes back SEND_OK (a SYNC_MASTER answers SLAVE_NOT_AVAILABLE until its slave is attached). */
export async function waitSendOk(
  client: LabClient,
  topic: string,
  brokerName: string,
  timeoutMs: number,
  creds?: Credentials,
): Promise<{ tookMs: number; answer: any }> {
  const t = Date.now();
  let n = 0;
  const answer = await waitFor(`SEND_OK from ${brokerName}`, timeoutMs, 300, async () => {
    const r = await sendOk(client, topic, brokerName, `probe-${brokerName}-${n++}`, 8_000, creds);
    if (!r.ok) throw new Error(r.error);
    if (r.status !== "SEND_OK") throw new Error(`status ${r.status}`);
    return r;
  });
  return { tookMs: Date.now() - t, answer };
}

/**
 * Reads every message of the topic (of one brokerName, or all with ''), retrying within the bound until `expected`
 * are all there: right after a kill, a route may still name a broker that is restarting (Docker brings it back),
 * and a client retries as any RocketMQ client does. Resolves with what was read last.
 */
export async function consumeAll(
  client: LabClient,
  topic: string,
  brokerName: string,
  expected: readonly string[],
  timeoutMs = 30_000,
  as?: { creds: Credentials; group: string },
): Promise<string[]> {
  let last: string[] = [];
  try {
    await waitFor(
      `the ${expected.length} messages on ${topic}${brokerName ? ` (${brokerName})` : ""}`,
      timeoutMs,
      500,
      async () => {
        const r = await client.consume(topic, brokerName, as?.creds, 30_000, as?.group);
        if (!r.ok) throw new Error(r.error);
        last = r.bodies;
        return expected.every((b) => last.includes(b)) ? true : undefined;
      },
    );
  } catch (e) {
    if (!last.length) throw e;
  }
  return last;
}

/** Creates the topic on the masters, then waits (bounded) until every broker of the cluster has it in its topic table. */
/**
 * How long a slave may take to copy its master's topics: SlaveSynchronize runs every 10 s on 4.x, and on 5.x copies
 * once a minute (BrokerController: syncAll when 60 s have passed since the last one), plus the first run's 10 s delay.
 */
function copyBound(brokers: LabProc[]): number {
  return brokers.some((p) => p.c.version.startsWith("5.")) ? 80_000 : 30_000;
}

export async function createTopicEverywhere(
  client: LabClient,
  topic: string,
  cluster: string,
  timeoutMs = 30_000,
  creds?: Credentials,
): Promise<number> {
  const t = Date.now();
  const masters = (await client.must("createTopic", [topic, cluster], 15_000, creds)).brokers as string[];
  // the name server learns the topic from the masters' registration, asynchronously
  await waitFor(`a route for ${topic} with queues on ${masters.length} master(s)`, timeoutMs, 250, async () => {
    const r = await client.call("route", [topic], 8_000);
    return r.ok && (r.route?.queueDatas ?? []).length >= masters.length ? true : undefined;
  });
  await waitFor(`every broker of ${cluster} to know topic ${topic}`, timeoutMs, 500, async () => {
    const cl = await client.clusters();
    const addrs = Object.values(cl[cluster] ?? {}).flatMap((m) => Object.values(m));
    for (const addr of addrs) {
      const r = await client.must("hasTopic", [addr, topic], 8_000, creds);
      if (!r.has) throw new Error(`${addr} does not have ${topic} yet`);
    }
    return true;
  });
  return Date.now() - t;
}

function describe(cl: Record<string, any>): string {
  return JSON.stringify(cl);
}

/** a. seed-2m-2s-sync: 2 masters + 2 slaves with SYNC replication; kill -9 of a master: no failover. */
export async function twoMasterTwoSlave(ctx: Ctx, d: Deployment): Promise<void> {
  await d.up();
  const client = d.client!;
  const brokers = d.byRole("mqbroker").map(brokerExpect);
  const cl = await client.clusters();
  ctx.check(
    "2m-2s: 4 brokers in the stack",
    brokers.length === 4,
    brokers.map((b) => `${b.proc.c.name}=${b.brokerName}@${b.addr}`).join(", "),
  );
  for (const b of brokers) {
    const got = registeredId(cl, b);
    ctx.check(
      `2m-2s: ${b.proc.c.name} registered in ${b.cluster} as ${b.brokerName} id ${b.id} at ${b.addr}`,
      got === b.id,
      `registered id ${got}`,
    );
  }
  const cluster = brokers[0].cluster;
  checkWaitCommand(ctx, d, brokers, "2m-2s");
  const names = Object.keys(cl[cluster] ?? {});
  const masters = names.filter((n) => cl[cluster][n]["0"]);
  const slaves = names.flatMap((n) => Object.keys(cl[cluster][n]).filter((id) => id === "1"));
  ctx.check(
    "2m-2s: two masters (id 0) and two slaves (id 1) in the cluster",
    masters.length === 2 && slaves.length === 2 && names.length === 2,
    describe(cl),
  );

  const topic = "LabTopic2m2s";
  ctx.note(
    `topic ${topic} created on the masters and copied to the slaves in ${ms(await createTopicEverywhere(client, topic, cluster))}`,
  );
  const sent: Record<string, string[]> = {};
  for (const bn of names.sort()) {
    const w = await waitSendOk(client, topic, bn, 30_000);
    ctx.note(`${bn}: first SEND_OK (slave attached, SYNC replication) after ${ms(w.tookMs)}`);
    sent[bn] = [];
    for (let i = 0; i < 5; i++) {
      const body = `m2s-${bn}-${i}`;
      const r = await sendOk(client, topic, bn, body);
      if (r.ok && r.status === "SEND_OK") sent[bn].push(body);
      else ctx.check(`2m-2s: send ${body}`, false, JSON.stringify(r));
    }
  }
  const all = Object.values(sent).flat();
  const got = await consumeAll(client, topic, "", all);
  ctx.check(
    `2m-2s: ${all.length} messages produced are consumed`,
    all.length === 10 && all.every((b) => got.includes(b)),
    `consumed ${got.length}: ${got.filter((b) => !b.startsWith("probe")).join(",")}`,
  );

  // kill -9 of broker-a's master
  const victimName = names.includes("broker-a") ? "broker-a" : names.sort()[0];
  const master = brokers.find((b) => b.brokerName === victimName && b.id === "0")!;
  const slave = brokers.find((b) => b.brokerName === victimName && b.id !== "0")!;
  const other = names.find((n) => n !== victimName)!;
  const tKill = Date.now();
  await master.proc.kill9();
  log(`kill -9 ${master.proc.c.name} (${master.addr})`);
  const gone = await waitFor(`${master.addr} to leave the route`, 40_000, 200, async () => {
    const c = await client.clusters();
    return registeredId(c, master) === undefined ? Date.now() - tKill : undefined;
  });
  ctx.note(`${master.proc.c.name} unregistered from the name server ${ms(gone)} after kill -9`);
  const watchMs = 20_000;
  const seen = new Set<string>();
  let promoted = "";
  let back = 0;
  const tw = Date.now();
  while (Date.now() - tw < watchMs) {
    const c = await client.clusters();
    const addrs = c[cluster]?.[victimName] ?? {};
    seen.add(JSON.stringify(addrs));
    // No failover: brokerId 0 is never another broker's address (the master itself may come back: Docker restarts it).
    if (addrs["0"] && addrs["0"] !== master.addr) promoted = `brokerId 0 -> ${addrs["0"]}`;
    if (addrs["0"] === master.addr && !back) back = Date.now() - tKill;
    if (registeredId(c, slave) !== slave.id) promoted ||= `slave registered as ${registeredId(c, slave)}`;
    await sleep(500);
  }
  const slaveOnly = JSON.stringify({ [slave.id!]: slave.addr });
  const withMaster = JSON.stringify({ "0": master.addr, [slave.id!]: slave.addr });
  ctx.check(
    `2m-2s: ${victimName}'s slave stays a slave (id ${slave.id}, never master) for ${watchMs / 1000} s after kill -9 of its master`,
    !promoted && [...seen].every((x) => x === slaveOnly || x === withMaster),
    `${promoted} seen ${[...seen].join(" | ")}`,
  );
  if (back)
    ctx.note(
      `${master.proc.c.name} came back as master of ${victimName} at its own address ${ms(back)} after the kill (restarted on its store)`,
    );
  const after = await consumeAll(client, topic, victimName, sent[victimName]);
  ctx.check(
    `2m-2s: the ${sent[victimName].length} messages sent to ${victimName} before the kill are still read${back ? "" : " (from its slave)"}`,
    sent[victimName].every((b) => after.includes(b)),
    `read ${after.length}: ${after.join(",")}`,
  );
  const rb = await sendOk(client, topic, other, `after-kill-${other}`);
  ctx.check(`2m-2s: ${other} keeps accepting messages (SEND_OK)`, rb.ok && rb.status === "SEND_OK", JSON.stringify(rb));
  const ra = await sendOk(client, topic, victimName, `after-kill-${victimName}`);
  ctx.note(`send to ${victimName} with its master dead: ${ra.ok ? ra.status : ra.error}`);
}

/** b. seed-dledger: one elected master; kill -9 of it: a new master within 15 s; the killed member rejoins as a slave. */
export async function dledgerGroup(ctx: Ctx, d: Deployment): Promise<void> {
  await d.startClient();
  await d.startNamesrvs();
  const procs = d.byRole("mqbroker");
  const brokers = procs.map(brokerExpect);
  ctx.check(
    "dledger: every broker has enableDLegerCommitLog=true",
    brokers.length >= 3 && brokers.every((b) => b.dledger),
    brokers.map((b) => `${b.proc.c.name}:${b.dledger}`).join(", "),
  );
  const { cluster, brokerName } = brokers[0];
  const client = d.client!;
  await startAndAwaitMaster(ctx, d, procs, "dledger", cluster, brokerName, d.bound(60_000));
  await d.waitRegistered(procs, d.bound(60_000), (_b, id) => id !== "-1");
  const cl = await client.clusters();
  const addrs = cl[cluster][brokerName];
  ctx.check(
    `dledger: exactly one master among ${brokers.length} members, the others slaves`,
    Object.keys(addrs).length === brokers.length && Object.keys(addrs).filter((i) => i === "0").length === 1,
    describe(addrs),
  );
  for (const b of brokers) {
    const self = (configProps(b.proc.c).dLegerSelfId ?? "").trim();
    const id = registeredId(cl, b);
    if (id !== "0")
      ctx.check(
        `dledger: follower ${b.proc.c.name} (${self}) registered with brokerId ${Number(self.slice(1)) + 1} (selfId number + 1)`,
        id === String(Number(self.slice(1)) + 1),
        `id ${id}`,
      );
  }
  log(`dledger: RSS MiB: ${d.rssReport()}`);
  const topic = "LabTopicDledger";
  ctx.note(
    `topic ${topic} created on the master and copied to the followers in ${ms(await createTopicEverywhere(client, topic, cluster, copyBound(procs)))}`,
  );
  const before: string[] = [];
  for (let i = 0; i < 5; i++) {
    const r = await sendOk(client, topic, brokerName, `dl-before-${i}`);
    if (r.ok && r.status === "SEND_OK") before.push(`dl-before-${i}`);
    else ctx.check(`dledger: send dl-before-${i}`, false, JSON.stringify(r));
  }
  ctx.check("dledger: 5 messages produced to the master", before.length === 5);

  await failover(ctx, d, {
    label: "dledger",
    what: "member",
    brokers,
    master: addrs["0"],
    topic,
    before,
    withinMs: 15_000,
    waitMs: 30_000,
  });
}

/** Starts the brokers of an elected set and waits for its master (brokerId 0) to register. */
async function startAndAwaitMaster(
  ctx: Ctx,
  d: Deployment,
  procs: LabProc[],
  label: string,
  cluster: string,
  brokerName: string,
  timeoutMs: number,
): Promise<string> {
  const tStart = Date.now();
  for (const p of procs) p.start();
  const master = await waitFor(`a ${label} master registered`, timeoutMs, 200, async () => {
    d.assertAlive(procs);
    return (await d.client!.clusters())[cluster]?.[brokerName]?.["0"];
  });
  ctx.note(`${label}: master ${master} registered ${ms(Date.now() - tStart)} after the brokers were spawned`);
  return master;
}

/**
 * kill -9 of the master of an automatically failing-over set (DLedger or controller mode): another
 * member becomes master within `withinMs`, producing works again, the messages sent before are read
 * from the new master, and the killed member restarted on its own store rejoins as a slave.
 */
async function failover(
  ctx: Ctx,
  d: Deployment,
  o: {
    label: string;
    what: string;
    brokers: BrokerExpect[];
    master: string;
    topic: string;
    before: string[];
    withinMs: number;
    waitMs: number;
  },
): Promise<void> {
  const client = d.client!;
  const { cluster, brokerName } = o.brokers[0];
  const victim = o.brokers.find((b) => b.addr === o.master);
  if (!victim) throw new Error(`master ${o.master} is no container of the stack`);
  const tKill = Date.now();
  await victim.proc.kill9();
  log(`kill -9 ${victim.proc.c.name} (${victim.addr}, the master)`);
  // The master leaves the route as soon as its connections close; then the group has a master again.
  try {
    await waitFor(`${victim.addr} to leave the route`, 10_000, 50, async () =>
      registeredId(await client.clusters(), victim) === undefined ? true : undefined,
    );
  } catch (e) {
    ctx.check(`${o.label}: the killed master leaves the route`, false, (e as Error).message);
    return;
  }
  let newMaster: string;
  try {
    newMaster = await waitFor(
      `a ${o.label} master again`,
      o.waitMs,
      100,
      async () => (await client.clusters())[cluster]?.[brokerName]?.["0"],
    );
  } catch (e) {
    ctx.check(`${o.label}: another ${o.what} becomes master after kill -9 of the master`, false, (e as Error).message);
    return;
  }
  const failoverMs = Date.now() - tKill;
  const reElected = newMaster === victim.addr;
  if (reElected && d.restartsOnItsOwn) {
    // Docker brought the killed member back before the others' election timeout (DLedger: 3 missed heartbeats of
    // 2 s): it asks for votes with the newest log and wins again. What a crash under a restart policy often does.
    ctx.check(
      `${o.label}: the group has a master again within ${ms(o.withinMs)} of kill -9 (${ms(failoverMs)}): the killed ${o.what}, restarted by Docker before the others' election timeout, was re-elected`,
      failoverMs <= o.withinMs,
      `master ${newMaster}`,
    );
  } else {
    ctx.check(
      `${o.label}: another ${o.what} becomes master within ${ms(o.withinMs)} of kill -9 (${ms(failoverMs)})`,
      !reElected && failoverMs <= o.withinMs,
      `new master ${newMaster}`,
    );
  }
  try {
    const { answer } = await waitSendOk(client, o.topic, brokerName, 30_000);
    ctx.check(
      `${o.label}: producing works again after the failover (${ms(Date.now() - tKill)} after the kill)`,
      answer.ok === true && answer.status === "SEND_OK" && answer.brokerName === brokerName,
      `${answer.status} from ${answer.brokerName} queue ${answer.queueId} offset ${answer.offset} (msgId ${answer.msgId})`,
    );
  } catch (e) {
    ctx.check(`${o.label}: producing works again after the failover`, false, (e as Error).message);
  }
  const got = await consumeAll(client, o.topic, brokerName, o.before);
  ctx.check(
    `${o.label}: the messages sent before the kill are read from the ${reElected ? "re-elected" : "new"} master`,
    o.before.every((b) => got.includes(b)),
    `read ${got.length}`,
  );
  if (reElected) {
    const cl = await client.clusters();
    const others = o.brokers.filter((b) => b !== victim);
    ctx.check(
      `${o.label}: the other ${others.length} members stay slaves of the re-elected master`,
      others.every((b) => Number(registeredId(cl, b)) > 0),
      describe(cl[cluster][brokerName]),
    );
    if (!d.slowRestart) return;
    // Once more, with the victim's restart slowed down (as a machine that takes longer to come back): the others'
    // election then wins, and the killed member rejoins as a slave.
    const undo = await d.slowRestart(victim.proc);
    try {
      ctx.note(
        `${o.label}: the killed ${o.what} won the race back; killing the master again with its restart slowed down (${undo.how})`,
      );
      const tKill2 = Date.now();
      await victim.proc.kill9();
      await waitFor(`${victim.addr} to leave the route`, 10_000, 50, async () =>
        registeredId(await client.clusters(), victim) === undefined ? true : undefined,
      );
      newMaster = await waitFor(`another ${o.label} master`, o.waitMs, 100, async () => {
        const m = (await client.clusters())[cluster]?.[brokerName]?.["0"];
        return m && m !== victim.addr ? m : undefined;
      });
      const ms2 = Date.now() - tKill2;
      ctx.check(
        `${o.label}: with the killed ${o.what}'s restart slowed down, another ${o.what} becomes master within ${ms(o.withinMs)} of kill -9 (${ms(ms2)})`,
        ms2 <= o.withinMs,
        `new master ${newMaster}`,
      );
      await waitSendOk(client, o.topic, brokerName, 30_000);
      const again = await consumeAll(client, o.topic, brokerName, o.before);
      ctx.check(
        `${o.label}: producing works and the messages sent before are read from the new master`,
        o.before.every((b) => again.includes(b)),
        `read ${again.length}`,
      );
    } finally {
      await undo.restore();
    }
  }

  // the killed member comes back on its own store: started again (process lab) or by Docker's restart policy (deploy lab)
  const tRe = Date.now();
  const how = await d.restartAfterKill(victim.proc);
  await d.waitRegistered([victim.proc], d.bound(60_000), (_b, id) => Number(id) > 0);
  const cl = await client.clusters();
  const id = registeredId(cl, victim);
  ctx.check(
    `${o.label}: the killed ${o.what} restarted on its store rejoins as a slave (${how}; ${ms(Date.now() - tRe)})`,
    id !== undefined && id !== "0" && cl[cluster][brokerName]["0"] === newMaster,
    describe(cl[cluster][brokerName]),
  );
}

/** d. seed-5x-controller (RocketMQ 5, when main.ts synthesizes it): controllers inside the name servers elect a
 *  master among brokers in controller mode; kill -9 of the master: the controller elects another one; the proxy
 *  (cluster mode) carries a message. */
export async function controllerMode(ctx: Ctx, d: Deployment): Promise<void> {
  await d.startClient();
  await d.startNamesrvs();
  const procs = d.byRole("mqbroker");
  const brokers = procs.map(brokerExpect);
  ctx.check(
    "controller: every broker has enableControllerMode=true",
    brokers.length >= 2 && brokers.every((b) => (configProps(b.proc.c).enableControllerMode ?? "").trim() === "true"),
    brokers.map((b) => b.proc.c.name).join(", "),
  );
  const { cluster, brokerName } = brokers[0];
  const client = d.client!;
  const master = await startAndAwaitMaster(ctx, d, procs, "controller", cluster, brokerName, d.bound(90_000));
  await d.waitRegistered(procs, d.bound(90_000), (_b, id) => Number(id) >= 0);
  const addrs = (await client.clusters())[cluster][brokerName];
  ctx.check(
    `controller: one master and ${brokers.length - 1} slaves in ${brokerName}`,
    Object.keys(addrs).length === brokers.length && Object.keys(addrs).filter((i) => i === "0").length === 1,
    describe(addrs),
  );
  log(`controller: RSS MiB: ${d.rssReport()}`);
  const topic = "LabTopicController";
  ctx.note(
    `topic ${topic} created on the master and copied to the slaves in ${ms(await createTopicEverywhere(client, topic, cluster, 40_000))}`,
  );
  const w = await waitSendOk(client, topic, brokerName, 30_000);
  ctx.note(`controller: first SEND_OK after ${ms(w.tookMs)}`);
  const before = ["ctl-before-0", "ctl-before-1", "ctl-before-2"];
  for (const b of before) {
    const r = await sendOk(client, topic, brokerName, b);
    ctx.check(`controller: send ${b} to the master`, r.ok && r.status === "SEND_OK", r.ok ? r.status : r.error);
  }

  const proxies = d.byRole("mqproxy");
  for (const p of proxies) {
    const props = JSON.parse(p.c.uploads.find((u) => u.file.endsWith(".json"))?.content ?? "{}");
    const addr = `${p.c.host}:${props.remotingListenPort ?? 8080}`;
    p.start();
    const pc = new LabClient(d.jars, client.ns, addr, path.join(d.dir, `client-via-${p.c.name}`));
    try {
      await pc.start();
      const t = Date.now();
      const r = await waitFor(`a message through the proxy ${addr}`, 40_000, 500, async () => {
        d.assertAlive([p]);
        const x = await pc.send(topic, "", "via-proxy", undefined, 8_000);
        if (!x.ok) throw new Error(x.error);
        if (x.status !== "SEND_OK") throw new Error(`status ${x.status}`);
        return x;
      });
      ctx.check(
        `controller: the proxy ${p.c.name} (remoting ${addr}, cluster mode) carries a message (SEND_OK ${ms(Date.now() - p.startedAt)} after its start)`,
        true,
        `${r.brokerName} queue ${r.queueId} (waited ${ms(Date.now() - t)})`,
      );
    } catch (e) {
      ctx.check(
        `controller: the proxy ${p.c.name} (remoting ${addr}) carries a message`,
        false,
        `${(e as Error).message}\n${p.tails(10)}`,
      );
    } finally {
      pc.stop();
    }
  }

  await failover(ctx, d, {
    label: "controller",
    what: "broker",
    brokers,
    master,
    topic,
    before,
    withinMs: 15_000,
    waitMs: 60_000,
  });
}

/**
 * e. dev: a one-machine cluster. Every broker registered at the address the files name, a topic created,
 * messages produced and consumed by a client on that same machine.
 */
export async function oneMachine(ctx: Ctx, d: Deployment): Promise<void> {
  await d.startClient();
  await d.startNamesrvs();
  await d.startBrokers();
  const client = d.client!;
  const brokers = d.byRole("mqbroker").map(brokerExpect);
  const cl = await client.clusters();
  for (const b of brokers) {
    const got = registeredId(cl, b);
    ctx.check(
      `dev: ${b.proc.c.name} registered in ${b.cluster} as ${b.brokerName} id ${b.id} at ${b.addr}, reached at ${d.namesrvAddrs.join(";")}`,
      got === b.id,
      `registered id ${got}; ${describe(cl)}`,
    );
  }
  const { cluster, brokerName } = brokers[0];
  const topic = "LabTopicDev";
  ctx.note(`topic ${topic} ready in ${ms(await createTopicEverywhere(client, topic, cluster))}`);
  const sent: string[] = [];
  for (let i = 0; i < 5; i++) {
    const r = await sendOk(client, topic, brokerName, `dev-${i}`);
    if (r.ok && r.status === "SEND_OK") sent.push(`dev-${i}`);
  }
  const got = await consumeAll(client, topic, "", sent);
  ctx.check(
    `dev: ${sent.length} of 5 messages produced are consumed`,
    sent.length === 5 && sent.every((b) => got.includes(b)),
    `consumed ${got.length}`,
  );
}

/** An account of an ACL 1.0 file (plain_acl.yml), with the lab's value of its secret in place. */
export interface AclAccount extends Credentials {
  admin: boolean;
  topicPerms: string[];
  groupPerms: string[];
}

/** The ACL 1.0 file a broker was given (an upload named plain_acl.yml), if any. */
export function plainAclUpload(p: LabProc): Upload | undefined {
  return p.c.uploads.find((u) => u.file.endsWith("/plain_acl.yml"));
}

/** The accounts of the deployment's ACL file, by accessKey; every broker must have been given the same file. */
export function aclAccounts(d: Deployment): Map<string, AclAccount> {
  const brokers = d.byRole("mqbroker");
  const files = new Set(brokers.map((p) => plainAclUpload(p)?.content ?? ""));
  if (files.size !== 1 || files.has(""))
    throw new Error(`${d.stack.name}: the brokers were not all given one plain_acl.yml (${files.size} different)`);
  const doc = parse([...files][0]) as { accounts?: Record<string, unknown>[] };
  const out = new Map<string, AclAccount>();
  for (const a of doc.accounts ?? [])
    out.set(String(a.accessKey), {
      accessKey: String(a.accessKey),
      secretKey: String(a.secretKey),
      admin: a.admin === true,
      topicPerms: ((a.topicPerms as unknown[] | null) ?? []).map(String),
      groupPerms: ((a.groupPerms as unknown[] | null) ?? []).map(String),
    });
  return out;
}

/** What a check says of an answer: "SEND_OK from broker-a", "refused with code 1: ...", "5 message(s)". */
function said(r: any): string {
  if (!r.ok) return refusalText(r) + (r.scrubbed ? " [a secret was scrubbed from it]" : "");
  if (r.status)
    return `${r.status} from ${r.brokerName} queue ${r.queueId} offset ${r.offset}${r.busyRetries ? ` (after ${r.busyRetries} "broker busy" answer(s), retried)` : ""}`;
  if (r.bodies) return `${r.bodies.length} message(s)`;
  if (r.brokers) return `created on ${r.brokers.join(", ")}`;
  if (r.has !== undefined) return `has: ${r.has}`;
  return "ok";
}

/** The CLI's TLS arguments for a deployment whose client speaks TLS: `--ca` with the CA its client trusts. */
function cliTlsArgs(d: Deployment): string[] {
  if (!d.clientJvmOptions.includes("-Dtls.enable=true")) return [];
  const file = d.clientJvmOptions.find((o) => o.startsWith("-Dtls.config.file="))?.split("=")[1];
  const ca = file ? parseProperties(fs.readFileSync(file, "utf8"))["tls.client.trustCertPath"] : undefined;
  return ca ? ["--ca", ca] : ["--tls"];
}

/**
 * The pipeline's wait between rollout waves on a cluster with access control, against the real brokers: unsigned,
 * the broker refuses and `wait` exits 1 at once saying which account to give; signed with the admin's account
 * (ROCKETMQ_ACCESS_KEY/ROCKETMQ_SECRET_KEY), it exits 0 with the set in sync (the slave holds what the master held
 * after the sends); the secret is in no output.
 */
function signedWait(ctx: Ctx, d: Deployment, brokers: BrokerExpect[], admin: AclAccount): void {
  const ns = d.namesrvAddrs.join(";");
  const slave = brokers.find((b) => b.id !== "0")!;
  const args = [
    "--namesrv",
    ns,
    ...cliTlsArgs(d),
    "--timeout",
    "60",
    "--broker",
    `${slave.brokerName}:${slave.id}@${slave.addr}`,
  ];
  const unsigned = cliWait(d.clientNs, args);
  ctx.check(
    `acl: rocketmq-cdktf wait for the slave, unsigned, exits 1 at once (${ms(unsigned.tookMs)}, not its 60 s bound), saying the broker checks access control and which variables to set`,
    unsigned.code === 1 &&
      unsigned.tookMs < 30_000 &&
      unsigned.out.includes("the broker checks access control") &&
      unsigned.out.includes("ROCKETMQ_ACCESS_KEY"),
    `exit ${unsigned.code}: ${unsigned.out}`,
  );
  const signed = cliWait(d.clientNs, args, {
    ROCKETMQ_ACCESS_KEY: admin.accessKey,
    ROCKETMQ_SECRET_KEY: admin.secretKey,
  });
  ctx.check(
    `acl: signed with ${admin.accessKey}'s account from the environment, it exits 0 with ${slave.brokerName} in sync (${ms(signed.tookMs)})`,
    signed.code === 0 &&
      signed.out.includes("and in sync after") &&
      !`${unsigned.out}${signed.out}`.includes(admin.secretKey),
    `exit ${signed.code}: ${signed.out.replace(/\n\s*/g, " | ")}`,
  );
}

/**
 * f. seed-secured: access control 1.0 on a SYNC master and its slave (every broker with aclEnable=true and the
 * plain_acl.yml the library uploads, found through rocketmq.acl.plain.file relative to the image's ROCKETMQ_HOME).
 * RocketMQ itself refuses anonymous clients and wrong secrets (code 1); orders-app produces and consumes Orders with
 * its group; orders-audit reads Orders but may not send; the admin creates topics, which the slave copies (its
 * machine is white-listed); with the master killed, the slave still serves orders-audit's reads (no failover).
 */
export async function securedPair(ctx: Ctx, d: Deployment): Promise<void> {
  const accounts = aclAccounts(d);
  const account = (name: string): AclAccount => {
    const a = accounts.get(name);
    if (!a)
      throw new Error(`${d.stack.name}: no account ${name} in plain_acl.yml (${[...accounts.keys()].join(", ")})`);
    return a;
  };
  const admin = account("rocketmq-admin");
  const app = account("orders-app");
  const audit = account("orders-audit");
  ctx.check(
    "acl: the file holds the three accounts, rocketmq-admin the only admin, orders-app PUB|SUB on Orders, orders-audit SUB on Orders",
    admin.admin &&
      !app.admin &&
      !audit.admin &&
      app.topicPerms.includes("Orders=PUB|SUB") &&
      audit.topicPerms.includes("Orders=SUB") &&
      app.groupPerms.includes("orders-consumers=SUB") &&
      audit.groupPerms.includes("orders-audit=SUB"),
    [...accounts.values()]
      .map(
        (a) =>
          `${a.accessKey}: admin ${a.admin}, topics [${a.topicPerms.join(", ")}], groups [${a.groupPerms.join(", ")}]`,
      )
      .join("; "),
  );

  await d.up();
  const client = d.client!;
  const brokers = d.byRole("mqbroker").map(brokerExpect);
  const master = brokers.find((b) => b.id === "0");
  const slave = brokers.find((b) => b.id !== undefined && b.id !== "0");
  if (!master || !slave || brokers.length !== 2)
    throw new Error(`${d.stack.name}: expected one master and one slave, got ${brokers.map((b) => b.addr).join(", ")}`);
  const { cluster, brokerName } = master;
  // ACL 2.0 (5.3.0 and later) refuses with code 16 and its own words; ACL 1.0 with code 1.
  const v2 = brokers.some((b) => configProps(b.proc.c).authenticationEnabled === "true");
  const [code, anonymous, wrongSecret] = v2
    ? [16, "username cannot be null", "check signature failed"]
    : [1, "No accessKey is configured", "Check signature failed"];
  ctx.note(`acl: access control ${v2 ? "2.0 (refusals: code 16)" : "1.0 (refusals: code 1)"}`);
  const cl = await client.clusters();
  for (const b of brokers) {
    const got = registeredId(cl, b);
    const ready = d.timings[`ready ${b.proc.c.name}`];
    ctx.check(
      `acl: ${b.proc.c.name} registered in ${cluster} as ${brokerName} id ${b.id} at ${b.addr}${ready !== undefined ? ` (${ms(ready)} after start)` : ""}`,
      got === b.id,
      `registered id ${got}; ${JSON.stringify(cl[cluster] ?? {})}`,
    );
  }
  for (const b of brokers) {
    const r = await client.call("brokerConfig", [b.addr], 8_000, admin);
    const keys = v2 ? ["authenticationEnabled", "authorizationEnabled", "migrateAuthFromV1Enabled"] : ["aclEnable"];
    ctx.check(
      `acl: ${b.proc.c.name} runs with ${keys.map((k) => `${k}=true`).join(", ")} (its configuration, asked as the admin)`,
      r.ok && keys.every((k) => r.config?.[k] === "true"),
      r.ok ? keys.map((k) => `${k}=${r.config?.[k]}`).join(", ") : said(r),
    );
  }

  // The admin makes the topic the accounts are given; the name server learns it from the master.
  const topic = "Orders";
  let r: any = await client.createTopic(topic, cluster, admin);
  ctx.check(`acl: the admin (${admin.accessKey}) creates topic ${topic} on the master`, r.ok, said(r));
  await waitFor(`a route for ${topic}`, d.bound(30_000), 250, async () =>
    (await client.route(topic)).ok ? true : undefined,
  );

  r = await client.send(topic, brokerName, "from-nobody");
  ctx.check(
    `acl: an anonymous send to ${topic} is refused by the broker: code ${code} "${anonymous}"`,
    refusedWith(r, code, anonymous),
    said(r),
  );
  const wrong: Credentials = { accessKey: app.accessKey, secretKey: crypto.randomBytes(12).toString("hex") };
  r = await client.send(topic, brokerName, "from-a-wrong-secret", wrong);
  ctx.check(
    `acl: ${app.accessKey} with a wrong secret is refused: code ${code} "${wrongSecret}"`,
    refusedWith(r, code, wrongSecret),
    said(r),
  );

  // orders-app: SEND_OK from a SYNC master means the slave has the message too.
  let first: { tookMs: number; answer: any };
  try {
    first = await waitSendOk(client, topic, brokerName, d.bound(60_000), app);
  } catch (e) {
    ctx.check(`acl: ${app.accessKey} sends to ${topic} (SEND_OK)`, false, (e as Error).message);
    return;
  }
  const sent: string[] = [];
  for (let i = 0; i < 5; i++) {
    const body = `order-${i}`;
    const x = await sendOk(client, topic, brokerName, body, 8_000, app);
    if (x.ok && x.status === "SEND_OK") sent.push(body);
    else ctx.check(`acl: ${app.accessKey} sends ${body}`, false, said(x));
  }
  ctx.check(
    `acl: ${app.accessKey} sends ${sent.length} messages to ${topic}, each SEND_OK from the SYNC master (its slave acknowledged; the first after ${ms(first.tookMs)} of probing)`,
    sent.length === 5,
    said(first.answer),
  );
  const asApp = { creds: app, group: "orders-consumers" };
  let got = await consumeAll(client, topic, brokerName, sent, 30_000, asApp);
  ctx.check(
    `acl: ${app.accessKey} consumes the ${sent.length} messages with group ${asApp.group}`,
    sent.every((b) => got.includes(b)),
    `read ${got.length}: ${got.filter((b) => !b.startsWith("probe")).join(",")}`,
  );
  const asAudit = { creds: audit, group: "orders-audit" };
  got = await consumeAll(client, topic, brokerName, sent, 30_000, asAudit);
  ctx.check(
    `acl: ${audit.accessKey} consumes the ${sent.length} messages with group ${asAudit.group}`,
    sent.every((b) => got.includes(b)),
    `read ${got.length}`,
  );
  r = await client.send(topic, brokerName, "from-audit", audit);
  ctx.check(
    `acl: ${audit.accessKey}'s send to ${topic} is refused: code ${code}, no permission`,
    refusedWith(r, code) && /permission|denied/i.test(r.refusal.message),
    said(r),
  );
  r = await client.consume(topic, brokerName, undefined, 15_000);
  ctx.check(`acl: an anonymous consume of ${topic} is refused with code ${code}`, refusedWith(r, code), said(r));

  signedWait(ctx, d, brokers, admin);

  // The admin creates a topic; the slave copies it from its master (unsigned requests, let in by the white list).
  const copied = "AclLabCopied";
  const tCreate = Date.now();
  r = await client.createTopic(copied, cluster, admin);
  ctx.check(`acl: the admin creates topic ${copied}`, r.ok, said(r));
  r = await client.createTopic("AclLabByApp", cluster, app);
  ctx.check(
    `acl: ${app.accessKey} (not an admin) may not create a topic: code ${code}`,
    refusedWith(r, code) && /admin|permission|denied/i.test(r.refusal.message),
    said(r),
  );
  // SlaveSynchronize copies every 10 s on 4.x, every 60 s on 5.x (BrokerController: syncAll once a minute).
  const bound = d.bound(v2 ? 80_000 : 40_000);
  try {
    await waitFor(`${slave.addr} to have ${copied} and ${topic}`, bound, 500, async () => {
      const [a, b] = [
        await client.hasTopic(slave.addr, copied, admin),
        await client.hasTopic(slave.addr, topic, admin),
      ];
      if (!a.ok) throw new Error(said(a));
      if (!b.ok) throw new Error(said(b));
      return a.has && b.has ? true : undefined;
    });
    ctx.check(
      `acl: the slave ${slave.addr} has the admin's topic ${copied} ${ms(Date.now() - tCreate)} after its creation (copied from its master, signed ${v2 ? "with the inner credentials: SlaveSynchronize every 60 s" : "by nobody, let in by the white list: SlaveSynchronize every 10 s"}), and ${topic}`,
      true,
      `bound ${ms(bound)}`,
    );
  } catch (e) {
    ctx.check(
      `acl: the slave ${slave.addr} copies the admin's topic ${copied} from its master`,
      false,
      (e as Error).message,
    );
  }
  r = await client.hasTopic(slave.addr, copied);
  ctx.check(
    `acl: the slave refuses an anonymous client too (its topic table asked from ${client.ns}): code ${code} "${anonymous}"`,
    refusedWith(r, code, anonymous),
    said(r),
  );
  r = await client.send(copied, brokerName, "app-elsewhere", app);
  ctx.check(
    `acl: ${app.accessKey}'s send to ${copied}, a topic it is not given, is refused: code ${code}`,
    refusedWith(r, code) && /permission|denied/i.test(r.refusal.message),
    said(r),
  );

  for (const p of d.byRole("mqproxy")) await securedProxy(ctx, d, p, { topic, app, audit });

  // SIGKILL of the master: a master/slave pair has no failover; the slave keeps serving reads. Where servers restart
  // on their own (Docker), the master's restart is slowed down so that the reads surely come from the slave.
  const undo = d.slowRestart ? await d.slowRestart(master.proc) : undefined;
  try {
    const tKill = Date.now();
    await master.proc.kill9();
    log(`kill -9 ${master.proc.c.name} (${master.addr})${undo ? ` with ${undo.how}` : ""}`);
    const gone = await waitFor(`${master.addr} to leave the route`, 40_000, 200, async () =>
      registeredId(await client.clusters(), master) === undefined ? Date.now() - tKill : undefined,
    );
    ctx.note(`${master.proc.c.name} unregistered from the name server ${ms(gone)} after kill -9`);
    const tRead = Date.now();
    const after = await consumeAll(client, topic, brokerName, sent, 30_000, asAudit);
    const readMs = Date.now() - tRead;
    const set = (await client.clusters())[cluster]?.[brokerName] ?? {};
    ctx.check(
      `acl: with its master killed, the slave (still brokerId ${slave.id}: no failover) serves ${audit.accessKey}'s reads of the ${sent.length} earlier messages (${ms(readMs)})`,
      sent.every((b) => after.includes(b)) && JSON.stringify(set) === JSON.stringify({ [slave.id!]: slave.addr }),
      `read ${after.length}; ${brokerName} registered as ${JSON.stringify(set)}`,
    );
    r = await client.send(topic, brokerName, "app-master-dead", app);
    ctx.note(`send to ${brokerName} as ${app.accessKey} with its master dead: ${said(r).split("\n")[0]}`);
  } finally {
    await undo?.restore();
  }
  // The master back on its store (Docker's restart policy, or the lab), so that the cluster is whole again.
  const tRe = Date.now();
  const how = await d.restartAfterKill(master.proc);
  await d.waitRegistered([master.proc], d.bound(90_000), (_b, id) => id === "0");
  ctx.note(`${master.proc.c.name} registered again as master ${ms(Date.now() - tRe)} after the read (${how})`);
  if (v2 && d.replaceWithEmptyStore) await accountsOnANewStore(ctx, d, slave, { admin, audit });
  if (v2 && d.restartWithFile) await rotatedSecret(ctx, d, [master, slave], audit);
}

/**
 * ACL 2.0: a new secret for an existing account (a new value of its variable: Terraform writes the file again and
 * the broker restarts) takes effect, because each start rebuilds the accounts from the file: the old secret fails the
 * signature, the new one is let in, on the master and on the slave.
 */
async function rotatedSecret(ctx: Ctx, d: Deployment, brokers: BrokerExpect[], audit: AclAccount): Promise<void> {
  const client = d.client!;
  const secret = crypto.randomBytes(12).toString("hex");
  const t = Date.now();
  for (const b of brokers) {
    const file = plainAclUpload(b.proc);
    if (!file || !file.content.includes(JSON.stringify(audit.secretKey)))
      throw new Error(`${b.proc.c.name}: no plain_acl.yml with ${audit.accessKey}'s secret`);
    const how = await d.restartWithFile!(
      b.proc,
      file.file,
      file.content.split(JSON.stringify(audit.secretKey)).join(JSON.stringify(secret)),
    );
    await d.waitRegistered([b.proc], d.bound(90_000), (_x, id) => id === b.id);
    log(`${b.proc.c.name}: ${how}`);
  }
  ctx.note(
    `${audit.accessKey}'s secret changed in plain_acl.yml; both brokers restarted and registered in ${ms(Date.now() - t)}`,
  );
  for (const b of brokers) {
    const [old, rotated] = [
      await client.call("brokerConfig", [b.addr], 8_000, audit),
      await client.call("brokerConfig", [b.addr], 8_000, { accessKey: audit.accessKey, secretKey: secret }),
    ];
    ctx.check(
      `acl: after ${audit.accessKey}'s secret changed in the file, ${b.proc.c.name} refuses its old secret ("check signature failed") and lets its new one in`,
      refusedWith(old, 16, "check signature failed") && rotated.ok,
      `old secret: ${said(old)}; new secret: ${said(rotated)}`,
    );
  }
}

/**
 * ACL 2.0 keeps accounts in each broker's own store: a broker rebuilt on an empty store must have them all again
 * before it serves (the library's accounts are migrated from plain_acl.yml at every start). Told apart by what the
 * broker answers: an account it knows is authenticated with its own secret only, an unknown one "is not found".
 */
async function accountsOnANewStore(
  ctx: Ctx,
  d: Deployment,
  b: BrokerExpect,
  o: { admin: AclAccount; audit: AclAccount },
): Promise<void> {
  const client = d.client!;
  const t = Date.now();
  const how = await d.replaceWithEmptyStore!(b.proc);
  await d.waitRegistered([b.proc], d.bound(90_000), (_x, id) => id === b.id);
  ctx.note(`${b.proc.c.name} ${how}; registered again ${ms(Date.now() - t)} later`);
  const stranger: Credentials = { accessKey: "not-an-account", secretKey: crypto.randomBytes(12).toString("hex") };
  const wrong: Credentials = { accessKey: o.audit.accessKey, secretKey: crypto.randomBytes(12).toString("hex") };
  const [admin, audit, guessed, nobody] = [
    await client.call("brokerConfig", [b.addr], 8_000, o.admin),
    await client.call("brokerConfig", [b.addr], 8_000, o.audit),
    await client.call("brokerConfig", [b.addr], 8_000, wrong),
    await client.call("brokerConfig", [b.addr], 8_000, stranger),
  ];
  ctx.check(
    `acl: ${b.proc.c.name} on an empty store knows the accounts at once: the admin and ${o.audit.accessKey} are authenticated with their secrets, ${o.audit.accessKey} with another secret "check signature failed", an unknown account "is not found"`,
    admin.ok && audit.ok && refusedWith(guessed, 16, "check signature failed") && refusedWith(nobody, 16, "not found"),
    `admin: ${said(admin)}; ${o.audit.accessKey}: ${said(audit)}; another secret: ${said(guessed)}; not-an-account: ${said(nobody)}`,
  );
}

/**
 * A cluster-mode proxy of a secured cluster (ACL 2.0): it checks clients itself, against the accounts it reads from
 * the brokers as the system user. The application's account sends through it; an anonymous client and the read-only
 * account are refused by the proxy.
 */
async function securedProxy(
  ctx: Ctx,
  d: Deployment,
  p: LabProc,
  o: { topic: string; app: AclAccount; audit: AclAccount },
): Promise<void> {
  const props = JSON.parse(p.c.uploads.find((u) => u.file.endsWith(".json"))?.content ?? "{}");
  const addr = `${p.c.host}:${props.remotingListenPort ?? 8080}`;
  p.start();
  // The deployment's client options (the TLS switch of a cluster that enforces TLS), as its own client's.
  const pc = new LabClient(d.jars, d.client!.ns, addr, path.join(d.dir, `client-via-${p.c.name}`), d.clientJvmOptions);
  try {
    await pc.start();
    const t = Date.now();
    let answer: any;
    try {
      answer = await waitFor(`${o.app.accessKey}'s send through the proxy ${addr}`, d.bound(60_000), 500, async () => {
        d.assertAlive([p]);
        const x = await pc.send(o.topic, "", "app-via-proxy", o.app, 8_000);
        if (!x.ok || x.status !== "SEND_OK") throw new Error(said(x));
        return x;
      });
    } catch (e) {
      ctx.check(
        `acl: ${o.app.accessKey} sends through the proxy ${addr}`,
        false,
        `${(e as Error).message}\n${p.tails(10)}`,
      );
      return;
    }
    ctx.check(
      `acl: ${o.app.accessKey} sends to ${o.topic} through the proxy ${p.c.name} (remoting ${addr}), which checks it against the brokers' accounts (SEND_OK ${ms(Date.now() - p.startedAt)} after its start)`,
      true,
      `${answer.brokerName} queue ${answer.queueId} (waited ${ms(Date.now() - t)})`,
    );
    // An anonymous client first asks the proxy for the topic's route: refused (the proxy answers with its own code 1
    // and the brokers' words), so it has nowhere to send.
    let r: any = await pc.call("route", [o.topic], 8_000);
    ctx.check(
      `acl: the proxy refuses an anonymous client the route of ${o.topic}: code 1 "username cannot be null"`,
      refusedWith(r, 1, "username cannot be null"),
      said(r),
    );
    r = await pc.send(o.topic, "", "nobody-via-proxy", undefined, 8_000);
    ctx.check(`acl: an anonymous send through the proxy fails (no route given)`, !r.ok, said(r).split("\n")[0]);
    // The proxy answers a refused send with its own code (1), the brokers' words.
    r = await pc.send(o.topic, "", "audit-via-proxy", o.audit, 8_000);
    ctx.check(
      `acl: the proxy refuses ${o.audit.accessKey}'s send to ${o.topic} (read-only): "has no permission"`,
      !r.ok && /has no permission/.test(String(r.refusal?.message)),
      said(r),
    );
  } finally {
    pc.stop();
  }
}

/**
 * seed-dledger-secured (4.9.8, ACL 1.0) and seed-dledger-secured-5x (5.5.0, ACL 2.0): the DLedger scenario with
 * every command signed as the admin (election, the followers' copies of the admin's topic, kill -9 of the master, a
 * new master, the killed member back as a follower), then RocketMQ's refusals on the group's master after the
 * failover: an anonymous send, and the read-only account's; the application's account sends.
 */
export async function securedDledger(ctx: Ctx, d: Deployment): Promise<void> {
  const accounts = aclAccounts(d);
  const [admin, app, audit] = ["rocketmq-admin", "orders-app", "orders-audit"].map((n) => {
    const a = accounts.get(n);
    if (!a) throw new Error(`${d.stack.name}: no account ${n} in plain_acl.yml`);
    return a;
  });
  const v2 = d.byRole("mqbroker").some((p) => configProps(p.c).authenticationEnabled === "true");
  const code = v2 ? 16 : 1;
  d.signAs = admin;
  ctx.note(
    `dledger: access control ${v2 ? "2.0" : "1.0"}; the checking client signs as ${admin.accessKey} unless a check says otherwise`,
  );
  await dledgerGroup(ctx, d);
  const client = d.client!;
  const brokerName = d.byRole("mqbroker").map(brokerExpect)[0].brokerName;
  const cluster = d.byRole("mqbroker").map(brokerExpect)[0].cluster;
  const topic = "Orders";
  let r: any = await client.createTopic(topic, cluster);
  ctx.check(`dledger+acl: the admin creates ${topic} on the master elected after the failover`, r.ok, said(r));
  await waitFor(`a route for ${topic}`, d.bound(30_000), 250, async () =>
    (await client.route(topic)).ok ? true : undefined,
  );
  let first: { tookMs: number; answer: any };
  try {
    first = await waitSendOk(client, topic, brokerName, d.bound(60_000), app);
  } catch (e) {
    ctx.check(`dledger+acl: ${app.accessKey} sends to ${topic}`, false, (e as Error).message);
    return;
  }
  ctx.check(
    `dledger+acl: ${app.accessKey} sends to ${topic} (SEND_OK after ${ms(first.tookMs)} of probing)`,
    true,
    said(first.answer),
  );
  r = await client.send(topic, brokerName, "from-nobody", null, 8_000);
  ctx.check(`dledger+acl: an anonymous send is refused by the master: code ${code}`, refusedWith(r, code), said(r));
  r = await client.send(topic, brokerName, "from-audit", audit);
  ctx.check(
    `dledger+acl: ${audit.accessKey}'s send is refused: code ${code}, no permission`,
    refusedWith(r, code) && /permission|denied/i.test(r.refusal.message),
    said(r),
  );
}

// ACL probe: the checking client acting as an account or as nobody against real servers with access control, written
// by hand (not the library's output). One name server and one broker per case, in namespaces of its own
// (`rmqprobe-*`, never the labs' `rmqlab-*`), started as the process lab starts servers (procs.ts).
//
//   npx ts-node --transpile-only lab/acl-probe.ts   (as root; about 50 s warm; `-- 4.9.8` for some cases; last line "N passed, N failed")
//
// Cases:
// - acl1-4.9.8: aclEnable=true and plain_acl.yml (an admin account, a read-only account) at
//   <rocketmq.home.dir>/conf/plain_acl.yml, where the 4.9 broker reads it: refusals are code 1.
// - acl1-4.9.8-image-path: the same file uploaded only at the official image's path
//   (/home/rocketmq/rocketmq-4.9.8/conf/plain_acl.yml) while rocketmq.home.dir is elsewhere (as the process lab ran
//   servers before it used the image's ROCKETMQ_HOME): the broker does not read it.
// - acl2-5.3.3, acl2-5.5.0: ACL 2.0 broker keys (both metadata providers, initAuthenticationUser,
//   innerClientAuthenticationCredentials): refusals are code 16.
// - none-4.7.0: no access control; anonymous and signed clients both served (the client on the oldest version).
// Finally: no secret key in anything the client wrote (its answers, its stderr, its RocketMQ log).
import * as fs from "fs";
import * as path from "path";
import { Credentials, LabClient, refusalText, refusedWith } from "./client";
import { ensureJars } from "./jars";
import { Proc } from "./procs";
import { Container, parseContainer } from "./stack";
import { LAB_DIR, WORK_DIR, log, tryRun, run, waitFor } from "./util";

const NS_BR = "rmqprobe-br";
const NS_HOST = "rmqprobe-host";
const NS_CLIENT = "rmqprobe-client";
const HOST = "10.254.77.1";
const CLIENT = "10.254.77.250";
const NAMESRV = `${HOST}:9876`;
const LAB_HOME = path.join(LAB_DIR, "rocketmq-home");
const OUT = path.join(WORK_DIR, "acl-probe");

const ADMIN: Credentials = { accessKey: "labAdmin01", secretKey: "labAdminSecret01" };
const READER: Credentials = { accessKey: "labReader01", secretKey: "labReaderSecret01" };
const ROOT: Credentials = { accessKey: "labroot", secretKey: "labRootPass01" };
const SECRETS = [ADMIN.secretKey, READER.secretKey, ROOT.secretKey];

const PLAIN_ACL = `globalWhiteRemoteAddresses: []
accounts:
  - accessKey: ${ADMIN.accessKey}
    secretKey: ${ADMIN.secretKey}
    whiteRemoteAddress:
    admin: true
  - accessKey: ${READER.accessKey}
    secretKey: ${READER.secretKey}
    whiteRemoteAddress:
    admin: false
    defaultTopicPerm: SUB
    defaultGroupPerm: SUB
`;

const results: { name: string; ok: boolean; detail: string }[] = [];
function check(name: string, ok: boolean, detail: string): void {
  results.push({ name, ok, detail });
  log(`${ok ? "PASS" : "FAIL"} ${name}: ${detail}`);
}

/** What the probe says of an answer: "SEND_OK", "refused with code 1: ...", ... */
function said(r: any): string {
  if (!r.ok) return refusalText(r) + (r.scrubbed ? " [scrubbed]" : "");
  if (r.status) return String(r.status);
  if (r.bodies) return `${r.bodies.length} message(s): ${JSON.stringify(r.bodies)}`;
  if (r.brokers) return `created on ${r.brokers.join(", ")}`;
  return "ok";
}

// ---- network: a bridge namespace, the servers' host and the client, as hosts.ts makes them but named rmqprobe-*
function ip(...args: string[]): void {
  run("ip", args);
}
function netDown(): void {
  for (const ns of [NS_CLIENT, NS_HOST, NS_BR]) {
    try {
      const pids = run("ip", ["netns", "pids", ns]).split(/\s+/).filter(Boolean).map(Number);
      for (const p of pids) {
        try {
          process.kill(p, "SIGKILL");
        } catch {
          /* gone */
        }
      }
    } catch {
      /* no namespace */
    }
    tryRun("ip", ["netns", "del", ns]);
  }
}
function netUp(): void {
  netDown();
  for (const ns of [NS_BR, NS_HOST, NS_CLIENT]) ip("netns", "add", ns);
  ip("-n", NS_BR, "link", "add", "br0", "type", "bridge");
  ip("-n", NS_BR, "link", "set", "br0", "up");
  ip("-n", NS_BR, "link", "set", "lo", "up");
  [
    [NS_HOST, HOST],
    [NS_CLIENT, CLIENT],
  ].forEach(([ns, addr], i) => {
    ip("-n", NS_BR, "link", "add", `v${i}`, "type", "veth", "peer", "name", "eth0", "netns", ns);
    ip("-n", NS_BR, "link", "set", `v${i}`, "master", "br0", "up");
    ip("-n", ns, "link", "set", "lo", "up");
    ip("-n", ns, "addr", "add", `${addr}/32`, "dev", "eth0");
    ip("-n", ns, "link", "set", "eth0", "up");
    ip("-n", ns, "route", "add", "default", "dev", "eth0");
  });
}

/** A server as the process lab runs it, with -Drocketmq.home.dir of the probe's choosing (a folder of this machine). */
class HomeProc extends Proc {
  constructor(c: Container, hostDir: string, home: string) {
    super(c, { jars: ensureJars(c.version), hostNs: NS_HOST, hostDir, rocketmqHome: home });
  }
}

function container(
  name: string,
  version: string,
  script: string,
  props: Record<string, string>,
  extra: { file: string; content: string }[] = [],
): Container {
  const file = `/home/rocketmq/conf/${script === "mqnamesrv" ? "namesrv" : "broker"}.properties`;
  const content = Object.entries(props)
    .map(([k, v]) => `${k}=${v}`)
    .join("\n");
  return parseContainer(name, {
    name,
    command: ["sh", script, "-c", file],
    env: ["JAVA_OPT_EXT=-Xms256m -Xmx256m -XX:MaxDirectMemorySize=256m"],
    upload: [{ file, content: content + "\n" }, ...extra],
    volumes: script === "mqbroker" ? [{ volume_name: `${name}-store`, container_path: "/home/rocketmq/store" }] : [],
    labels: [
      { label: "rocketmq.role", value: script === "mqnamesrv" ? "namesrv" : "broker" },
      { label: "rocketmq.host", value: HOST },
      { label: "rocketmq.version", value: version },
    ],
  });
}

interface Case {
  name: string;
  version: string;
  broker: Record<string, string>;
  /** Files uploaded into the broker's mount namespace (under /home). */
  uploads?: { file: string; content: string }[];
  /** Files written under the broker's rocketmq.home.dir (outside /home: seen as they are). */
  homeFiles?: Record<string, string>;
  checks: (c: LabClient, home: string) => Promise<void>;
}

const clients: LabClient[] = [];
let procs: Proc[] = [];

async function runCase(k: Case): Promise<void> {
  const dir = path.join(OUT, k.name);
  fs.rmSync(dir, { recursive: true, force: true });
  const home = path.join(dir, "rocketmq-home");
  fs.mkdirSync(path.join(home, "conf"), { recursive: true });
  // The lab's logback files: 4.x servers read <rocketmq.home.dir>/conf/logback_<role>.xml.
  for (const f of fs.readdirSync(path.join(LAB_HOME, "conf")))
    fs.copyFileSync(path.join(LAB_HOME, "conf", f), path.join(home, "conf", f));
  for (const [f, content] of Object.entries(k.homeFiles ?? {})) fs.writeFileSync(path.join(home, f), content);
  netUp();
  const hostDir = path.join(dir, "hosts", HOST);
  const ns = new HomeProc(container("probe-namesrv", k.version, "mqnamesrv", { listenPort: "9876" }), hostDir, home);
  const broker = new HomeProc(
    container(
      "probe-broker",
      k.version,
      "mqbroker",
      {
        brokerClusterName: "ProbeCluster",
        brokerName: "probe-b",
        namesrvAddr: NAMESRV,
        brokerIP1: HOST,
        storePathRootDir: "/home/rocketmq/store",
        ...k.broker,
      },
      k.uploads,
    ),
    hostDir,
    home,
  );
  procs = [ns, broker];
  const client = new LabClient(ensureJars(k.version), NS_CLIENT, NAMESRV, path.join(dir, "client"));
  clients.push(client);
  try {
    await client.start();
    ns.start();
    await waitFor("name server", 30_000, 150, async () => {
      if (!ns.alive) throw new Error(`name server exited:\n${ns.tails()}`);
      await client.clusters(NAMESRV, 3000);
      return true;
    });
    broker.start();
    await waitFor("broker registered", 60_000, 150, async () => {
      if (!broker.alive) throw new Error(`broker exited:\n${broker.tails()}`);
      return (await client.clusters(NAMESRV, 3000)).ProbeCluster?.["probe-b"]?.["0"] ? true : undefined;
    });
    log(`${k.name}: RocketMQ ${k.version} up (rocketmq.home.dir=${home})`);
    await k.checks(client, home);
  } catch (e) {
    check(`${k.name}: ran`, false, (e as Error).message);
  } finally {
    client.stop();
    for (const p of procs) await p.kill9(5_000).catch(() => undefined);
    procs = [];
    netDown();
    for (const v of ["volumes", "host_paths"]) fs.rmSync(path.join(hostDir, v), { recursive: true, force: true });
  }
}

const TOPIC = "AclProbeTopic";

function acl2(version: string): Case {
  return {
    name: `acl2-${version}`,
    version,
    broker: {
      authenticationEnabled: "true",
      authenticationProvider: "org.apache.rocketmq.auth.authentication.provider.DefaultAuthenticationProvider",
      authenticationMetadataProvider:
        "org.apache.rocketmq.auth.authentication.provider.LocalAuthenticationMetadataProvider",
      authorizationEnabled: "true",
      authorizationProvider: "org.apache.rocketmq.auth.authorization.provider.DefaultAuthorizationProvider",
      authorizationMetadataProvider:
        "org.apache.rocketmq.auth.authorization.provider.LocalAuthorizationMetadataProvider",
      initAuthenticationUser: JSON.stringify({ username: ROOT.accessKey, password: ROOT.secretKey }),
      innerClientAuthenticationCredentials: JSON.stringify(ROOT),
    },
    checks: async (c) => {
      const p = `acl2-${version}`;
      let r: any = await c.createTopic(TOPIC, "ProbeCluster");
      check(`${p}: anonymous createTopic refused with code 16`, refusedWith(r, 16), said(r));
      r = await c.createTopic(TOPIC, "ProbeCluster", ROOT);
      check(`${p}: init user createTopic`, r.ok, said(r));
      r = await c.send(TOPIC, "probe-b", "anon");
      check(
        `${p}: anonymous send refused: code 16 username cannot be null`,
        refusedWith(r, 16, "username cannot be null"),
        said(r),
      );
      r = await c.send(TOPIC, "probe-b", "from-root", ROOT);
      check(`${p}: init user send SEND_OK`, r.ok && r.status === "SEND_OK", said(r));
      r = await c.consume(TOPIC, "probe-b", ROOT);
      check(`${p}: init user consume reads it`, r.ok && r.bodies.includes("from-root"), said(r));
      r = await c.consume(TOPIC, "probe-b");
      check(`${p}: anonymous consume refused with code 16`, refusedWith(r, 16), said(r));
      r = await c.send(TOPIC, "probe-b", "wrong", { accessKey: ROOT.accessKey, secretKey: "notThePassword9" });
      check(
        `${p}: wrong password refused: check signature failed`,
        refusedWith(r, 16, "check signature failed"),
        said(r),
      );
    },
  };
}

/** No access control: anonymous and signed clients alike are served (the hook on a server that ignores it). */
function none(version: string): Case {
  return {
    name: `none-${version}`,
    version,
    broker: {},
    checks: async (c) => {
      const p = `none-${version}`;
      let r: any = await c.createTopic(TOPIC, "ProbeCluster");
      check(`${p}: anonymous createTopic`, r.ok, said(r));
      // The name server learns the topic at the broker's next registration (the lab's createTopicEverywhere waits too).
      await waitFor("the topic's route", 30_000, 200, async () => ((await c.route(TOPIC)).ok ? true : undefined));
      r = await c.send(TOPIC, "probe-b", "anon");
      check(`${p}: anonymous send SEND_OK`, r.ok && r.status === "SEND_OK", said(r));
      r = await c.send(TOPIC, "probe-b", "signed", ADMIN);
      check(`${p}: signed send SEND_OK`, r.ok && r.status === "SEND_OK", said(r));
      r = await c.consume(TOPIC, "probe-b", ADMIN);
      check(
        `${p}: signed consume reads both`,
        r.ok && r.bodies.includes("anon") && r.bodies.includes("signed"),
        said(r),
      );
      r = await c.hasTopic(`${HOST}:10911`, TOPIC, ADMIN);
      check(`${p}: signed hasTopic`, r.ok && r.has === true, said(r));
      r = await c.route(TOPIC, ADMIN);
      check(`${p}: signed route`, r.ok && r.route?.brokerDatas?.length === 1, said(r));
    },
  };
}

const cases: Case[] = [
  {
    name: "acl1-4.9.8",
    version: "4.9.8",
    broker: { aclEnable: "true" },
    homeFiles: { "conf/plain_acl.yml": PLAIN_ACL },
    checks: async (c) => {
      const p = "acl1-4.9.8";
      let r: any = await c.createTopic(TOPIC, "ProbeCluster");
      check(`${p}: anonymous createTopic refused with code 1`, refusedWith(r, 1), said(r));
      r = await c.createTopic(TOPIC, "ProbeCluster", ADMIN);
      check(`${p}: admin createTopic`, r.ok, said(r));
      r = await c.send(TOPIC, "probe-b", "anon");
      check(
        `${p}: anonymous send refused: code 1 No accessKey is configured`,
        refusedWith(r, 1, "No accessKey is configured"),
        said(r),
      );
      r = await c.send(TOPIC, "probe-b", "from-admin", ADMIN);
      check(`${p}: admin send SEND_OK`, r.ok && r.status === "SEND_OK", said(r));
      r = await c.consume(TOPIC, "probe-b", ADMIN);
      check(`${p}: admin consume reads it`, r.ok && r.bodies.includes("from-admin"), said(r));
      r = await c.send(TOPIC, "probe-b", "from-reader", READER);
      check(`${p}: read-only account's send refused with code 1`, refusedWith(r, 1), said(r));
      r = await c.consume(TOPIC, "probe-b", READER);
      check(`${p}: read-only account consumes`, r.ok && r.bodies.includes("from-admin"), said(r));
      r = await c.consume(TOPIC, "probe-b");
      check(`${p}: anonymous consume refused with code 1`, refusedWith(r, 1), said(r));
      r = await c.send(TOPIC, "probe-b", "wrong", { accessKey: ADMIN.accessKey, secretKey: "notTheSecret99" });
      check(`${p}: wrong secret refused: Check signature failed`, refusedWith(r, 1, "Check signature failed"), said(r));
      // A failure whose text holds a secret (a cluster named after it): the answer must not. (Not an address made of
      // it: RocketMQ's own remoting log writes every address it dials, which no client can scrub.)
      r = await c.createTopic(TOPIC, `no-cluster-${ADMIN.secretKey}`, ADMIN);
      check(
        `${p}: an error holding a secret comes back scrubbed`,
        !r.ok && r.scrubbed === true && r.refusal?.scrubbed === true && !JSON.stringify(r).includes(ADMIN.secretKey),
        `${said(r)}; error: ${r.error}`,
      );
    },
  },
  {
    name: "acl1-4.9.8-image-path",
    version: "4.9.8",
    broker: { aclEnable: "true" },
    uploads: [{ file: "/home/rocketmq/rocketmq-4.9.8/conf/plain_acl.yml", content: PLAIN_ACL }],
    checks: async (c, home) => {
      const p = "acl1-4.9.8-image-path";
      const r: any = await c.createTopic(TOPIC, "ProbeCluster", ADMIN);
      const made = path.join(home, "conf", "plain_acl.yml");
      const there = fs.existsSync(made) ? JSON.stringify(fs.readFileSync(made, "utf8")) : "absent";
      check(
        `${p}: the file at the image's path is not read (admin refused)`,
        !r.ok,
        `${said(r)}; <rocketmq.home.dir>/conf/plain_acl.yml after start: ${there}`,
      );
    },
  },
  acl2("5.3.3"),
  acl2("5.5.0"),
  none("4.7.0"),
];

function cleanupSync(): void {
  for (const c of clients) c.stop();
  for (const p of procs) {
    try {
      process.kill(-p.pid, "SIGKILL");
    } catch {
      /* gone */
    }
  }
  netDown();
}

async function main(): Promise<number> {
  if (process.getuid?.() !== 0) throw new Error("run as root (network and mount namespaces)");
  const only = process.argv.slice(2);
  for (const k of cases) if (!only.length || only.some((o) => k.name.includes(o))) await runCase(k);
  // Nothing the client wrote may hold a secret key (the servers' own logs are not the client's: 4.9.7 logs its ACL
  // file at INFO, secrets included).
  const written: string[] = [];
  for (const k of cases) {
    const d = path.join(OUT, k.name, "client");
    if (fs.existsSync(d)) for (const f of fs.readdirSync(d)) written.push(path.join(d, f));
  }
  const leaks = written.filter((f) => SECRETS.some((s) => fs.readFileSync(f, "utf8").includes(s)));
  check(
    "no secret key in the client's files",
    written.length > 0 && leaks.length === 0,
    leaks.length ? `found in ${leaks.join(", ")}` : `${written.length} files: ${written.join(", ")}`,
  );
  const answers = results.map((r) => r.detail).join("\n");
  check("no secret key in any answer the probe printed", !SECRETS.some((s) => answers.includes(s)), "");
  const failed = results.filter((r) => !r.ok).length;
  process.stdout.write(`${results.length - failed} passed, ${failed} failed\n`);
  return failed ? 1 : 0;
}

for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const)
  process.on(sig, () => {
    cleanupSync();
    process.exit(130);
  });
setTimeout(() => {
  process.stdout.write("acl-probe: still running after 600 s: aborting\n");
  cleanupSync();
  process.exit(1);
}, 600_000).unref();
main().then(
  (code) => {
    cleanupSync();
    process.exit(code);
  },
  (e) => {
    process.stdout.write(`acl-probe crashed: ${(e as Error).stack ?? e}\n`);
    cleanupSync();
    process.exit(1);
  },
);

// The process lab's TLS experiment (npm run lab -- tls): lab-only stacks built with the library's public props only
// (RocketMqCluster tls, its certificate, key and CA from Terraform variables), given certificates the lab makes with
// openssl under lab/.work/tls (never committed), substituted as Terraform would, and run on real servers:
// - a SYNC master and its slave on 4.9.8, TLS enforcing: a plaintext client is refused (how, and what the server
//   logs), a TLS client produces and consumes, the slave copies its master's topics (over TLS) and its messages (HA,
//   a raw socket RocketMQ never encrypts) and serves them after a SIGKILL of its master;
// - 5.3.3 controller mode, enforcing: the controllers in the name servers elect a master (their raft over TLS), the
//   brokers register over TLS, a TLS client produces and consumes, the proxy carries a TLS client's message, refuses a
//   plaintext one, and its gRPC port serves the cluster's certificate (rmq-proxy.json's keys);
// - a 4.9.8 DLedger group: in enforcing mode (a trap: the library refuses it, tls/dledger-raft) no member is ever
//   elected; in permissive mode (the rule's fix) a master is elected and the members still register over TLS.
import { TerraformStack, TerraformVariable, Testing } from "cdktf";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import {
  BrokerPair,
  ControllerBrokerSet,
  ControllerGroup,
  DLedgerGroup,
  DockerHost,
  NameServer,
  Proxy,
  Replication,
  RocketMqCluster,
  RocketMqVersion,
  TlsMode,
} from "../lib";
import { Ctx } from "./checks";
import { LabClient, refusalText } from "./client";
import { BrokerExpect, Deployment, brokerExpect, registeredId } from "./deployment";
import { ExpEnv, withDeployment } from "./experiments";
import { LabProc, Proc } from "./procs";
import { consumeAll, sendOk, waitSendOk } from "./scenarios";
import { Container, Stack, readStack } from "./stack";
import { WORK_DIR, log, ms, run, waitFor } from "./util";

const TLS_WORK = path.join(WORK_DIR, "tls");
/** What an enforcing RocketMQ server logs when a client speaks plaintext (NettyRemotingServer's HandshakeHandler). */
export const INSECURE_LINE =
  "Clients intend to establish an insecure connection while this server is running in SSL enforcing mode";

/** A CA and a server certificate it signed, made by openssl for this run. */
export interface LabCertificates {
  readonly dir: string;
  readonly caPath: string;
  readonly caPem: string;
  readonly certPem: string;
  readonly keyPem: string;
  readonly description: string;
}

/** A CA (RSA 2048, 2 days) and a server certificate it signs for `addresses` (as IP SANs), its key PKCS#8. */
export function makeCertificates(dir: string, addresses: readonly string[]): LabCertificates {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const f = (name: string) => path.join(dir, name);
  const ssl = (...args: string[]) => run("openssl", args, { cwd: dir, timeoutMs: 60_000 });
  ssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", f("ca.key"));
  ssl(
    "req",
    "-new",
    "-x509",
    "-key",
    f("ca.key"),
    "-out",
    f("ca.crt"),
    "-days",
    "2",
    "-subj",
    "/CN=rocketmq-cdktf lab CA",
  );
  // genpkey writes PKCS#8 (-----BEGIN PRIVATE KEY-----), the only form RocketMQ's Netty reads.
  ssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", f("server.key"));
  ssl("req", "-new", "-key", f("server.key"), "-out", f("server.csr"), "-subj", "/CN=rocketmq-cdktf lab server");
  fs.writeFileSync(f("san.cnf"), `subjectAltName=${addresses.map((a) => `IP:${a}`).join(",")}\n`);
  ssl(
    "x509",
    "-req",
    "-in",
    f("server.csr"),
    "-CA",
    f("ca.crt"),
    "-CAkey",
    f("ca.key"),
    "-CAcreateserial",
    "-out",
    f("server.crt"),
    "-days",
    "2",
    "-extfile",
    f("san.cnf"),
  );
  ssl("verify", "-CAfile", f("ca.crt"), f("server.crt"));
  const read = (name: string) => fs.readFileSync(f(name), "utf8");
  return {
    dir,
    caPath: f("ca.crt"),
    caPem: read("ca.crt"),
    certPem: read("server.crt"),
    keyPem: read("server.key"),
    description: ssl("x509", "-in", f("server.crt"), "-noout", "-subject", "-issuer", "-ext", "subjectAltName")
      .replace(/\s+/g, " ")
      .trim(),
  };
}

/** The client's TLS switch: TLS on, test mode off, the servers' certificate checked against `caPath`. */
export function clientTlsOptions(
  certs: LabCertificates,
  caPath = certs.caPath,
  name = "client-tls.properties",
): string[] {
  const file = path.join(certs.dir, name);
  const lines = ["tls.test.mode.enable=false", "tls.client.authServer=true", `tls.client.trustCertPath=${caPath}`];
  fs.writeFileSync(file, lines.join("\n") + "\n");
  return ["-Dtls.enable=true", `-Dtls.config.file=${file}`];
}

/** A CA of its own that signed nothing of the cluster's (a client trusting only it must refuse the servers). */
function otherCa(certs: LabCertificates): string {
  const key = path.join(certs.dir, "other-ca.key");
  const crt = path.join(certs.dir, "other-ca.crt");
  run("openssl", ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", key], {
    timeoutMs: 60_000,
  });
  run("openssl", ["req", "-new", "-x509", "-key", key, "-out", crt, "-days", "2", "-subj", "/CN=another CA"], {
    timeoutMs: 60_000,
  });
  return crt;
}

/** What openssl s_client, in the client namespace, sees at `addr`: the handshake, the certificate, its verification. */
export function sClient(ns: string, addr: string, caPath: string, extra: string[] = []): { ok: boolean; text: string } {
  const r = spawnSync(
    "ip",
    [
      ...["netns", "exec", ns, "openssl", "s_client", "-connect", addr, "-CAfile", caPath],
      ...["-verify_return_error", "-brief", ...extra],
    ],
    { input: "", encoding: "utf8", timeout: 15_000, killSignal: "SIGKILL" },
  );
  const text = `${r.stdout ?? ""}${r.stderr ?? ""}`
    .split("\n")
    .filter((l) => /Protocol version|Ciphersuite|Peer certificate|Verification|error/i.test(l))
    .map((l) => l.trim())
    .join("; ");
  return { ok: r.status === 0, text };
}

/**
 * What each server presents (openssl s_client in the client namespace): the lab's certificate, verified against the
 * lab's CA. `servers`: what it is, its address, extra s_client arguments (`-alpn h2` for a gRPC port).
 */
export function checkPresentedCertificates(
  ctx: Ctx,
  d: Deployment,
  label: string,
  caPath: string,
  servers: readonly (readonly [string, string, readonly string[]])[],
): void {
  for (const [what, addr, extra] of servers) {
    const seen = sClient(d.clientNs, addr, caPath, [...extra]);
    ctx.check(
      `${label}tls: the ${what} ${addr} presents the lab's certificate, verified against the lab's CA (openssl s_client)`,
      seen.ok && seen.text.includes("rocketmq-cdktf lab server") && /Verification: OK/.test(seen.text),
      seen.text,
    );
  }
}

/** The servers a plaintext client tries, and how a lab reads a server's logs. */
export interface PlaintextTargets {
  /** Prefix of every check's name (the stack's, in the labs that run several). */
  readonly label: string;
  readonly nameServer: LabProc;
  readonly master: BrokerExpect;
  /** The proxy and its remoting address, when the stack has one. */
  readonly proxy?: { readonly proc: LabProc; readonly remoting: string };
  /** The first line of the server's logs (or output) that says a client spoke plaintext to it, with where it was. */
  insecureLine(p: LabProc): string | undefined;
}

/**
 * A plaintext client (the lab's client without the TLS switch) against enforcing servers, the same in every lab: it
 * says it does not speak TLS; the name server gives it no cluster, the master no configuration, the proxy's remoting
 * port refuses its send; each of them logs why (INSECURE_LINE).
 */
export async function checkPlaintextRefused(ctx: Ctx, d: Deployment, t: PlaintextTargets): Promise<void> {
  const { label, master, proxy } = t;
  const plain = new LabClient(d.jars, d.clientNs, d.namesrvAddrs.join(";"), path.join(d.dir, "client-plaintext"));
  const viaProxy = proxy
    ? new LabClient(d.jars, d.clientNs, proxy.remoting, path.join(d.dir, "client-plaintext-via-proxy"))
    : undefined;
  try {
    await plain.start();
    ctx.check(
      `${label}tls: the plaintext client's producer, consumer and admin do not speak TLS`,
      plain.readyAnswer?.useTLS === false,
      JSON.stringify(plain.readyAnswer),
    );
    let start = Date.now();
    const info = await plain.clusterInfo(d.namesrvAddrs[0], undefined, 15_000);
    ctx.check(
      `${label}tls: a plaintext client asking the enforcing name server ${d.namesrvAddrs[0]} for the cluster gets no answer (${ms(Date.now() - start)})`,
      !info.ok,
      info.ok ? JSON.stringify(info.clusters) : refusalText(info).split("\n")[0],
    );
    start = Date.now();
    const cfg = await plain.call("brokerConfig", [master.addr], 15_000);
    ctx.check(
      `${label}tls: a plaintext client asking the enforcing master ${master.addr} for its configuration gets no answer (${ms(Date.now() - start)})`,
      !cfg.ok,
      cfg.ok ? "answered" : refusalText(cfg).split("\n")[0],
    );
    if (proxy && viaProxy) {
      await viaProxy.start();
      start = Date.now();
      const sent = await viaProxy.send("Orders", "", "plaintext-via-proxy", undefined, 15_000);
      ctx.check(
        `${label}tls: a plaintext client's send through the enforcing proxy's remoting port ${proxy.remoting} is refused (${ms(Date.now() - start)})`,
        !sent.ok,
        sent.ok ? sent.status : refusalText(sent).split("\n")[0],
      );
    }
    for (const p of [t.nameServer, master.proc, ...(proxy ? [proxy.proc] : [])]) {
      const line = t.insecureLine(p);
      ctx.check(
        `${label}tls: ${p.c.name} logs that a client spoke plaintext to it in enforcing mode`,
        line !== undefined,
        line ?? `no "${INSECURE_LINE}" in its logs`,
      );
    }
  } finally {
    plain.stop();
    viaProxy?.stop();
  }
}

/** The Terraform variables of the lab's TLS stacks. */
function tlsProps(stack: TerraformStack, mode: TlsMode) {
  const variable = (name: string, sensitive: boolean) =>
    new TerraformVariable(stack, name, { type: "string", sensitive }).stringValue;
  return {
    mode,
    certificate: variable("tlsCertificate", false),
    privateKey: variable("tlsPrivateKey", true),
    trustCertificate: variable("tlsCa", false),
  };
}

const PAIR_HOSTS = ["172.17.160.71", "172.17.160.72"];
const DLEDGER_HOSTS = ["172.17.160.73", "172.17.160.74", "172.17.160.75"];
const FIVE_HOSTS = ["172.17.160.76", "172.17.160.77", "172.17.160.78"];

/** A SYNC master on .71 and its slave on .72, a name server on each, 4.9.8, TLS enforcing. */
function pairStack(stack: TerraformStack): void {
  const [h71, h72] = PAIR_HOSTS.map((a) => new DockerHost(stack, `h${a.split(".")[3]}`, { address: a }));
  const cluster = new RocketMqCluster(stack, "rmq", {
    clusterName: "TlsCluster",
    version: RocketMqVersion.V4_9_8,
    brokerJvm: { heapMb: 512, directMemoryMb: 512 },
    nameServerJvm: { heapMb: 256, directMemoryMb: 128 },
    tls: tlsProps(stack, TlsMode.ENFORCING),
  });
  new NameServer(cluster, "ns71", { host: h71 });
  new NameServer(cluster, "ns72", { host: h72 });
  new BrokerPair(cluster, "broker-tls", {
    replication: Replication.SYNC,
    master: { host: h71 },
    slaves: [{ host: h72 }],
  });
}

/** A DLedger group of three on 4.9.8 and one name server, TLS permissive (what tls/dledger-raft asks for). */
function dledgerStack(stack: TerraformStack): void {
  const hosts = DLEDGER_HOSTS.map((a) => new DockerHost(stack, `h${a.split(".")[3]}`, { address: a }));
  const cluster = new RocketMqCluster(stack, "rmq", {
    clusterName: "TlsRaftCluster",
    version: RocketMqVersion.V4_9_8,
    brokerJvm: { heapMb: 384, directMemoryMb: 384 },
    nameServerJvm: { heapMb: 256, directMemoryMb: 128 },
    tls: tlsProps(stack, TlsMode.PERMISSIVE),
  });
  new NameServer(cluster, "ns", { host: hosts[0] });
  new DLedgerGroup(cluster, "raft", { peers: hosts.map((host) => ({ host })) });
}

/**
 * 5.3.3 controller mode, TLS enforcing: a name server with an embedded controller on each of .76-.78 (their raft
 * group), two brokers whose master the controllers elect (.76, .77), a cluster-mode proxy on .78.
 */
function fiveStack(stack: TerraformStack): void {
  const hosts = FIVE_HOSTS.map((a) => new DockerHost(stack, `h${a.split(".")[3]}`, { address: a }));
  const cluster = new RocketMqCluster(stack, "rmq", {
    clusterName: "Tls5Cluster",
    version: RocketMqVersion.V5_3_3,
    brokerJvm: { heapMb: 512, directMemoryMb: 512 },
    nameServerJvm: { heapMb: 384, directMemoryMb: 256 },
    tls: tlsProps(stack, TlsMode.ENFORCING),
  });
  const nameServers = hosts.map((host, i) => new NameServer(cluster, `ns${76 + i}`, { host }));
  new ControllerGroup(cluster, "controllers", { inNameServers: nameServers.map((nameServer) => ({ nameServer })) });
  new ControllerBrokerSet(cluster, "broker-tls5", { brokers: hosts.slice(0, 2).map((host) => ({ host })) });
  new Proxy(cluster, "proxy78", { host: hosts[2] });
}

/** Synthesizes a lab-only stack with the library's validations, and reads it with the certificates as its variables. */
function synthLabStack(name: string, build: (s: TerraformStack) => void, certs: LabCertificates): Stack {
  const stack = new TerraformStack(Testing.app(), name);
  build(stack);
  const json = Testing.synth(stack, true);
  const dir = path.join(TLS_WORK, "synth");
  fs.mkdirSync(path.join(dir, "stacks", name), { recursive: true });
  fs.writeFileSync(path.join(dir, "stacks", name, "cdk.tf.json"), json);
  return readStack(dir, name, { tlsCertificate: certs.certPem, tlsPrivateKey: certs.keyPem, tlsCa: certs.caPem });
}

/** The server's own output and RocketMQ's log, as far as they go. */
function logsOf(p: LabProc): string {
  const read = (f: string) => (fs.existsSync(f) ? fs.readFileSync(f, "utf8") : "");
  return read((p as Proc).out) + read((p as Proc).rmqLog);
}

function upload(c: Container, name: string): string | undefined {
  return c.uploads.find((u) => u.file.endsWith(`/${name}`))?.content;
}

/** What the library generated for every server, and that the lab runs exactly that. */
function checkGenerated(ctx: Ctx, stack: Stack, mode: string, certs: LabCertificates, d: Deployment): void {
  for (const p of d.procs) {
    const c = p.c;
    const opt = c.env.JAVA_OPT_EXT ?? "";
    const want = [
      `-Dtls.server.mode=${mode}`,
      "-Dtls.enable=true",
      "-Dtls.config.file=/home/rocketmq/conf/tls/tls.properties",
    ];
    const script = (p as Proc).shellScript();
    ctx.check(
      `tls: ${c.name} runs with ${want.join(" ")} from its JAVA_OPT_EXT, and no TLS option of the lab's own`,
      want.every((w) => opt.includes(w) && script.includes(`'${w}'`)) &&
        (script.match(/tls\.server\.mode=/g) ?? []).length === 1,
      opt,
    );
    const props = upload(c, "tls.properties") ?? "";
    ctx.check(
      `tls: ${c.name} is given tls.properties (test mode off, the uploaded certificate and key, the CA) and the lab's certificate, key and CA as the variables' values`,
      props.includes("tls.test.mode.enable=false") &&
        props.includes("tls.server.keyPath=/home/rocketmq/conf/tls/server.key") &&
        props.includes("tls.client.trustCertPath=/home/rocketmq/conf/tls/ca.crt") &&
        upload(c, "server.crt") === certs.certPem &&
        upload(c, "server.key") === certs.keyPem &&
        upload(c, "ca.crt") === certs.caPem,
      `${stack.name}: ${c.uploads.map((u) => path.posix.basename(u.file)).join(", ")}`,
    );
  }
}

async function pairScenario(ctx: Ctx, d: Deployment, certs: LabCertificates): Promise<void> {
  checkGenerated(ctx, d.stack, "enforcing", certs, d);
  d.clientJvmOptions = clientTlsOptions(certs);
  // up(): the TLS client asks each name server until it answers, and each broker until it is registered at its
  // address in every name server: the brokers registered over TLS.
  await d.up();
  const client = d.client!;
  ctx.check(
    `tls: the lab's TLS client says its producer, consumer and admin use TLS`,
    client.readyAnswer?.useTLS === true,
    JSON.stringify(client.readyAnswer),
  );
  const brokers = d.byRole("mqbroker").map(brokerExpect);
  const master = brokers.find((b) => b.id === "0");
  const slave = brokers.find((b) => b.id !== undefined && b.id !== "0");
  if (!master || !slave) throw new Error(`${d.stack.name}: expected a master and a slave`);
  const { cluster, brokerName } = master;
  const cl = await client.clusters();
  for (const b of brokers) {
    const ready = d.timings[`ready ${b.proc.c.name}`];
    ctx.check(
      `tls: ${b.proc.c.name} (enforcing) registered with both name servers over TLS as ${brokerName} id ${b.id}${ready !== undefined ? ` (${ms(ready)} after start)` : ""}`,
      registeredId(cl, b) === b.id,
      JSON.stringify(cl[cluster] ?? {}),
    );
  }

  await checkPlaintextRefused(ctx, d, {
    label: "",
    nameServer: d.byRole("mqnamesrv")[0],
    master,
    insecureLine: (p) =>
      logsOf(p)
        .split("\n")
        .find((l) => l.includes(INSECURE_LINE))
        ?.trim(),
  });
  checkPresentedCertificates(ctx, d, "", certs.caPath, [
    ["name server", d.namesrvAddrs[0], []],
    ["master", master.addr, []],
  ]);
  const wrongCa = new LabClient(
    d.jars,
    d.clientNs,
    d.namesrvAddrs.join(";"),
    path.join(d.dir, "client-other-ca"),
    clientTlsOptions(certs, otherCa(certs), "client-other-ca.properties"),
  );
  try {
    await wrongCa.start();
    const t = Date.now();
    const r = await wrongCa.clusterInfo(d.namesrvAddrs[0], undefined, 15_000);
    ctx.check(
      `tls: a TLS client that trusts another CA refuses the name server's certificate (${ms(Date.now() - t)})`,
      !r.ok,
      r.ok ? "answered" : refusalText(r).split("\n")[0],
    );
  } finally {
    wrongCa.stop();
  }

  // The TLS client produces and consumes; SEND_OK from a SYNC master means its slave has the message (HA).
  const topic = "TlsOrders";
  const r: any = await client.createTopic(topic, cluster);
  ctx.check(
    `tls: the TLS client creates topic ${topic} on the master`,
    r.ok,
    r.ok ? r.brokers.join(",") : refusalText(r),
  );
  await waitFor(`a route for ${topic}`, d.bound(30_000), 250, async () =>
    (await client.route(topic)).ok ? true : undefined,
  );
  const first = await waitSendOk(client, topic, brokerName, d.bound(60_000));
  const sent: string[] = [];
  for (let i = 0; i < 5; i++) {
    const x = await sendOk(client, topic, brokerName, `tls-order-${i}`);
    if (x.ok && x.status === "SEND_OK") sent.push(`tls-order-${i}`);
    else ctx.check(`tls: send tls-order-${i}`, false, JSON.stringify(x));
  }
  ctx.check(
    `tls: the TLS client sends ${sent.length} messages, each SEND_OK from the SYNC master (its slave acknowledged over HA; the first after ${ms(first.tookMs)} of probing)`,
    sent.length === 5,
  );
  const got = await consumeAll(client, topic, brokerName, sent, 30_000);
  ctx.check(
    `tls: the TLS client consumes the ${sent.length} messages`,
    sent.every((b) => got.includes(b)),
    `read ${got.length}`,
  );

  // The slave copies its master's topics (metadata over the master's TLS port) ...
  const tCopy = Date.now();
  try {
    await waitFor(`${slave.addr} to have ${topic}`, d.bound(40_000), 500, async () => {
      const h = await client.hasTopic(slave.addr, topic);
      if (!h.ok) throw new Error(refusalText(h));
      return h.has ? true : undefined;
    });
    ctx.check(
      `tls: the slave ${slave.addr} has copied topic ${topic} from its enforcing master (${ms(Date.now() - tCopy)} after the sends)`,
      true,
    );
  } catch (e) {
    ctx.check(
      `tls: the slave ${slave.addr} copies topic ${topic} from its enforcing master`,
      false,
      (e as Error).message,
    );
  }
  // ... and its messages: with the master killed, they are read from the slave.
  const tKill = Date.now();
  await master.proc.kill9();
  log(`kill -9 ${master.proc.c.name} (${master.addr})`);
  const gone = await waitFor(`${master.addr} to leave the route`, 40_000, 200, async () =>
    registeredId(await client.clusters(), master) === undefined ? Date.now() - tKill : undefined,
  );
  const tRead = Date.now();
  const after = await consumeAll(client, topic, brokerName, sent, 30_000);
  ctx.check(
    `tls: with its master killed (unregistered ${ms(gone)} after kill -9), the slave serves the ${sent.length} messages to the TLS client (${ms(Date.now() - tRead)})`,
    sent.every((b) => after.includes(b)),
    `read ${after.length}`,
  );
  const tRe = Date.now();
  await d.restartAfterKill(master.proc);
  await d.waitRegistered([master.proc], d.bound(90_000), (_b, id) => id === "0");
  ctx.note(`${master.proc.c.name} registered again as master over TLS ${ms(Date.now() - tRe)} after its restart`);
}

/** 5.3.3 enforcing: the broker registers over TLS, a TLS client produces and consumes, the proxy serves TLS only. */
async function fiveScenario(ctx: Ctx, d: Deployment, certs: LabCertificates): Promise<void> {
  checkGenerated(ctx, d.stack, "enforcing", certs, d);
  const proxy = d.byRole("mqproxy")[0];
  const conf = JSON.parse(upload(proxy.c, "rmq-proxy.json") ?? "{}") as Record<string, unknown>;
  ctx.check(
    `tls: the proxy's rmq-proxy.json turns its test mode off and names the uploaded certificate and key`,
    conf.tlsTestModeEnable === false &&
      conf.tlsCertPath === "/home/rocketmq/conf/tls/server.crt" &&
      conf.tlsKeyPath === "/home/rocketmq/conf/tls/server.key",
    JSON.stringify({
      tlsTestModeEnable: conf.tlsTestModeEnable,
      tlsCertPath: conf.tlsCertPath,
      tlsKeyPath: conf.tlsKeyPath,
    }),
  );
  d.clientJvmOptions = clientTlsOptions(certs);
  await d.startClient();
  await d.startNamesrvs();
  const client = d.client!;
  const procs = d.byRole("mqbroker");
  const [{ cluster, brokerName }] = procs.map(brokerExpect);
  const tStart = Date.now();
  for (const p of procs) p.start();
  // The controllers (raft among the name servers, over TLS) elect the master; the brokers register with the
  // controllers and the name servers over TLS.
  const master = await waitFor(
    `a master of ${brokerName} elected by the controllers`,
    d.bound(90_000),
    200,
    async () => {
      d.assertAlive(procs);
      return (await client.clusters())[cluster]?.[brokerName]?.["0"];
    },
  );
  const elected = Date.now() - tStart;
  await d.waitRegistered(procs, d.bound(90_000), (_b, id) => Number(id) >= 0);
  const set = (await client.clusters())[cluster]?.[brokerName] ?? {};
  ctx.check(
    `tls: 5.3.3 controller mode, enforcing: the controllers in the name servers elect master ${master} ${ms(elected)} after the brokers were spawned, and both brokers register over TLS`,
    Object.keys(set).length === 2 && set["0"] === master,
    JSON.stringify(set),
  );
  const broker = { cluster, brokerName };
  const topic = "Tls5Orders";
  const created = await client.createTopic(topic, broker.cluster);
  ctx.check(
    `tls: the TLS client creates topic ${topic} on the 5.3.3 master`,
    created.ok,
    created.ok ? "" : refusalText(created),
  );
  await waitFor(`a route for ${topic}`, d.bound(30_000), 250, async () =>
    (await client.route(topic)).ok ? true : undefined,
  );
  const first = await waitSendOk(client, topic, broker.brokerName, d.bound(30_000));
  const sent: string[] = [];
  for (let i = 0; i < 3; i++) {
    const x = await sendOk(client, topic, broker.brokerName, `tls5-${i}`);
    if (x.ok && x.status === "SEND_OK") sent.push(`tls5-${i}`);
  }
  const got = await consumeAll(client, topic, broker.brokerName, sent, 30_000);
  ctx.check(
    `tls: the TLS client sends ${sent.length} messages to the 5.3.3 master (SEND_OK; the first after ${ms(first.tookMs)}) and consumes them`,
    sent.length === 3 && sent.every((b) => got.includes(b)),
    `read ${got.length}`,
  );

  // The proxy: its remoting port (8080) and its gRPC port (8081), both enforcing.
  const remoting = `${proxy.c.host}:${Number(conf.remotingListenPort ?? 8080)}`;
  const grpc = `${proxy.c.host}:${Number(conf.grpcServerPort ?? 8081)}`;
  proxy.start();
  const viaTls = new LabClient(
    d.jars,
    d.clientNs,
    remoting,
    path.join(d.dir, "client-via-proxy"),
    clientTlsOptions(certs),
  );
  const viaPlain = new LabClient(d.jars, d.clientNs, remoting, path.join(d.dir, "client-via-proxy-plaintext"));
  try {
    await viaTls.start();
    const r = await waitFor(`a message through the proxy ${remoting} over TLS`, d.bound(60_000), 500, async () => {
      d.assertAlive([proxy]);
      const x = await viaTls.send(topic, "", "tls5-via-proxy", undefined, 8_000);
      if (!x.ok) throw new Error(x.error);
      if (x.status !== "SEND_OK") throw new Error(`status ${x.status}`);
      return x;
    });
    ctx.check(
      `tls: the proxy (enforcing, its own clients to the name server and broker over TLS) carries a TLS client's message (SEND_OK ${ms(Date.now() - proxy.startedAt)} after its start)`,
      true,
      `${r.brokerName} queue ${r.queueId}`,
    );
    await viaPlain.start();
    const t = Date.now();
    const x = await viaPlain.send(topic, "", "plaintext-via-proxy", undefined, 15_000);
    ctx.check(
      `tls: a plaintext client is refused by the proxy's remoting port ${remoting} (${ms(Date.now() - t)})`,
      !x.ok,
      x.ok ? `${x.status}` : refusalText(x).split("\n")[0],
    );
    const seen = sClient(d.clientNs, grpc, certs.caPath, ["-alpn", "h2"]);
    ctx.check(
      `tls: the proxy's gRPC port ${grpc} presents the cluster's certificate, verified against the lab's CA (rmq-proxy.json's keys; openssl s_client)`,
      seen.ok && seen.text.includes("rocketmq-cdktf lab server") && /Verification: OK/.test(seen.text),
      seen.text,
    );
  } finally {
    viaTls.stop();
    viaPlain.stop();
  }
}

/** The DLedger group in `mode`: whether a master is elected within `boundMs`, and what the members logged. */
async function dledgerRun(
  ctx: Ctx,
  d: Deployment,
  certs: LabCertificates,
  mode: string,
  boundMs: number,
): Promise<void> {
  d.clientJvmOptions = clientTlsOptions(certs);
  await d.startClient();
  await d.startNamesrvs();
  const procs = d.byRole("mqbroker");
  const [{ cluster, brokerName }] = procs.map(brokerExpect);
  const t = Date.now();
  for (const p of procs) p.start();
  let master: string | undefined;
  try {
    master = await waitFor(`a master of ${brokerName}`, boundMs, 250, async () => {
      d.assertAlive(procs);
      return (await d.client!.clusters())[cluster]?.[brokerName]?.["0"];
    });
  } catch (e) {
    log(`dledger ${mode}: ${(e as Error).message.split("\n")[0]}`);
  }
  const took = Date.now() - t;
  const registered = (await d.client!.clusters())[cluster]?.[brokerName] ?? {};
  const insecure = procs.filter((p) => logsOf(p).includes(INSECURE_LINE)).map((p) => p.c.name);
  if (mode === "enforcing") {
    ctx.check(
      `tls: a 4.9.8 DLedger group in enforcing mode (the library refuses it: tls/dledger-raft) elects no master in ${ms(boundMs)}, its members alive; ${insecure.length} of ${procs.length} log the plaintext raft connections of their peers`,
      master === undefined && procs.every((p) => p.alive) && insecure.length === procs.length,
      `registered ${JSON.stringify(registered)}; logging "${INSECURE_LINE}": ${insecure.join(", ") || "none"}`,
    );
  } else {
    ctx.check(
      `tls: the same group in permissive mode (the rule's fix) elects master ${master ?? "(none)"} ${ms(took)} after the brokers were spawned, registered over TLS`,
      master !== undefined,
      `registered ${JSON.stringify(registered)}`,
    );
  }
}

/** f. TLS: the enforcing 4.9.8 pair, 5.3.3 controller mode with a proxy, then the DLedger group in enforcing (a trap) and permissive mode. */
export async function expTls(env: ExpEnv): Promise<void> {
  const { ctx } = env;
  const certs = makeCertificates(path.join(TLS_WORK, "certs"), [...PAIR_HOSTS, ...DLEDGER_HOSTS, ...FIVE_HOSTS]);
  ctx.check(
    `tls: openssl made a CA and a server certificate it signed (RSA 2048, the key PKCS#8: -----BEGIN PRIVATE KEY-----), under ${path.relative(process.cwd(), certs.dir)}`,
    certs.keyPem.startsWith("-----BEGIN PRIVATE KEY-----"),
    certs.description,
  );
  const pair = synthLabStack("lab-tls-pair", pairStack, certs);
  await withDeployment(pair, "tls-pair", (d) => pairScenario(ctx, d, certs));

  const five = synthLabStack("lab-tls-5x", fiveStack, certs);
  await withDeployment(five, "tls-5x", (d) => fiveScenario(ctx, d, certs));

  const raft = synthLabStack("lab-tls-dledger", dledgerStack, certs);
  const enforcing: Stack = JSON.parse(JSON.stringify(raft)) as Stack;
  for (const c of enforcing.containers)
    if (c.role === "broker")
      c.env.JAVA_OPT_EXT = c.env.JAVA_OPT_EXT.replace("-Dtls.server.mode=permissive", "-Dtls.server.mode=enforcing");
  await withDeployment(enforcing, "tls-dledger-enforcing", (d) => dledgerRun(ctx, d, certs, "enforcing", 45_000));
  await withDeployment(raft, "tls-dledger-permissive", async (d) => {
    checkGenerated(ctx, raft, "permissive", certs, d);
    await dledgerRun(ctx, d, certs, "permissive", d.bound(60_000));
  });
}

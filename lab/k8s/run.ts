// The Kubernetes lab: a KubernetesHost stack (one name server and a DLedger group of three peers, RocketMQ 5.3.3)
// synthesized by the library, applied by OpenTofu with the gavinbunney/kubectl provider to a real three-node cluster
// (./cluster.ts), then checked from outside the cluster network (the control plane's namespace, which reaches the
// nodes only): messages produced and consumed through the brokers' node addresses; the peers on three nodes; the
// leader's pod deleted (failover timed); the deleted pod back with its claim; `tofu destroy` keeping every claim.
// Everything the lab made is removed at the end, also on failure.
//
//   npm run lab:k8s
import { App, TerraformStack } from "cdktf";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { DLedgerGroup, KubernetesHost, NameServer, RocketMqCluster, RocketMqVersion } from "../../lib";
import { LabClient } from "../client";
import { LAB_IMAGE_REPO } from "../engine/image";
import { tofuEnv } from "../engine/tofu";
import { ensureJars } from "../jars";
import { log, ms, stripAnsi, waitFor } from "../util";
import { CACHE_DIR, ensureKubectlProvider } from "./build";
import { CP_NS, Cluster, PREFIX, leftovers, localStorage, startCluster } from "./cluster";
import { ensurePauseImage, ensureRocketmqImage } from "./image";

const VERSION = "5.3.3";
const NODES = 3;
const NAMESPACE = "rocketmq";
if (fs.existsSync("/usr/local/go/bin/go")) process.env.PATH = `/usr/local/go/bin:${process.env.PATH ?? ""}`;

interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

/** The lab's storage (three local volumes per node) and the stack's namespace. */
function storage(c: Cluster): string {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "List",
    items: [...localStorage(c, 3, "100Gi"), { apiVersion: "v1", kind: "Namespace", metadata: { name: NAMESPACE } }],
  });
}

/** The stack under test, as a user writes it: the cluster on one KubernetesHost, pointed at the lab's kubeconfig. */
function synthesize(c: Cluster): string {
  const outdir = path.join(c.dir, "cdktf.out");
  const app = new App({ outdir });
  const stack = new TerraformStack(app, "k8s-dledger");
  const k8s = new KubernetesHost(stack, "k8s", {
    namespace: NAMESPACE,
    storageClassName: "local",
    brokerStoreSize: "4Gi",
    configPath: c.kubeconfig,
  });
  const cluster = new RocketMqCluster(stack, "rmq", {
    clusterName: "K8sRaft",
    version: RocketMqVersion.of(VERSION),
    image: `${LAB_IMAGE_REPO}:${VERSION}`,
    nameServerJvm: { heapMb: 256 },
    brokerJvm: { heapMb: 384, directMemoryMb: 256 },
  });
  new NameServer(cluster, "ns0", { host: k8s });
  new DLedgerGroup(cluster, "broker-c", {
    peers: [0, 1, 2].map(() => ({ host: k8s, properties: { mappedFileSizeCommitLog: 268435456 } })),
  });
  app.synth();
  return path.join(outdir, "stacks", "k8s-dledger");
}

/** OpenTofu in the control plane's namespace (it reaches the API server), with the cached kubectl provider. */
function tofu(dir: string, args: string[], timeoutMs = 15 * 60_000): string {
  const env = tofuEnv();
  const t = Date.now();
  const r = spawnSync("nsenter", [`--net=/run/netns/${CP_NS}`, "--", env.TOFU, `-chdir=${dir}`, ...args], {
    env: {
      ...process.env,
      TF_CLI_CONFIG_FILE: path.join(CACHE_DIR, "provider", "provider.tfrc"),
      TF_IN_AUTOMATION: "1",
      TF_INPUT: "0",
      CHECKPOINT_DISABLE: "1",
    },
    encoding: "utf8",
    timeout: timeoutMs,
    killSignal: "SIGKILL",
  });
  const out = stripAnsi(`${r.stdout ?? ""}\n${r.stderr ?? ""}`);
  if (r.status !== 0)
    throw new Error(`tofu ${args[0]} exited ${r.status ?? r.signal ?? r.error}:\n${out.slice(-4000)}`);
  log(`tofu ${args[0]}: ok in ${ms(Date.now() - t)}`);
  return out;
}

function pods(c: Cluster): any[] {
  return JSON.parse(c.kubectl(["get", "pods", "-n", NAMESPACE, "-o", "json"])).items as any[];
}

function ready(p: any): boolean {
  return (
    p.status?.phase === "Running" && p.status?.conditions?.some((x: any) => x.type === "Ready" && x.status === "True")
  );
}

/** brokerId -> address of the cluster's broker-c set, as the name server has it. */
async function brokerC(client: LabClient): Promise<Record<string, string>> {
  const clusters = await client.clusters();
  return clusters.K8sRaft?.["broker-c"] ?? {};
}

async function main(): Promise<number> {
  const checks: Check[] = [];
  const check = (name: string, ok: boolean, detail: string) => {
    checks.push({ name, ok, detail });
    log(`${ok ? "PASS" : "FAIL"} ${name}: ${detail}`);
  };
  const t0 = Date.now();
  let c: Cluster | undefined;
  let client: LabClient | undefined;
  try {
    ensureKubectlProvider();
    const jars = ensureJars(VERSION);
    c = await startCluster(NODES, (bins) => [ensurePauseImage(bins.pause), ensureRocketmqImage(VERSION, bins.debsBin)]);
    check(
      "cluster",
      true,
      `${NODES} nodes Ready ${ms(c.timings.startToReadyMs)} after start; the RocketMQ image on every node ${ms(c.timings.imagesImportedMs)} after start`,
    );
    c.kubectl(["apply", "-f", "-"], { input: storage(c) });
    const dir = synthesize(c);
    const yaml = fs.readdirSync(dir).filter((f) => f.startsWith("kubernetes-") && f.endsWith(".yaml"));
    check("synth", yaml.length === 1, `cdk.tf.json and ${yaml.join(", ")} beside it`);
    tofu(dir, ["init", "-input=false", "-no-color"]);
    const tApply = Date.now();
    tofu(dir, ["apply", "-auto-approve", "-input=false", "-no-color"]);
    const appliedMs = Date.now() - tApply;
    const applied = await waitFor("every pod Ready", 300_000, 2000, () => {
      const ps = pods(c!);
      if (ps.length !== 4 || !ps.every(ready))
        throw new Error(ps.map((p) => `${p.metadata.name} ${p.status?.phase} on ${p.spec.nodeName}`).join(", "));
      return ps;
    });
    check(
      "apply",
      true,
      `tofu apply in ${ms(appliedMs)}, every pod Ready ${ms(Date.now() - tApply)} after it began: ${applied.map((p) => `${p.metadata.name} on ${p.spec.nodeName}`).join(", ")}`,
    );
    const peers = applied.filter((p) => p.metadata.name.includes("broker-c"));
    const peerNodes = new Set(peers.map((p) => p.spec.nodeName));
    check("anti-affinity", peerNodes.size === 3, `the 3 DLedger peers on ${[...peerNodes].sort().join(", ")}`);

    // A client outside the cluster network: the control plane's namespace reaches the nodes, not the pods.
    const nsPod = applied.find((p) => p.metadata.name.includes("namesrv"));
    const namesrv = `${nsPod.status.hostIP}:9876`;
    client = new LabClient(jars, CP_NS, namesrv, path.join(c.dir, "client"));
    await client.start();
    const elected = await waitFor("a DLedger leader registered as master", 120_000, 2000, async () => {
      const set = await brokerC(client!);
      if (!set["0"]) throw new Error(JSON.stringify(set));
      return set;
    });
    const nodeIps = new Set(c.nodes.map((n) => n.ip));
    check(
      "advertised",
      Object.values(elected).every((a) => nodeIps.has(a.split(":")[0])),
      `the brokers registered node addresses (hostPort) ${JSON.stringify(elected)}, name server at ${namesrv}`,
    );
    const topic = await client.must("createTopic", ["K8sOrders", "K8sRaft"], 30_000);
    const brokers = (topic as { brokers?: string[] }).brokers ?? [];
    const sent: string[] = [];
    for (let i = 0; i < 20; i++) {
      const r = await client.send("K8sOrders", "broker-c", `k8s-${i}`);
      if (r.ok) sent.push(`k8s-${i}`);
    }
    const got = await client.consume("K8sOrders");
    const bodies = got.ok ? got.bodies : [];
    check(
      "produce-consume",
      sent.length === 20 && sent.every((b) => bodies.includes(b)),
      `topic on ${JSON.stringify(brokers)}; ${sent.length}/20 sent through the leader at ${elected["0"]}, ${bodies.length} read back`,
    );

    // The leader's pod deleted: the group elects another peer; the pod comes back with its claim.
    const leaderIp = elected["0"].split(":")[0];
    const leader = peers.find((p) => p.status.hostIP === leaderIp);
    const claimOf = (pod: string) =>
      JSON.parse(c!.kubectl(["get", "pvc", "-n", NAMESPACE, `store-${pod.replace(/-0$/, "")}-0`, "-o", "json"]))
        .metadata.uid as string;
    const claimBefore = claimOf(leader.metadata.name);
    const tDelete = Date.now();
    c.kubectl(["delete", "pod", "-n", NAMESPACE, leader.metadata.name, "--wait=false"]);
    const after = await waitFor("another peer elected master", 120_000, 500, async () => {
      const set = await brokerC(client!);
      if (!set["0"] || set["0"] === elected["0"]) throw new Error(JSON.stringify(set));
      const r = await client!.send("K8sOrders", "broker-c", "after-failover");
      if (!r.ok) throw new Error(JSON.stringify(r));
      return set["0"];
    });
    check(
      "failover",
      after !== elected["0"],
      `leader ${leader.metadata.name} (${elected["0"]}) deleted; ${after} took writes ${ms(Date.now() - tDelete)} later`,
    );
    const back = await waitFor(`${leader.metadata.name} back`, 180_000, 2000, () => {
      const p = pods(c!).find((x) => x.metadata.name === leader.metadata.name);
      if (!p || !ready(p) || p.metadata.uid === leader.metadata.uid) throw new Error(p?.status?.phase ?? "absent");
      return p;
    });
    check(
      "store-kept",
      claimOf(leader.metadata.name) === claimBefore,
      `${leader.metadata.name} Ready again on ${back.spec.nodeName} ${ms(Date.now() - tDelete)} after the delete, with the same claim (uid ${claimBefore.slice(0, 8)})`,
    );
    const all = await client.consume("K8sOrders");
    const allBodies = all.ok ? all.bodies : [];
    check(
      "nothing-lost",
      sent.every((b) => allBodies.includes(b)) && allBodies.includes("after-failover"),
      `${allBodies.length} messages read after the failover, every acknowledged one among them`,
    );
    client.stop();
    client = undefined;

    const tDestroy = Date.now();
    tofu(dir, ["destroy", "-auto-approve", "-input=false", "-no-color"]);
    const claims = JSON.parse(c.kubectl(["get", "pvc", "-n", NAMESPACE, "-o", "json"])).items as any[];
    check(
      "destroy-keeps-claims",
      claims.length === 4 && pods(c).length === 0,
      `tofu destroy in ${ms(Date.now() - tDestroy)}: no pod left, ${claims.length} claims kept (${claims.map((x) => x.metadata.name).join(", ")})`,
    );
  } catch (e) {
    check("run", false, (e as Error).message);
    if (c)
      try {
        log(`pods:\n${c.kubectl(["get", "pods", "-A", "-o", "wide"])}`);
        log(
          `events:\n${c.kubectl(["get", "events", "-A", "--sort-by=.lastTimestamp"]).split("\n").slice(-30).join("\n")}`,
        );
      } catch {
        /* the cluster is gone */
      }
  } finally {
    client?.stop();
    c?.stop();
  }
  const left = leftovers();
  check(
    "clean",
    left.length === 0,
    left.length ? left.join("; ") : `no ${PREFIX}-* netns, mounts, processes or state left`,
  );
  const failed = checks.filter((x) => !x.ok).length;
  log(`k8s lab: ${checks.length - failed} passed, ${failed} failed; total ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    log(`k8s lab: ${(e as Error).stack ?? e}`);
    process.exit(1);
  },
);

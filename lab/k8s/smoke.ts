// Smoke test of the Kubernetes lab: builds/ensures the binaries and images, starts a cluster of
// ROCKETMQ_K8S_NODES (default 3) nodes, runs the lab image's name server as a StatefulSet (1 replica, a PVC on a
// pre-created `local` PersistentVolume, a headless and a ClusterIP Service), checks port 9876 from a pod on another
// node by Service DNS names and from a node namespace by ClusterIP, applies a kubectl_manifest through OpenTofu and
// the gavinbunney/kubectl provider (ROCKETMQ_K8S_TOFU=0 skips it), stops everything and checks nothing is left.
//
//   npx ts-node --transpile-only lab/k8s/smoke.ts
import * as fs from "fs";
import * as path from "path";
import { spawnSync } from "child_process";
import { tofuEnv } from "../engine/tofu";
import { LAB_IMAGE_REPO } from "../engine/image";
import { log, ms, rssMiB, stripAnsi, waitFor } from "../util";
import { CACHE_DIR, KUBECTL_PROVIDER_VERSION, ensureKubectlProvider } from "./build";
import { CP_NS, Cluster, PREFIX, leftovers, localStorage, startCluster } from "./cluster";
import { ensurePauseImage, ensureRocketmqImage } from "./image";

const VERSION = process.env.ROCKETMQ_K8S_ROCKETMQ_VERSION ?? "5.3.3";
const NODES = Number(process.env.ROCKETMQ_K8S_NODES ?? 3);
// tools/tofu.sh (OpenTofu's build) wants `go` on PATH.
if (fs.existsSync("/usr/local/go/bin/go")) process.env.PATH = `/usr/local/go/bin:${process.env.PATH ?? ""}`;

function manifests(c: Cluster): string {
  const docs: unknown[] = [
    // One pre-created local PersistentVolume per node (no provisioner exists): a directory of the node's state.
    ...localStorage(c, 1, "1Gi"),
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "rmqnamesrv-hl" },
      spec: {
        clusterIP: "None",
        selector: { app: "rmqnamesrv" },
        ports: [{ name: "remoting", port: 9876 }],
        publishNotReadyAddresses: true,
      },
    },
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "rmqnamesrv" },
      spec: { selector: { app: "rmqnamesrv" }, ports: [{ name: "remoting", port: 9876, targetPort: 9876 }] },
    },
    {
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: { name: "rmqnamesrv" },
      spec: {
        serviceName: "rmqnamesrv-hl",
        replicas: 1,
        selector: { matchLabels: { app: "rmqnamesrv" } },
        template: {
          metadata: { labels: { app: "rmqnamesrv" } },
          spec: {
            securityContext: { fsGroup: 3000 },
            containers: [
              {
                name: "namesrv",
                image: `${LAB_IMAGE_REPO}:${VERSION}`,
                imagePullPolicy: "Never",
                args: ["nameserver"],
                env: [{ name: "HEAP_OPTS", value: "-Xms256m -Xmx256m -Xmn128m" }],
                ports: [{ containerPort: 9876, name: "remoting" }],
                readinessProbe: { tcpSocket: { port: 9876 }, periodSeconds: 2 },
                volumeMounts: [{ name: "data", mountPath: "/home/rocketmq/logs" }],
              },
            ],
          },
        },
        volumeClaimTemplates: [
          {
            metadata: { name: "data" },
            spec: {
              accessModes: ["ReadWriteOnce"],
              storageClassName: "local",
              resources: { requests: { storage: "1Gi" } },
            },
          },
        ],
      },
    },
  ];
  return JSON.stringify({ apiVersion: "v1", kind: "List", items: docs });
}

/** A pod to probe from, on another node than the name server when there is one (cross-node pod routing). */
function probeManifest(): string {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "probe" },
    spec: {
      // On another node than the name server when there is one (cross-node pod routing).
      affinity: {
        podAntiAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            {
              weight: 100,
              podAffinityTerm: {
                topologyKey: "kubernetes.io/hostname",
                labelSelector: { matchLabels: { app: "rmqnamesrv" } },
              },
            },
          ],
        },
      },
      containers: [
        {
          name: "probe",
          image: `${LAB_IMAGE_REPO}:${VERSION}`,
          imagePullPolicy: "Never",
          command: ["sleep", "infinity"],
        },
      ],
    },
  });
}

function pod(c: Cluster, name: string): any {
  return JSON.parse(c.kubectl(["get", "pod", name, "-o", "json"]));
}

async function waitRunning(c: Cluster, name: string, timeoutMs: number): Promise<any> {
  return waitFor(`pod ${name} Running and Ready`, timeoutMs, 1000, () => {
    const p = pod(c, name);
    const ready = p.status?.conditions?.some((x: any) => x.type === "Ready" && x.status === "True");
    if (p.status?.phase === "Running" && ready) return p;
    throw new Error(
      `phase ${p.status?.phase}; ${JSON.stringify(p.status?.containerStatuses?.map((s: any) => s.state) ?? p.status?.conditions)}`,
    );
  });
}

/** bash's /dev/tcp connect inside a pod (kubectl exec), answering what it printed. */
function tcpFromPod(c: Cluster, podName: string, host: string, port: number): string {
  return c
    .kubectl(
      [
        "exec",
        podName,
        "--",
        "bash",
        "-c",
        `getent hosts ${host} || true; timeout 5 bash -c 'exec 3<>/dev/tcp/${host}/${port}' && echo connected`,
      ],
      { timeoutMs: 30_000 },
    )
    .trim();
}

/** kubectl_manifest through OpenTofu + gavinbunney/kubectl, against the cluster, then destroyed. */
function tofuManifest(c: Cluster): string {
  ensureKubectlProvider();
  const env = tofuEnv();
  const dir = path.join(c.dir, "tofu");
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, "main.tf.json"),
    JSON.stringify(
      {
        terraform: {
          required_providers: { kubectl: { source: "gavinbunney/kubectl", version: KUBECTL_PROVIDER_VERSION } },
        },
        provider: { kubectl: { config_path: c.kubeconfig, load_config_file: true, apply_retry_count: 3 } },
        resource: {
          kubectl_manifest: {
            probe: {
              yaml_body: [
                "apiVersion: v1",
                "kind: ConfigMap",
                "metadata:",
                "  name: tofu-probe",
                "  namespace: default",
                "data:",
                "  hello: from-opentofu",
              ].join("\n"),
            },
          },
        },
      },
      null,
      1,
    ),
  );
  const tfrc = path.join(CACHE_DIR, "provider", "provider.tfrc");
  const tf = (args: string[]) => {
    const t = Date.now();
    const r = spawnSync("nsenter", [`--net=/run/netns/${CP_NS}`, "--", env.TOFU, `-chdir=${dir}`, ...args], {
      env: {
        ...process.env,
        TF_CLI_CONFIG_FILE: tfrc,
        TF_IN_AUTOMATION: "1",
        TF_INPUT: "0",
        CHECKPOINT_DISABLE: "1",
        TF_PLUGIN_CACHE_DIR: "",
      },
      encoding: "utf8",
      timeout: 5 * 60_000,
      killSignal: "SIGKILL",
    });
    const out = stripAnsi(`${r.stdout ?? ""}\n${r.stderr ?? ""}`);
    if (r.status !== 0)
      throw new Error(`tofu ${args.join(" ")} exited ${r.status ?? r.signal ?? r.error}:\n${out.slice(-3000)}`);
    log(`tofu ${args[0]}: ok in ${ms(Date.now() - t)}`);
    return out;
  };
  tf(["init", "-input=false", "-no-color"]);
  tf(["apply", "-auto-approve", "-input=false", "-no-color"]);
  const data = JSON.parse(c.kubectl(["get", "configmap", "tofu-probe", "-o", "json"])).data;
  tf(["destroy", "-auto-approve", "-input=false", "-no-color"]);
  const gone = spawnSync("true").status === 0 && !c.kubectl(["get", "configmap", "-o", "name"]).includes("tofu-probe");
  return `kubectl_manifest applied (ConfigMap data ${JSON.stringify(data)}), destroyed (${gone ? "gone" : "STILL THERE"})`;
}

async function main(): Promise<number> {
  const results: string[] = [];
  const t0 = Date.now();
  let c: Cluster | undefined;
  let failed = false;
  try {
    c = await startCluster(NODES, (bins) => [ensurePauseImage(bins.pause), ensureRocketmqImage(VERSION, bins.debsBin)]);
    results.push(
      `cluster: ${NODES} node(s) Ready ${ms(c.timings.kubeletToReadyMs)} after the kubelets started, ${ms(c.timings.startToReadyMs)} after start; RocketMQ image in every node ${ms(c.timings.imagesImportedMs)} after start`,
    );
    const tApply = Date.now();
    c.kubectl(["apply", "-f", "-"], { input: manifests(c) });
    const ns = await waitRunning(c, "rmqnamesrv-0", 240_000);
    results.push(
      `rmqnamesrv-0 Running+Ready on ${ns.spec.nodeName} (${ns.status.podIP}) ${ms(Date.now() - tApply)} after apply`,
    );
    const pvc = JSON.parse(c.kubectl(["get", "pvc", "data-rmqnamesrv-0", "-o", "json"]));
    results.push(`PVC data-rmqnamesrv-0: ${pvc.status.phase} to ${pvc.spec.volumeName}`);
    if (pvc.status.phase !== "Bound") throw new Error(`PVC not Bound: ${pvc.status.phase}`);
    c.kubectl(["apply", "-f", "-"], { input: probeManifest() });
    const probe = await waitRunning(c, "probe", 120_000);
    results.push(`probe pod Running on ${probe.spec.nodeName} (${probe.status.podIP})`);
    const svc = JSON.parse(c.kubectl(["get", "svc", "rmqnamesrv", "-o", "json"]));
    for (const host of [
      "rmqnamesrv.default.svc.cluster.local",
      "rmqnamesrv-0.rmqnamesrv-hl.default.svc.cluster.local",
      "rmqnamesrv-hl.default.svc.cluster.local",
    ]) {
      const out = await waitFor(`${host}:9876 from the probe pod`, 60_000, 2000, () => {
        const o = tcpFromPod(c!, "probe", host, 9876);
        if (!o.includes("connected")) throw new Error(o);
        return o;
      });
      results.push(`probe pod -> ${host}:9876: ${out.replace(/\s+/g, " ")}`);
    }
    const node = c.nodes[c.nodes.length - 1];
    const fromNode = c.inNs(node.ns, [
      "bash",
      "-c",
      `timeout 5 bash -c 'exec 3<>/dev/tcp/${svc.spec.clusterIP}/9876' && echo connected`,
    ]);
    results.push(`node namespace ${node.ns} -> ClusterIP ${svc.spec.clusterIP}:9876: ${fromNode.trim()}`);
    const nsLog = c.kubectl(["logs", "rmqnamesrv-0", "--tail=5"]);
    results.push(`name server log: ${nsLog.trim().split("\n").slice(-1)[0]}`);
    // Memory of the lab's processes and of the containers (by the nodes' cgroups).
    const mem = c.memory();
    const javas = spawnSync("pgrep", ["-f", "NamesrvStartup"], { encoding: "utf8" })
      .stdout.trim()
      .split("\n")
      .filter(Boolean);
    results.push(
      `RSS MiB: ${Object.entries(mem)
        .map(([k, v]) => `${k}=${v}`)
        .join(" ")}; name server JVM=${javas.map((p) => rssMiB(Number(p))).join(",")}`,
    );
    if (process.env.ROCKETMQ_K8S_TOFU !== "0") {
      try {
        results.push(`OpenTofu: ${tofuManifest(c)}`);
      } catch (e) {
        failed = true;
        results.push(`OpenTofu: FAILED: ${(e as Error).message}`);
      }
    }
  } catch (e) {
    failed = true;
    results.push(`FAILED: ${(e as Error).message}`);
    if (c)
      try {
        results.push(
          `pods:\n${c.kubectl(["get", "pods", "-o", "wide"])}\nevents:\n${c.kubectl(["get", "events", "--sort-by=.lastTimestamp"]).split("\n").slice(-25).join("\n")}`,
        );
      } catch {
        /* the cluster is gone */
      }
  } finally {
    c?.stop();
  }
  const left = leftovers();
  results.push(
    left.length
      ? `LEFT OVER: ${left.join("; ")}`
      : `clean: no ${PREFIX}-* netns, mounts, processes, cgroups or state left`,
  );
  results.push(`total ${ms(Date.now() - t0)}`);
  log(`k8s smoke:\n  ${results.join("\n  ")}`);
  return failed || left.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    log(`k8s smoke: ${(e as Error).stack}`);
    process.exit(1);
  },
);

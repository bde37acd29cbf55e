import { execFileSync } from "child_process";
import * as fc from "fast-check";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { App, TerraformStack, TerraformVariable, Testing } from "cdktf";
import * as YAML from "yaml";
import {
  BrokerPair,
  DLedgerGroup,
  KubernetesApplier,
  NameServer,
  Proxy,
  RocketMqCluster,
  RocketMqVersion,
} from "../../lib";
import { fromTerraformLiteral } from "../../lib/targets/terraform-text";
import { SECRET_REVISION_ANNOTATION } from "../../lib/targets/kubernetes/appliers";
import {
  KubernetesAntiAffinity,
  KubernetesExternalAccess,
  KubernetesHost,
  manifestsFile,
} from "../../lib/targets/kubernetes/kubernetes-host";
import { yamlDocuments } from "../../lib/targets/kubernetes/yaml";
import { parseProperties } from "../../lib/core/render/properties";
import { synth, synthError, synthWarnings } from "../helpers";

/** Two name servers and a 2-master-2-slave cluster in one namespace, each process on its own ports. */
function twoMastersTwoSlaves(stack: TerraformStack): KubernetesHost {
  const k8s = new KubernetesHost(stack, "k8s", { namespace: "mq" });
  const cluster = new RocketMqCluster(stack, "rmq", { clusterName: "DefaultCluster", version: RocketMqVersion.V4_9_8 });
  new NameServer(cluster, "ns0", { host: k8s });
  new NameServer(cluster, "ns1", { host: k8s, listenPort: 9877 });
  new BrokerPair(cluster, "broker-a", { master: { host: k8s }, slaves: [{ host: k8s, listenPort: 10921 }] });
  new BrokerPair(cluster, "broker-b", {
    master: { host: k8s, listenPort: 10931 },
    slaves: [{ host: k8s, listenPort: 10941 }],
  });
  return k8s;
}

function manifests(json: any): any[] {
  return Object.values(json.resource.kubectl_manifest as Record<string, any>)
    .filter((r) => r.yaml_body !== undefined)
    .map((r) => JSON.parse(r.yaml_body));
}

function find(objects: any[], kind: string, name: string): any {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind} ${name} among ${objects.map((x) => `${x.kind}/${x.metadata.name}`).join(", ")}`);
  return o;
}

describe("KubernetesHost", () => {
  test("a pod's memory request and limit are the process's memoryMb, and the JVM is sized from them", () => {
    const objects = manifests(
      synth((stack) => {
        const k8s = new KubernetesHost(stack, "k8s", { namespace: "mq" });
        const cluster = new RocketMqCluster(stack, "rmq", { brokerJvm: { memoryMb: 4096 } });
        new NameServer(cluster, "ns0", { host: k8s, jvm: { memoryMb: 1536 } });
        new BrokerPair(cluster, "broker-a", { master: { host: k8s } });
      }),
    );
    const sized = objects
      .filter((o) => o.kind === "StatefulSet")
      .map((o) => {
        const c = o.spec.template.spec.containers[0];
        return [c.name, c.resources, c.env.find((e: any) => e.name === "JAVA_OPT_EXT").value];
      })
      .sort();
    expect(sized).toEqual([
      [
        "broker",
        { requests: { memory: "4096Mi" }, limits: { memory: "4096Mi" } },
        "-Xms1920m -Xmx1920m -XX:MaxDirectMemorySize=1920m",
      ],
      [
        "namesrv",
        { requests: { memory: "1536Mi" }, limits: { memory: "1536Mi" } },
        "-Xms853m -Xmx853m -XX:MaxDirectMemorySize=427m",
      ],
    ]);
  });

  test("brokers reach the name servers and each other by their Services' names, and advertise their node to clients outside", () => {
    const objects = manifests(synth(twoMastersTwoSlaves));
    const names = objects.filter((o) => o.kind === "StatefulSet").map((o) => o.metadata.name);
    expect(names).toHaveLength(6);
    const master = find(
      objects,
      "StatefulSet",
      names.find((n: string) => n.includes("broker-a-0")),
    );
    const conf = parseProperties(find(objects, "ConfigMap", `${master.metadata.name}-files`).data["broker.properties"]);
    const nsNames = names.filter((n: string) => n.includes("namesrv"));
    expect(conf.namesrvAddr.split(";").sort()).toEqual(
      [`${nsNames[0]}.mq.svc.cluster.local:9876`, `${nsNames[1]}.mq.svc.cluster.local:9877`].sort(),
    );
    // Slaves copy from the master's in-cluster name; clients outside get the node's address, set when the pod starts.
    expect(conf.brokerIP2).toBe(`${master.metadata.name}.mq.svc.cluster.local`);
    const pod = master.spec.template.spec;
    expect(pod.initContainers[0].command[2]).toContain(`brokerIP1=%s`);
    expect(pod.initContainers[0].env).toEqual([
      { name: "ROCKETMQ_ADVERTISED_IP", valueFrom: { fieldRef: { fieldPath: "status.hostIP" } } },
    ]);
    expect(pod.containers[0].ports.map((p: any) => [p.containerPort, p.hostPort])).toEqual([
      [10909, 10909],
      [10911, 10911],
      [10912, 10912],
    ]);
  });

  test("a proxy advertises its node to remoting clients outside: the init script rewrites remotingAccessAddr in its JSON", () => {
    const objects = manifests(
      synth((stack) => {
        const k8s = new KubernetesHost(stack, "k8s", { namespace: "mq" });
        const cluster = new RocketMqCluster(stack, "rmq", { clusterName: "C5", version: RocketMqVersion.V5_5_0 });
        new NameServer(cluster, "ns0", { host: k8s });
        new BrokerPair(cluster, "broker-a", { master: { host: k8s } });
        new Proxy(cluster, "proxy", { host: k8s });
      }),
    );
    const proxy = objects.find((o) => o.kind === "StatefulSet" && o.metadata.name.includes("proxy"));
    const rendered = find(objects, "ConfigMap", `${proxy.metadata.name}-files`).data["rmq-proxy.json"];
    expect(JSON.parse(rendered).remotingAccessAddr).toBe(`${proxy.metadata.name}.mq.svc.cluster.local`);
    const init = proxy.spec.template.spec.initContainers[0];
    expect(init.env).toEqual([
      { name: "ROCKETMQ_ADVERTISED_IP", valueFrom: { fieldRef: { fieldPath: "status.hostIP" } } },
    ]);
    // The script's own line, run by sh against the rendered file: the result is still JSON, with only that key changed.
    const line = (init.command[2] as string).split("\n").find((l) => l.includes("remotingAccessAddr"))!;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "proxy-json-"));
    try {
      const file = path.join(dir, "rmq-proxy.json");
      fs.writeFileSync(file, rendered);
      execFileSync("sh", ["-c", line.replace("'/home/rocketmq/conf/rmq-proxy.json'", `'${file}'`)], {
        env: { ...process.env, ROCKETMQ_ADVERTISED_IP: "10.0.0.7" },
      });
      const after = JSON.parse(fs.readFileSync(file, "utf8"));
      expect(after).toEqual({ ...JSON.parse(rendered), remotingAccessAddr: "10.0.0.7" });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    expect(proxy.spec.template.spec.containers[0].ports.map((p: any) => p.hostPort)).toEqual([8080, 8081]);
  });

  test("with node ports, each client port is also a node port of the process's own NodePort Service, and brokers and the proxy advertise their node", () => {
    const build = (stack: TerraformStack) => {
      const k8s = new KubernetesHost(stack, "k8s", {
        namespace: "mq",
        externalAccess: KubernetesExternalAccess.NODE_PORT,
      });
      const cluster = new RocketMqCluster(stack, "rmq", { clusterName: "C5", version: RocketMqVersion.V5_5_0 });
      new NameServer(cluster, "ns0", { host: k8s, listenPort: 30876 });
      new NameServer(cluster, "ns1", { host: k8s, listenPort: 30877 });
      new DLedgerGroup(cluster, "broker-c", {
        peers: [30911, 30921, 30931].map((listenPort) => ({ host: k8s, listenPort })),
      });
      new Proxy(cluster, "proxy", { host: k8s, remotingListenPort: 30080, grpcServerPort: 30081 });
    };
    const objects = manifests(synth(build));
    const external = objects
      .filter((o) => o.kind === "Service" && o.spec.type === "NodePort")
      .map((o) => [
        o.metadata.name.replace(/-[0-9a-f]+-external$/, "-external"),
        o.spec.externalTrafficPolicy,
        o.spec.ports.map((x: any) => [x.port, x.targetPort, x.nodePort]),
      ])
      .sort();
    // The peers' ports (HA, DLedger) and the fast channel stay in the cluster; clients outside dial the rest.
    expect(external).toEqual([
      [expect.stringMatching(/broker-c-n0.*-external$/), "Local", [[30911, 30911, 30911]]],
      [expect.stringMatching(/broker-c-n1.*-external$/), "Local", [[30921, 30921, 30921]]],
      [expect.stringMatching(/broker-c-n2.*-external$/), "Local", [[30931, 30931, 30931]]],
      [expect.stringMatching(/namesrv.*-external$/), "Cluster", [[30876, 30876, 30876]]],
      [expect.stringMatching(/namesrv.*-external$/), "Cluster", [[30877, 30877, 30877]]],
      [
        expect.stringMatching(/proxy.*-external$/),
        "Local",
        [
          [30080, 30080, 30080],
          [30081, 30081, 30081],
        ],
      ],
    ]);
    const sets = objects.filter((o) => o.kind === "StatefulSet");
    // Each external Service selects its own pod only.
    for (const svc of objects.filter((o) => o.kind === "Service" && o.spec.type === "NodePort")) {
      const owner = sets.find((x) => `${x.metadata.name}-external` === svc.metadata.name);
      expect(svc.spec.selector).toEqual(owner.spec.selector.matchLabels);
    }
    // No host port anywhere; brokers and the proxy write their node's address in at pod start, name servers do not.
    expect(sets.flatMap((x) => x.spec.template.spec.containers[0].ports.filter((p: any) => p.hostPort))).toEqual([]);
    const advertising = sets
      .filter((x) =>
        (x.spec.template.spec.initContainers?.[0]?.env ?? []).some((e: any) => e.name === "ROCKETMQ_ADVERTISED_IP"),
      )
      .map((x) => x.spec.template.spec.containers[0].name)
      .sort();
    expect(advertising).toEqual(["broker", "broker", "broker", "proxy"]);
    // Pods of one group may share a node's ports now: only the anti-affinity counts nodes.
    const stack = new TerraformStack(Testing.app(), "stack");
    build(stack);
    Testing.synth(stack, true);
    expect((stack.node.findChild("k8s") as KubernetesHost).reportNotes).toEqual([
      "Namespace mq: at least 3 schedulable nodes (the 3 peers of C5.broker-c never share a node); a pod without one stays Pending.",
    ]);
  });

  test("with node ports, a client port outside the node port range or used twice fails at synth, and the ports its fixes name synthesize", () => {
    const build = (ports: Record<string, number>) => (stack: TerraformStack) => {
      const k8s = new KubernetesHost(stack, "k8s", { externalAccess: KubernetesExternalAccess.NODE_PORT });
      const cluster = new RocketMqCluster(stack, "rmq", { clusterName: "C", version: RocketMqVersion.V4_9_8 });
      new NameServer(cluster, "ns0", { host: k8s, listenPort: ports["stack/rmq/ns0"] });
      new NameServer(cluster, "ns1", { host: k8s, listenPort: ports["stack/rmq/ns1"] ?? 30876 });
      new BrokerPair(cluster, "broker-a", {
        master: { host: k8s, listenPort: ports["stack/rmq/broker-a/master"] },
        slaves: [{ host: k8s, listenPort: ports["stack/rmq/broker-a/slave0"] ?? 30911 }],
      });
    };
    // Default ports (9876, 10911) are outside 30000-32767; ns1 and the slave are in range.
    const message = synthError(build({}));
    expect(message.match(/\[ports\/node-port-range\]/g)).toHaveLength(2);
    expect(message).toContain("listenPort of name server ns0");
    expect(message).toContain("is 9876: with KubernetesExternalAccess.NODE_PORT it is also its node port");
    expect(message).toContain(
      "(a broker advertises one port), and the node ports of stack/k8s lie in 30000-32767 (nodePortRange)",
    );
    // Each fix names a port free of the others' (30876 and 30911 are taken): following them all synthesizes.
    const fixes = Object.fromEntries(
      [...message.matchAll(/Set listenPort of (\S+) to a free port in 30000-32767, e\.g\. listenPort: (\d+)\./g)].map(
        (m) => [m[1], Number(m[2])],
      ),
    );
    expect(fixes).toEqual({ "stack/rmq/ns0": 30877, "stack/rmq/broker-a/master": 30912 });
    expect(() => synth(build(fixes))).not.toThrow();
    // Two processes on one node port: the second fails, the first does not.
    const shared = synthError(build({ "stack/rmq/ns0": 30876, "stack/rmq/broker-a/master": 30911 }));
    expect(shared.match(/\[ports\/node-port-shared\]/g)).toHaveLength(2);
    expect(shared).toContain("is 30876, as is listenPort of name server ns0 (stack/rmq/ns0)");
  });

  test("a node port range of the cluster's is honoured, and one that is no range fails where the host is declared", () => {
    const build = (nodePortRange: string) => (stack: TerraformStack) => {
      const k8s = new KubernetesHost(stack, "k8s", {
        externalAccess: KubernetesExternalAccess.NODE_PORT,
        nodePortRange,
      });
      const cluster = new RocketMqCluster(stack, "rmq", { clusterName: "C", version: RocketMqVersion.V4_9_8 });
      new NameServer(cluster, "ns0", { host: k8s });
      new BrokerPair(cluster, "broker-a", { master: { host: k8s } });
    };
    expect(() => synth(build("9000-11000"))).not.toThrow();
    const message = synthError(build("30000:32767"));
    expect(message).toContain('nodePortRange "30000:32767" is not a port range');
    expect(message).toContain('nodePortRange: "30000-32767"');
  });

  test("each store is a claim of its own, kept when its StatefulSet is deleted, and the pod runs as the image's user", () => {
    const objects = manifests(synth(twoMastersTwoSlaves));
    for (const s of objects.filter((o) => o.kind === "StatefulSet")) {
      expect(s.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: "Retain", whenScaled: "Retain" });
      const claim = s.spec.volumeClaimTemplates[0];
      expect(claim.spec.resources.requests.storage).toBe(s.metadata.name.includes("broker") ? "20Gi" : "1Gi");
      expect(s.spec.template.spec.securityContext).toMatchObject({
        runAsNonRoot: true,
        runAsUser: 3000,
        fsGroup: 3000,
      });
      expect(s.spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem).toBe(true);
      // The JVM gets SIGTERM before the pod's first process (a shell that would not pass it on).
      expect(s.spec.template.spec.containers[0].lifecycle.preStop.exec.command[2]).toContain("kill -TERM $pids");
    }
  });

  test("brokers start after the name servers: their StatefulSets depend on the name servers' ones", () => {
    const json = synth(twoMastersTwoSlaves);
    const res = json.resource.kubectl_manifest as Record<string, any>;
    const broker = Object.entries(res).find(([id]) => /broker-a_master_statefulset/.test(id))!;
    const nsSets = Object.keys(res).filter((id) => /_ns[01]_statefulset/.test(id));
    expect(nsSets).toHaveLength(2);
    for (const id of nsSets) expect(broker[1].depends_on).toContain(`kubectl_manifest.${id}`);
    expect(json.terraform.required_providers.kubectl.source).toBe("gavinbunney/kubectl");
  });

  test("a DLedger group's peers find each other by name, never share a node, and a budget keeps their majority", () => {
    const objects = manifests(
      synth((stack) => {
        const k8s = new KubernetesHost(stack, "k8s");
        const cluster = new RocketMqCluster(stack, "rmq", {
          clusterName: "RaftCluster",
          version: RocketMqVersion.V5_3_3,
        });
        new NameServer(cluster, "ns0", { host: k8s });
        new DLedgerGroup(cluster, "broker-c", {
          peers: [0, 1, 2].map(() => ({ host: k8s })),
        });
      }),
    );
    const peers = objects.filter((o) => o.kind === "StatefulSet" && o.metadata.name.includes("broker-c"));
    expect(peers).toHaveLength(3);
    const conf = parseProperties(
      find(objects, "ConfigMap", `${peers[0].metadata.name}-files`).data["broker.properties"],
    );
    expect(conf.dLegerPeers.split(";")).toEqual(
      peers.map((p: any, i: number) => `n${i}-${p.metadata.name}.rocketmq.svc.cluster.local:${40911 + i}`),
    );
    for (const p of peers) {
      expect(p.spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0]).toEqual({
        labelSelector: { matchLabels: { "rocketmq.apache.org/group": "RaftCluster.broker-c" } },
        topologyKey: "kubernetes.io/hostname",
      });
    }
    const budget = objects.filter((o) => o.kind === "PodDisruptionBudget");
    expect(budget).toHaveLength(1);
    expect(budget[0].spec).toEqual({
      maxUnavailable: 1,
      selector: { matchLabels: { "rocketmq.apache.org/group": "RaftCluster.broker-c" } },
    });
  });

  test("each pod is a machine of its own: peers share port numbers, and the report says how many nodes they need", () => {
    const build = (stack: TerraformStack) => {
      const k8s = new KubernetesHost(stack, "k8s");
      const cluster = new RocketMqCluster(stack, "rmq", {
        clusterName: "RaftCluster",
        version: RocketMqVersion.V5_3_3,
      });
      new NameServer(cluster, "ns0", { host: k8s });
      new NameServer(cluster, "ns1", { host: k8s });
      new DLedgerGroup(cluster, "broker-c", { peers: [0, 1, 2].map(() => ({ host: k8s })) });
    };
    expect(synthWarnings(build).filter((w) => w.includes("placement/same-host"))).toEqual([]);
    const stack = new TerraformStack(Testing.app(), "stack");
    build(stack);
    Testing.synth(stack, true);
    const host = stack.node.findChild("k8s") as KubernetesHost;
    expect(host.reportNotes).toEqual([
      "Namespace rocketmq: at least 3 schedulable nodes (the 3 peers of RaftCluster.broker-c never share a node; 3 pods open port 10909 on their node (hostPort)); a pod without one stays Pending.",
    ]);
  });

  test("two processes of one name, or on one claim, in one namespace fail at synth", () => {
    const message = synthError((stack) => {
      const k8s = new KubernetesHost(stack, "k8s");
      const a = new RocketMqCluster(stack, "a", { clusterName: "A", version: RocketMqVersion.V4_9_8 });
      const b = new RocketMqCluster(stack, "b", { clusterName: "B", version: RocketMqVersion.V4_9_8 });
      new NameServer(a, "ns0", { host: k8s, containerName: "namesrv" });
      new NameServer(b, "ns0", { host: k8s, containerName: "namesrv", store: { volume: "data" } });
      new BrokerPair(b, "broker-a", { master: { host: k8s, store: { volume: "data" } } });
    });
    expect(message).toContain("[names/duplicate]");
    expect(message).toContain("[stores/shared]");
  });

  test("the manifests file beside the stack holds every object but the Secrets, as YAML that parses to them", () => {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), "k8s-")) });
    const stack = new TerraformStack(app, "stack");
    const k8s = twoMastersTwoSlaves(stack);
    app.synth();
    const file = path.join(app.outdir, "stacks", "stack", manifestsFile(k8s));
    const docs = YAML.parseAllDocuments(fs.readFileSync(file, "utf8")).map((d) => d.toJSON());
    expect(docs).toEqual(JSON.parse(JSON.stringify(k8s._objects())));
    expect(docs.map((d) => d.kind)).toContain("StatefulSet");
    fs.rmSync(app.outdir, { recursive: true, force: true });
  });

  test("secrets stay out of ConfigMaps and out of the manifests file; Terraform escapes a secret where it fills it in", () => {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), "k8s-")) });
    const stack = new TerraformStack(app, "stack");
    const k8s = new KubernetesHost(stack, "k8s");
    const secret = new TerraformVariable(stack, "adminSecret", { type: "string", sensitive: true }).stringValue;
    const cluster = new RocketMqCluster(stack, "rmq", {
      clusterName: "S",
      version: RocketMqVersion.V5_3_3,
      accessControl: { users: [{ name: "rocketmq-admin", secret, admin: true }] },
    });
    new NameServer(cluster, "ns0", { host: k8s });
    new BrokerPair(cluster, "broker-a", { master: { host: k8s } });
    app.synth();
    const dir = path.join(app.outdir, "stacks", "stack");
    const json = JSON.parse(fs.readFileSync(path.join(dir, "cdk.tf.json"), "utf8"));
    const bodies = Object.entries<any>(json.resource.kubectl_manifest).filter(([, r]) => r.yaml_body);
    const [, secretRes] = bodies.find(([id]) => /broker-a_master_secret/.test(id))!;
    // ACL 2.0's credentials are settings of broker.properties: the file goes to the Secret with plain_acl.yml.
    expect(secretRes.yaml_body).toContain("broker.properties");
    expect(secretRes.yaml_body).toContain("plain_acl.yml");
    expect(secretRes.yaml_body).toContain("trimsuffix(trimprefix(jsonencode(");
    expect(secretRes.sensitive_fields).toEqual(["stringData"]);
    const [, files] = bodies.find(([id]) => /broker-a_master_files/.test(id))!;
    expect(files.yaml_body).not.toContain("broker.properties");
    expect(files.yaml_body).not.toContain("var.adminSecret");
    const yaml = fs.readFileSync(path.join(dir, manifestsFile(k8s)), "utf8");
    expect(yaml).not.toContain("adminSecret");
    expect(yaml).toContain("# Left out, as their values are Terraform's: the Secret s-broker-a-0-secret.");
    // A changed secret rolls the pod that reads it: its StatefulSet carries the id of a terraform_data that Terraform
    // replaces when the Secret's files change (OpenTofu 1.12.6, by hand: the same value plans no change, another
    // "must be replaced", the trigger shown as (sensitive value)). Only the broker has a Secret; the file has no id.
    const revisions = Object.entries<any>(json.resource.terraform_data);
    expect(revisions.map(([id]) => id)).toEqual([expect.stringMatching(/^rmq_broker-a_master_secret-revision_/)]);
    const [revisionId, revision] = revisions[0];
    expect(revision.triggers_replace).toMatch(/^\$\{sha256\(join\("", \["--- broker\.properties\\n", /);
    expect(revision.triggers_replace).toContain("var.adminSecret");
    const statefulSets = bodies.filter(([id]) => /statefulset/.test(id));
    const annotated = statefulSets.filter(([, r]) => r.yaml_body.includes(`terraform_data.${revisionId}.id`));
    expect(annotated.map(([id]) => id)).toEqual([expect.stringMatching(/^rmq_broker-a_master_statefulset_/)]);
    expect(JSON.stringify(annotated[0][1].depends_on)).toContain("broker-a_master_secret_");
    expect(yaml).not.toContain("secret-revision");
    fs.rmSync(app.outdir, { recursive: true, force: true });
  });

  test("applier KUBERNETES: each object is a kubernetes_manifest of the hashicorp provider, the same document; a Secret as base64 data Terraform encodes", () => {
    const stack = new TerraformStack(Testing.app(), "stack");
    const k8s = new KubernetesHost(stack, "k8s", {
      namespace: "mq",
      applier: KubernetesApplier.KUBERNETES,
      configPath: "~/.kube/config",
    });
    const secret = new TerraformVariable(stack, "adminSecret", { type: "string", sensitive: true }).stringValue;
    const cluster = new RocketMqCluster(stack, "rmq", {
      clusterName: "S",
      version: RocketMqVersion.V5_5_0,
      accessControl: { users: [{ name: "rocketmq-admin", secret, admin: true }] },
    });
    new NameServer(cluster, "ns0", { host: k8s });
    new BrokerPair(cluster, "broker-a", { master: { host: k8s } });
    const json = JSON.parse(Testing.synth(stack));
    expect(json.terraform.required_providers).toEqual({ kubernetes: { source: "hashicorp/kubernetes" } });
    expect(json.provider.kubernetes).toEqual([{ alias: "k8s", config_path: "~/.kube/config" }]);
    expect(json.resource.kubectl_manifest).toBeUndefined();
    const resources = Object.entries<any>(json.resource.kubernetes_manifest);
    for (const [, r] of resources) {
      expect(r.provider).toBe("kubernetes.k8s");
      expect(
        Object.keys(r)
          .filter((k) => k !== "depends_on")
          .sort(),
      ).toEqual(["manifest", "provider"]);
    }
    // Every object but the Secret is the document the manifests file holds, its literal `${` escaped for Terraform.
    const literal = (v: unknown): unknown => JSON.parse(fromTerraformLiteral(JSON.stringify(v)));
    const applied = resources.map(([, r]) => r.manifest).filter((m) => m.kind !== "Secret");
    // The broker's pod template also carries its Secret's revision (Terraform's: the file has none).
    const revised = applied.filter((m) => m.spec?.template?.metadata?.annotations?.[SECRET_REVISION_ANNOTATION]);
    expect(revised.map((m) => m.spec.template.metadata.annotations[SECRET_REVISION_ANNOTATION])).toEqual([
      expect.stringMatching(/^\$\{terraform_data\.rmq_broker-a_master_secret-revision_[0-9A-F]+\.id\}$/),
    ]);
    for (const m of revised) delete m.spec.template.metadata.annotations[SECRET_REVISION_ANNOTATION];
    const objects = k8s._objects().filter((o) => o.kind !== "Secret");
    const byName = (a: any, b: any) => `${a.kind}/${a.metadata.name}`.localeCompare(`${b.kind}/${b.metadata.name}`);
    expect(applied.map(literal).sort(byName)).toEqual(JSON.parse(JSON.stringify(objects)).sort(byName));
    const statefulSet = applied.find((m) => m.kind === "StatefulSet");
    expect(statefulSet.spec.template.spec.containers[0].lifecycle.preStop.exec.command[2]).toContain("$${p#/proc/}");
    // The Secret: no stringData (the API never returns it: the provider would call the apply inconsistent), and each
    // file base64-encoded by Terraform, the secret's variable joined into it there.
    const [, secretRes] = resources.find(([id]) => /broker-a_master_secret/.test(id))!;
    expect(secretRes.manifest.stringData).toBeUndefined();
    expect(Object.keys(secretRes.manifest.data).sort()).toEqual(["broker.properties", "plain_acl.yml"]);
    expect(secretRes.manifest.data["plain_acl.yml"]).toMatch(
      /^\$\{base64encode\(join\("", \[".*jsonencode\(var\.adminSecret\)/s,
    );
    expect(JSON.stringify(resources.filter(([id]) => !/secret/.test(id)))).not.toContain("adminSecret");
  });

  test("an applier that is not one of KubernetesApplier fails where the host is declared, naming the values", () => {
    const message = synthError((stack) => {
      new KubernetesHost(stack, "k8s", { applier: "helm" as KubernetesApplier });
    });
    expect(message).toContain("applier");
    expect(message).toContain("KubernetesApplier");
  });

  test("a store on a directory of a node is refused: the pod may start on any node", () => {
    const message = synthError((stack) => {
      const k8s = new KubernetesHost(stack, "k8s");
      const cluster = new RocketMqCluster(stack, "rmq", { clusterName: "C", version: RocketMqVersion.V4_9_8 });
      new NameServer(cluster, "ns0", { host: k8s });
      new BrokerPair(cluster, "broker-a", { master: { host: k8s, store: { hostPath: "/data/a" } } });
    });
    expect(message).toContain("[stores/host-directory]");
    expect(message).toContain("Remove store.hostPath");
  });

  test("a process name Kubernetes refuses fails at synth with a name it takes", () => {
    const message = synthError((stack) => {
      const k8s = new KubernetesHost(stack, "k8s");
      const cluster = new RocketMqCluster(stack, "rmq", { clusterName: "C", version: RocketMqVersion.V4_9_8 });
      new NameServer(cluster, "ns0", { host: k8s, containerName: "NameServer_0" });
    });
    expect(message).toContain("[hosts/kubernetes-name]");
    expect(message).toContain('containerName: "nameserver-0"');
  });

  test("a claim size that is no Kubernetes quantity fails where the host is declared", () => {
    const message = synthError((stack) => {
      new KubernetesHost(stack, "k8s", { brokerStoreSize: "20 GB", antiAffinity: KubernetesAntiAffinity.PREFERRED });
    });
    expect(message).toContain('brokerStoreSize "20 GB" is not a Kubernetes quantity');
  });

  test("a broker claim that holds less than two commit log files fails at synth with the size it needs", () => {
    const message = synthError((stack) => {
      const k8s = new KubernetesHost(stack, "k8s", { brokerStoreSize: "1Gi" });
      const cluster = new RocketMqCluster(stack, "rmq", { clusterName: "C", version: RocketMqVersion.V4_9_8 });
      new NameServer(cluster, "ns0", { host: k8s });
      new BrokerPair(cluster, "broker-a", { master: { host: k8s } });
    });
    expect(message).toContain("[stores/claim-size]");
    expect(message).toContain('at least "2Gi"');
    expect(() =>
      synth((stack) => {
        const k8s = new KubernetesHost(stack, "k8s", { brokerStoreSize: "1Gi" });
        const cluster = new RocketMqCluster(stack, "rmq", { clusterName: "C", version: RocketMqVersion.V4_9_8 });
        new NameServer(cluster, "ns0", { host: k8s });
        new BrokerPair(cluster, "broker-a", {
          master: { host: k8s, properties: { mappedFileSizeCommitLog: 268435456 } },
        });
      }),
    ).not.toThrow();
  });

  test("output is byte-identical across syntheses", () => {
    const once = () => {
      const stack = new TerraformStack(Testing.app(), "stack");
      twoMastersTwoSlaves(stack);
      return Testing.synth(stack, true);
    };
    expect(once()).toBe(once());
  });
});

describe("yamlDocuments", () => {
  const json: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: "small" },
      fc.string({ unit: "grapheme" }),
      fc.constantFrom("a\nb\n", " x\ny", "\n\nz\n\n", "k=v\n", "tab\t\n", "y", "no", "trail \n"),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.array(tie("value"), { maxLength: 4 }),
      fc.dictionary(fc.string(), tie("value"), { maxKeys: 4 }),
    ),
  })).value;

  test("every document parses back to the data it was made from", () => {
    fc.assert(
      fc.property(fc.array(json, { minLength: 1, maxLength: 3 }), (docs) => {
        const back = YAML.parseAllDocuments(yamlDocuments(docs)).map((d) => d.toJSON());
        expect(back).toEqual(JSON.parse(JSON.stringify(docs)));
      }),
      { numRuns: 300 },
    );
  });
});

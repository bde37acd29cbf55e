import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { TerraformStack, TerraformVariable, Testing } from "cdktf";
import { rollout, stackChanges } from "../../lib/cli";
import {
  AclPermission,
  BrokerPair,
  DLedgerGroup,
  KubernetesApplier,
  KubernetesHost,
  NameServer,
  Replication,
  RocketMqCluster,
  RocketMqVersion,
} from "../../lib";
import { changeImpact, renderImpact } from "../../lib/report/impact";
import { encodedText, templateText } from "../../lib/targets/kubernetes/changes";

interface Knobs {
  masterProps?: Record<string, string>;
  brokerMemoryMb?: number;
  storageClassName?: string;
  applier?: KubernetesApplier;
  auditorPermission?: AclPermission;
}

/** Two name servers, a SYNC pair and a DLedger group of three in one namespace, with knobs for the changes. */
function k8sStack(o: Knobs = {}): unknown {
  const stack = new TerraformStack(Testing.app(), "stack");
  const k8s = new KubernetesHost(stack, "k8s", {
    namespace: "mq",
    storageClassName: o.storageClassName,
    applier: o.applier,
  });
  const secret = (name: string) => new TerraformVariable(stack, name, { type: "string", sensitive: true }).stringValue;
  const cluster = new RocketMqCluster(stack, "rmq", {
    version: RocketMqVersion.V5_5_0,
    brokerJvm: { memoryMb: o.brokerMemoryMb ?? 1280 },
    accessControl: {
      users: [
        { name: "rocketmq-admin", secret: secret("adminSecret"), admin: true },
        {
          name: "orders-audit",
          secret: secret("auditSecret"),
          topicPermissions: { Orders: o.auditorPermission ?? AclPermission.SUB },
        },
      ],
    },
  });
  new NameServer(cluster, "ns0", { host: k8s });
  new NameServer(cluster, "ns1", { host: k8s });
  new BrokerPair(cluster, "broker-a", {
    replication: Replication.SYNC,
    master: { host: k8s, properties: o.masterProps },
    slaves: [{ host: k8s }],
  });
  new DLedgerGroup(cluster, "broker-c", { peers: [0, 1, 2].map(() => ({ host: k8s })) });
  return JSON.parse(Testing.synth(stack, true));
}

describe("the change report reads Kubernetes stacks", () => {
  test("a broker property changed: that broker's pod is replaced, named by the key, targeted by its StatefulSet", () => {
    const impact = changeImpact("s", stackChanges(k8sStack(), k8sStack({ masterProps: { fileReservedTime: "120" } })));
    expect(impact.restarted.map((r) => [r.name, r.reasons, r.address])).toEqual([
      [
        "defaultcluster-broker-a-0",
        ["broker.properties fileReservedTime: (unset) -> 120"],
        expect.stringMatching(/^kubectl_manifest\.rmq_broker-a_master_statefulset_/),
      ],
    ]);
    expect(impact.groups.find((g) => g.group === "master/slave set broker-a")).toMatchObject({
      members: expect.arrayContaining(["mq/defaultcluster-broker-a-0", "mq/defaultcluster-broker-a-1"]),
      keepsQuorum: false,
    });
    const text = renderImpact([impact]);
    expect(text).toContain("### Restarted: pod replaced (1)");
    expect(text).toContain("kubectl rollout status statefulset/<process>");
  });

  test("the same stack twice: nothing restarts", () => {
    const impact = changeImpact("s", stackChanges(k8sStack(), k8sStack()));
    expect([impact.restarted, impact.updatedInPlace, impact.started, impact.stopped]).toEqual([[], [], [], []]);
  });

  test("a broker memory changed: every broker's pod is replaced, with its memory and its JVM flags named", () => {
    const impact = changeImpact("s", stackChanges(k8sStack(), k8sStack({ brokerMemoryMb: 2304 })));
    expect(impact.restarted.map((r) => r.name).sort()).toEqual([
      "defaultcluster-broker-a-0",
      "defaultcluster-broker-a-1",
      "defaultcluster-broker-c-n0",
      "defaultcluster-broker-c-n1",
      "defaultcluster-broker-c-n2",
    ]);
    expect(impact.restarted[0].reasons).toEqual([
      "pod template spec.containers[0] env HEAP_OPTS: -Xms512m -Xmx512m -XX:MaxDirectMemorySize=512m -> -Xms1024m -Xmx1024m -XX:MaxDirectMemorySize=1024m",
      "pod template spec.containers[0] env JAVA_OPT_EXT: -Xms512m -Xmx512m -XX:MaxDirectMemorySize=512m -Drocketmq.acl.plain.file=../conf/plain_acl.yml -> -Xms1024m -Xmx1024m -XX:MaxDirectMemorySize=1024m -Drocketmq.acl.plain.file=../conf/plain_acl.yml",
      "pod template spec.containers[0].resources.limits.memory: 1280Mi -> 2304Mi",
      "pod template spec.containers[0].resources.requests.memory: 1280Mi -> 2304Mi",
    ]);
    // All at once the DLedger group loses its majority: the report says so, and the waves keep it.
    expect(impact.groups.find((g) => g.group === "DLedger group broker-c")!.keepsQuorum).toBe(false);
    expect(impact.waves.length).toBeGreaterThan(1);
  });

  test("a permission changed: the brokers' ACL file in their Secret changed, its content and no secret shown", () => {
    const impact = changeImpact("s", stackChanges(k8sStack(), k8sStack({ auditorPermission: AclPermission.PUB_SUB })));
    expect(impact.restarted.length).toBe(5);
    for (const r of impact.restarted)
      expect(r.reasons).toEqual([
        "plain_acl.yml changed (it holds secrets: its content is not shown); ACL 2.0: each broker rebuilds its accounts from it when it starts again (accounts made with mqadmin or the console are dropped then)",
      ]);
    expect(JSON.stringify(impact)).not.toMatch(/var\.(admin|audit)Secret/);
  });

  test("a claim template changed: reported as what Kubernetes refuses, with the way through", () => {
    const impact = changeImpact("s", stackChanges(k8sStack(), k8sStack({ storageClassName: "fast" })));
    expect(impact.restarted.length).toBe(7);
    expect(impact.restarted[0].reasons).toEqual([
      "spec.volumeClaimTemplates[0].spec.storageClassName changed: Kubernetes refuses to update a StatefulSet's claim templates; delete the StatefulSet (its claim is kept) and apply again",
    ]);
  });

  test("the hashicorp provider's kubernetes_manifest objects are read alike", () => {
    const knobs = { applier: KubernetesApplier.KUBERNETES };
    const impact = changeImpact(
      "s",
      stackChanges(k8sStack(knobs), k8sStack({ ...knobs, masterProps: { fileReservedTime: "120" } })),
    );
    expect(impact.restarted.map((r) => [r.name, r.reasons, r.address])).toEqual([
      [
        "defaultcluster-broker-a-0",
        ["broker.properties fileReservedTime: (unset) -> 120"],
        expect.stringMatching(/^kubernetes_manifest\.rmq_broker-a_master_statefulset_/),
      ],
    ]);
  });

  test("rollout lists the waves with what Kubernetes adds, and --script refuses a Kubernetes stack with what to do", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "k8s-rollout-"));
    try {
      const write = (name: string, json: unknown) => {
        fs.mkdirSync(path.join(dir, name, "stacks", "s"), { recursive: true });
        fs.writeFileSync(path.join(dir, name, "stacks", "s", "cdk.tf.json"), JSON.stringify(json));
        return path.join(dir, name);
      };
      const before = write("a", k8sStack());
      const after = write("b", k8sStack({ brokerMemoryMb: 2304 }));
      const text = rollout(before, after, "text");
      expect(text).toContain("run `kubectl rollout status statefulset/<process>` before each wave's wait");
      expect(() => rollout(before, after, "script")).toThrow(
        /rollout --script does not drive Kubernetes stacks yet \(s\): .* kubectl rollout status statefulset\/<process>/,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("encodedText", () => {
  test("reads the hashicorp provider's base64encode(join(...)) back as text, each value Terraform fills in as ${...}", () => {
    expect(
      encodedText(
        '${base64encode(join("", ["a=\\"$${x}\\n", replace(jsonencode(var.s), "\\\\", "\\\\\\\\"), "\\n"]))}',
      ),
    ).toBe('a="${x}\n${replace(jsonencode(var.s), "\\\\", "\\\\\\\\")}\n');
    expect(encodedText('${base64encode("only")}')).toBe("only");
    expect(encodedText("plain")).toBeUndefined();
  });
});

describe("templateText", () => {
  test("keeps each interpolation as written (quotes and braces inside it escaped for JSON) and unescapes literals", () => {
    const body = '{"a":"x${trimsuffix(jsonencode(var.s), "\\"")}y","b":"$${HOME} %%{if}","c":"${f({k = "}"})}"}';
    expect(JSON.parse(templateText(body))).toEqual({
      a: 'x${trimsuffix(jsonencode(var.s), "\\"")}y',
      b: "${HOME} %{if}",
      c: '${f({k = "}"})}',
    });
  });
});

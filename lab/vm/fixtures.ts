// Documents the VM lab checks with the real tools without booting them: what main.ts's VM stack does not cover
// (RocketMQ 5: standalone controllers, controller-mode brokers, a proxy with its JSON file; two processes of one kind
// on one VM; a pinned checksum, a preinstalled Java and distribution). Output: CDKTF_OUTDIR.
import { App, TerraformStack } from "cdktf";
import {
  BrokerPair,
  ControllerBrokerSet,
  ControllerGroup,
  NameServer,
  Proxy,
  RocketMqCluster,
  VmDistribution,
  VmHost,
  VmJava,
  RocketMqVersion,
} from "../../lib";

const app = new App();

const s5 = new TerraformStack(app, "fixture-5x-controller-vm");
const hosts = [41, 42, 43].map(
  (n) =>
    new VmHost(s5, `vm${n}`, {
      address: `172.17.160.${n}`,
      distribution: VmDistribution.apacheArchive({ sha512: "ab".repeat(64) }),
    }),
);
const c5 = new RocketMqCluster(s5, "rmq", { clusterName: "ControllerCluster", version: RocketMqVersion.V5_3_3 });
hosts.forEach((host, i) => new NameServer(c5, `ns${41 + i}`, { host }));
new ControllerGroup(c5, "controllers", { controllers: hosts.map((host) => ({ host })) });
new ControllerBrokerSet(c5, "broker-a", { brokers: hosts.map((host) => ({ host })) });
new Proxy(c5, "proxy", { host: hosts[0] });

const s4 = new TerraformStack(app, "fixture-one-vm");
const one = new VmHost(s4, "vm", {
  address: "10.0.0.5",
  java: VmJava.preinstalled("/usr/lib/jvm/java-17-openjdk-amd64"),
  distribution: VmDistribution.preinstalled("/opt/rocketmq-4.9.8"),
  limitNofile: 1048576,
});
const c4 = new RocketMqCluster(s4, "rmq", { version: RocketMqVersion.V4_9_8 });
new NameServer(c4, "ns", { host: one });
new BrokerPair(c4, "broker-a", { master: { host: one } });
new BrokerPair(c4, "broker-b", {
  master: { host: one, listenPort: 20911, store: { hostPath: "/data/rocketmq/broker-b" } },
});

app.synth();

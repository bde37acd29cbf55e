/**
 * The bench topology, declared with the library's public API only: N broker sets over 50 DockerHosts,
 * with 3 name servers. `pair`: N BrokerPairs of a master and a SYNC slave on two hosts; `dledger`: N
 * DLedger groups of 3 peers on three hosts. Every port and name is chosen so that the topology is valid
 * (no finding): each host hands its brokers listen ports 4 apart, and DLedger ports of their own.
 * Declared in a TerraformStack's constructor, as in cdktf's project template (the baseline too).
 */
import { TerraformStack } from "cdktf";
import { Construct } from "constructs";
import {
  BrokerPair,
  DLedgerGroup,
  DockerHost,
  NameServer,
  Replication,
  RocketMqCluster,
  RocketMqVersion,
} from "../lib";

export type Shape = "pair" | "dledger";
export const SHAPES: readonly Shape[] = ["pair", "dledger"];
export const HOSTS = 50;
export const NAME_SERVERS = 3;

export class BenchStack extends TerraformStack {
  constructor(scope: Construct, id: string, shape: Shape, sets: number) {
    super(scope, id);
    const hosts = Array.from({ length: HOSTS }, (_, i) => {
      const address = `10.0.${Math.floor(i / 250)}.${(i % 250) + 1}`;
      return new DockerHost(this, `h${String(i).padStart(2, "0")}`, { address, dockerHost: `ssh://ops@${address}` });
    });
    const cluster = new RocketMqCluster(this, "rmq", { clusterName: "BenchCluster", version: RocketMqVersion.V4_9_8 });
    for (let i = 0; i < NAME_SERVERS; i++) new NameServer(cluster, `ns${i}`, { host: hosts[i] });
    // The k-th broker on a host listens at 10911 + 4k (it opens listenPort-2 .. listenPort+1).
    const placed = new Array<number>(HOSTS).fill(0);
    const next = (h: number) => placed[h]++;
    const name = (i: number) => `broker-${String(i).padStart(5, "0")}`;
    for (let i = 0; i < sets; i++) {
      if (shape === "pair") {
        const [m, s] = [(2 * i) % HOSTS, (2 * i + 1) % HOSTS];
        new BrokerPair(cluster, name(i), {
          replication: Replication.SYNC,
          master: { host: hosts[m], listenPort: 10911 + 4 * next(m) },
          slaves: [{ host: hosts[s], listenPort: 10911 + 4 * next(s) }],
        });
      } else {
        new DLedgerGroup(cluster, name(i), {
          peers: [0, 1, 2].map((j) => {
            const h = (3 * i + j) % HOSTS;
            const k = next(h);
            return { host: hosts[h], listenPort: 10911 + 4 * k, dLegerPort: 30911 + k };
          }),
        });
      }
    }
  }
}

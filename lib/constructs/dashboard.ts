import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { DashboardModel } from "../core/model";
import { DEFAULT_DASHBOARD_PORT } from "../core/ports";
import { invalidate, planOf } from "../synth/analysis";
import { reportFindings } from "../synth/report";
import { hostModelOf, IRocketMqHost } from "../targets/host";
import { RocketMqCluster } from "./cluster";
import { containerNameOf, outputIdOf } from "./common";

/** The console's image as apache/rocketmq-dashboard publishes it. */
export const DEFAULT_DASHBOARD_IMAGE = "apacherocketmq/rocketmq-dashboard:2.1.0";

export interface DashboardProps {
  /** The machine that runs the console. */
  readonly host: IRocketMqHost;
  /**
   * The console's HTTP port (`server.port`). It joins the host's port plan: a console on 8080 beside a
   * RocketMQ 5 proxy's remoting port 8080 is a `ports/collision` error.
   * @default 8082 (the dashboard's own default)
   */
  readonly listenPort?: number;
  /**
   * The console's image.
   * @default "apacherocketmq/rocketmq-dashboard:2.1.0"
   */
  readonly image?: string;
  /**
   * Container name.
   * @default `<clusterName>-dashboard-<id>`, lower-cased
   */
  readonly containerName?: string;
  /**
   * Java heap of the console in MiB (-Xms = -Xmx); the container's memory limit is this plus 256 MiB.
   * @default 512
   */
  readonly heapMb?: number;
}

/**
 * The RocketMQ console (apache/rocketmq-dashboard) of a cluster, pointed at every name server of the cluster
 * (and at its 5.x proxies), so that it shows the brokers without anyone typing an address. Its URL is a stack
 * output.
 */
export class Dashboard extends Construct {
  /** @internal */
  public readonly _kind = "dashboard";
  public readonly host: IRocketMqHost;
  public readonly listenPort: number;
  public readonly containerName: string;
  public readonly image: string;
  private readonly heapMb: number;

  constructor(scope: Construct, id: string, props: DashboardProps) {
    super(scope, id);
    const cluster = RocketMqCluster.of(this);
    cluster._addMember(this);
    this.host = props.host;
    this.listenPort = props.listenPort ?? DEFAULT_DASHBOARD_PORT;
    this.image = props.image ?? DEFAULT_DASHBOARD_IMAGE;
    this.heapMb = props.heapMb ?? 512;
    this.containerName = props.containerName ?? containerNameOf(cluster.clusterName, "dashboard", id);
    invalidate(this);
    reportFindings(this);
    props.host._placeProcess(this, { healthPort: this.listenPort }, () => planOf(this));
    new TerraformOutput(this, "url", { value: this.url, description: `The RocketMQ console of cluster ${cluster.clusterName}.` }).overrideLogicalId(outputIdOf(this, "url"));
  }

  /** `http://address:listenPort`. */
  public get url(): string {
    return `http://${this.host.address}:${this.listenPort}`;
  }

  /** @internal */
  public _toModel(): DashboardModel {
    return {
      path: this.node.path,
      host: hostModelOf(this.host),
      containerName: this.containerName,
      jvm: { heapMb: this.heapMb, directMemoryMb: 0 },
      listenPort: this.listenPort,
      image: this.image,
    };
  }
}

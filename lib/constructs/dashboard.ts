import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { DEFAULT_DASHBOARD_PORT } from "../core/ports";
import { ProcessKind } from "../core/plan";
import { field } from "../input/schema";
import { ClusterModelParts, IClusterMember } from "./cluster";
import { outputIdOf } from "./common";
import { PROCESS_FIELDS, ProcessProps, ProcessSpec, RocketMqProcess } from "./process";

/** The console's image as apache/rocketmq-dashboard publishes it. */
export const DEFAULT_DASHBOARD_IMAGE = "apacherocketmq/rocketmq-dashboard:2.1.0";

/** Props of a Dashboard: where the console runs and on which port. */
export interface DashboardProps extends ProcessProps {
  /**
   * The console's HTTP port (`server.port`). It joins the host's port plan: a console on 8080 beside a
   * RocketMQ 5 proxy's remoting port 8080 is a `ports/collision` error.
   * @default 8082 (the dashboard's own default) + the cluster's portOffset
   */
  readonly listenPort?: number;
  /**
   * The console's image.
   * @default "apacherocketmq/rocketmq-dashboard:2.1.0"
   */
  readonly image?: string;
  /**
   * Java heap of the console in MiB (-Xms = -Xmx); the container's memory limit is this plus 256 MiB.
   * @default 512
   */
  readonly heapMb?: number;
}

const DASHBOARD: ProcessSpec<DashboardProps> = {
  kind: ProcessKind.DASHBOARD,
  what: "Dashboard",
  schema: {
    ...PROCESS_FIELDS,
    listenPort: field.port(DEFAULT_DASHBOARD_PORT),
    image: field.string({
      literal: "the library checks at synth that it is an image reference Docker can pull",
      example: `"${DEFAULT_DASHBOARD_IMAGE}"`,
    }),
    heapMb: field.size(512),
  },
  clusterMember: true,
};

/**
 * The RocketMQ console (apache/rocketmq-dashboard) of a cluster, pointed at every name server of the cluster
 * (and at its 5.x proxies), so that it shows the brokers without anyone typing an address. Its URL is a stack
 * output.
 */
export class Dashboard extends RocketMqProcess implements IClusterMember {
  /** The console's HTTP port (server.port). */
  public readonly listenPort: number;
  /** The console's image. */
  public readonly image: string;
  private readonly heapMb: number;

  constructor(scope: Construct, id: string, props: DashboardProps) {
    super(scope, id);
    const read = this._declare(props, DASHBOARD);
    this.listenPort = read.listenPort ?? this._declared.cluster._defaultPort(DEFAULT_DASHBOARD_PORT);
    this.image = read.image ?? DEFAULT_DASHBOARD_IMAGE;
    this.heapMb = read.heapMb ?? 512;
    new TerraformOutput(this, "url", {
      value: this.url,
      description: `The RocketMQ console of cluster ${this._declared.cluster.clusterName}.`,
    }).overrideLogicalId(outputIdOf(this, "url"));
  }

  /** `http://address:listenPort`. */
  public get url(): string {
    return `http://${this.host?.address ?? ""}:${this.listenPort}`;
  }

  /** @internal */
  public _addToModel(parts: ClusterModelParts): void {
    const d = this._declared;
    parts.dashboards.push({
      path: this.node.path,
      host: this._hostModel(),
      containerName: d.containerName,
      jvm: { heapMb: this.heapMb, directMemoryMb: 0 },
      listenPort: this.listenPort,
      image: this.image,
      defaults: d.defaults,
      unchecked: d.refused,
    });
  }
}

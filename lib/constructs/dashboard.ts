import { TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { DashboardModel } from "../core/model";
import { DEFAULT_DASHBOARD_PORT } from "../core/ports";
import { invalidate, planOf } from "../synth/analysis";
import { reportFindings } from "../synth/report";
import { hostModelOf, IRocketMqHost } from "../targets/host";
import { LITERAL, PropsReader } from "../synth/input";
import { unplacedHost } from "./broker-process";
import { RocketMqCluster } from "./cluster";
import { containerNameOf, outputIdOf, readHost } from "./common";

/** The console's image as apache/rocketmq-dashboard publishes it. */
export const DEFAULT_DASHBOARD_IMAGE = "apacherocketmq/rocketmq-dashboard:2.1.0";

/** Props of a Dashboard: where the console runs and on which port. */
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
  /** The machine that runs the console. */
  public readonly host: IRocketMqHost;
  /** The console's HTTP port (server.port). */
  public readonly listenPort: number;
  /** Container name on the host. */
  public readonly containerName: string;
  /** The console's image. */
  public readonly image: string;
  private readonly heapMb: number;
  private readonly defaultName: boolean;
  private readonly refused: boolean;
  private readonly placedOn?: IRocketMqHost;

  constructor(scope: Construct, id: string, props: DashboardProps) {
    super(scope, id);
    const cluster = RocketMqCluster.of(this);
    cluster._addMember(this);
    // Every prop is read (and refused when wrong) before anything uses it.
    const r = new PropsReader(this.node.path);
    const o = r.object(props, `Dashboard ${id}`, true, "{ host }");
    r.known(o, ["host", "listenPort", "image", "containerName", "heapMb"]);
    this.placedOn = readHost(r, o, this);
    this.host = this.placedOn as IRocketMqHost;
    this.listenPort =
      r.integer(o, "listenPort", { literal: LITERAL.port, example: DEFAULT_DASHBOARD_PORT }) ?? DEFAULT_DASHBOARD_PORT;
    this.image =
      r.string(o, "image", {
        literal: "the library checks at synth that it is an image reference Docker can pull",
        example: `"${DEFAULT_DASHBOARD_IMAGE}"`,
      }) ?? DEFAULT_DASHBOARD_IMAGE;
    this.heapMb = r.integer(o, "heapMb", { literal: LITERAL.size, example: 512 }) ?? 512;
    const containerName = r.string(o, "containerName", {
      literal: LITERAL.name,
      example: `"${containerNameOf(cluster.clusterName, "dashboard", id)}"`,
    });
    this.defaultName = containerName === undefined;
    this.containerName = containerName ?? containerNameOf(cluster.clusterName, "dashboard", id);
    this.refused = r.failed;
    invalidate(this);
    reportFindings(this, r.findings);
    // A refused host places nothing: the error says why, and no container without a provider is made.
    this.placedOn?._placeProcess(this, { healthPort: this.listenPort }, () => planOf(this));
    new TerraformOutput(this, "url", {
      value: this.url,
      description: `The RocketMQ console of cluster ${cluster.clusterName}.`,
    }).overrideLogicalId(outputIdOf(this, "url"));
  }

  /** `http://address:listenPort`. */
  public get url(): string {
    return `http://${this.host?.address ?? ""}:${this.listenPort}`;
  }

  /** @internal */
  public _toModel(): DashboardModel {
    return {
      path: this.node.path,
      host: this.placedOn ? hostModelOf(this.placedOn) : unplacedHost(this.node.path),
      containerName: this.containerName,
      jvm: { heapMb: this.heapMb, directMemoryMb: 0 },
      listenPort: this.listenPort,
      image: this.image,
      defaults: this.defaultName ? ["containerName"] : [],
      unchecked: this.refused,
    };
  }
}

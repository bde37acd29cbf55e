import { Construct } from "constructs";
import { DEFAULT_NAMESRV_PORT } from "../core/ports";
import { ProcessKind } from "../core/plan";
import { field } from "../input/schema";
import { ClusterModelParts, IClusterMember } from "./cluster";
import { NAMESRV_JVM } from "./common";
import { ProcessSpec, RocketMqProcess, STATEFUL_SERVER_FIELDS, StatefulServerProps } from "./process";

/** Where the official image keeps a name server's data (kvConfig.json). */
export const NAMESRV_STORE_PATH = "/home/rocketmq/namesrv";

/** Props of a NameServer. */
export interface NameServerProps extends StatefulServerProps {
  /**
   * listenPort of the name server; part of every broker's namesrvAddr.
   * @default 9876 + the cluster's portOffset
   */
  readonly listenPort?: number;
}

const NAME_SERVER: ProcessSpec<NameServerProps> = {
  kind: ProcessKind.NAMESRV,
  what: "NameServer",
  schema: { ...STATEFUL_SERVER_FIELDS, listenPort: field.port(DEFAULT_NAMESRV_PORT) },
  storePath: NAMESRV_STORE_PATH,
  clusterMember: true,
};

/** A RocketMQ name server: one container on its host, listed in every broker's namesrvAddr. */
export class NameServer extends RocketMqProcess implements IClusterMember {
  /** listenPort, part of every broker's namesrvAddr. */
  public readonly listenPort: number;

  constructor(scope: Construct, id: string, props: NameServerProps) {
    super(scope, id);
    this.listenPort =
      this._declare(props, NAME_SERVER).listenPort ?? this._declared.cluster._defaultPort(DEFAULT_NAMESRV_PORT);
  }

  /** `address:listenPort`, as brokers and clients list it. */
  public get endpoint(): string {
    return `${this.host?.address ?? ""}:${this.listenPort}`;
  }

  /** @internal */
  public _addToModel(parts: ClusterModelParts): void {
    parts.nameServers.push({
      ...this._serverModel(NAMESRV_JVM, "nameServerJvm"),
      store: this._declared.store!,
      listenPort: this.listenPort,
    });
  }
}

import { Construct } from "constructs";
import { ControllerModel } from "../core/model";
import { DEFAULT_CONTROLLER_PORT } from "../core/ports";
import { ProcessKind } from "../core/plan";
import { isToken } from "../input/reader";
import { field } from "../input/schema";
import { containerNameOf, NAMESRV_JVM } from "./common";
import { ProcessSpec, RocketMqProcess, STATEFUL_SERVER_FIELDS, StatefulServerProps } from "./process";

/** Where the official image keeps a controller's raft log (controllerStorePath). */
export const CONTROLLER_STORE_PATH = "/home/rocketmq/controller";

/** A standalone controller (mqcontroller). */
export interface ControllerProps extends StatefulServerProps {
  /** controllerDLegerSelfId. @default `n<index>` */
  readonly selfId?: string;
  /** Its port in controllerDLegerPeers, which brokers list in controllerAddr. @default 9878 - 10 × index (9878, 9868, 9858, as the official examples), plus the cluster's portOffset */
  readonly port?: number;
}

const CONTROLLER: ProcessSpec<ControllerProps> = {
  kind: ProcessKind.CONTROLLER,
  what: "controller",
  schema: { ...STATEFUL_SERVER_FIELDS, selfId: field.id("n0"), port: field.port(DEFAULT_CONTROLLER_PORT) },
  storePath: CONTROLLER_STORE_PATH,
  clusterMember: false,
};

/** The selfId a controller's props give (for its construct id), without reporting: the Controller reports it. */
export function controllerSelfIdOf(raw: unknown, index: number): string {
  const selfId = (raw as { selfId?: unknown } | null | undefined)?.selfId;
  return typeof selfId === "string" && !isToken(selfId) ? selfId : defaultSelfId(index);
}

function defaultSelfId(index: number): string {
  return `n${index}`;
}

/**
 * One standalone controller (mqcontroller) of a ControllerGroup: its container on its host. Created by the group; its
 * construct path (`.../group1/n0`) is what synth errors name.
 */
export class Controller extends RocketMqProcess {
  /** controllerDLegerSelfId. */
  public readonly selfId: string;
  /** Its port in controllerDLegerPeers (and in the brokers' controllerAddr). */
  public readonly port: number;

  /**
   * @param index its position in the group: names the default selfId (`n<index>`) and port (9878 - 10 × index)
   */
  constructor(scope: Construct, id: string, props: ControllerProps, index: number) {
    super(scope, id);
    const read = this._declare(props, {
      ...CONTROLLER,
      label: `controllers[${index}] of ControllerGroup ${scope.node.id}`,
      defaultName: (cluster, own) =>
        containerNameOf(cluster.clusterName, "controller", own.selfId ?? defaultSelfId(index)),
    });
    this.selfId = read.selfId ?? defaultSelfId(index);
    this.port = read.port ?? this._declared.cluster._defaultPort(DEFAULT_CONTROLLER_PORT - 10 * index);
  }

  /** @internal */
  public _toModel(): ControllerModel {
    return {
      ...this._serverModel(NAMESRV_JVM, "nameServerJvm"),
      store: this._declared.store!,
      selfId: this.selfId,
      port: this.port,
    };
  }
}

import { provider, container, volume } from "@cdktf/provider-docker";
import { Lazy, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { ProcessPlan } from "../../core/plan";
import { invalidate, markHost } from "../../synth/analysis";
import { reportFindings } from "../../synth/report";
import { IRocketMqHost, ProcessPlacement } from "../host";
import { dockerContainerSpec, healthcheck, storeInitSpec } from "./container-spec";

/** How the RocketMQ containers of a DockerHost are networked. */
export enum DockerNetworkMode {
  /**
   * Docker's default bridge network: each container has its own network stack; every port a process opens
   * is published on the machine at the same number. The host's `address` must be one that containers reach
   * (not a loopback address).
   */
  BRIDGE = "bridge",
  /**
   * The machine's own network (`network_mode = "host"`): processes bind the machine's ports directly and
   * share its loopback, so `127.0.0.1` works as the address of a one-machine (development) cluster.
   * Needs a Linux Docker engine.
   */
  HOST = "host",
}

export interface DockerHostProps {
  /**
   * Address of the machine as clients and peers reach it: written as brokerIP1/brokerIP2, into
   * namesrvAddr and dLegerPeers. An IP address or a DNS name.
   */
  readonly address: string;
  /**
   * The Docker engine to talk to (the provider's `host`), e.g. `ssh://ops@10.0.0.28` or
   * `tcp://10.0.0.28:2376`.
   * @default the provider's default, the local engine (unix:///var/run/docker.sock)
   */
  readonly dockerHost?: string;
  /**
   * Alias of this host's docker provider in the Terraform configuration.
   * @default the construct id
   */
  readonly alias?: string;
  /**
   * How the containers are networked. `HOST` for a cluster on one machine at `127.0.0.1`; `BRIDGE`
   * (published ports) otherwise.
   * @default DockerNetworkMode.BRIDGE
   */
  readonly networkMode?: DockerNetworkMode;
}

/**
 * One Docker engine on one machine. Several hosts become several aliased docker providers;
 * every RocketMQ process placed on the host is one docker_container (with its store volume, and a
 * one-shot container that gives the store to the user RocketMQ runs as) created through this host's provider.
 */
export class DockerHost extends Construct implements IRocketMqHost {
  public readonly address: string;
  public readonly provider: provider.DockerProvider;
  public readonly networkMode: DockerNetworkMode;

  constructor(scope: Construct, id: string, props: DockerHostProps) {
    super(scope, id);
    this.address = props.address;
    this.networkMode = props.networkMode ?? DockerNetworkMode.BRIDGE;
    this.provider = new provider.DockerProvider(this, "provider", {
      alias: props.alias ?? id,
      host: props.dockerHost,
    });
    markHost(this);
    invalidate(this);
    reportFindings(this);
    const alias = props.alias ?? id;
    this.node.addValidation({
      validate: () => {
        const others = TerraformStack.of(this)
          .node.findAll()
          .filter((c): c is DockerHost => c instanceof DockerHost && c !== this && c.provider.alias === alias);
        return others.length > 0 && others.every((o) => o.node.path > this.node.path)
          ? [`[hosts/alias] docker provider alias "${alias}" is used by ${[this, ...others].map((h) => h.node.path).join(" and ")}: Terraform rejects duplicate provider aliases. Fix: give each DockerHost a distinct id or alias.`]
          : [];
      },
    });
  }

  /** On Docker's bridge network every container has a loopback of its own. */
  public get isolatedLoopback(): boolean {
    return this.networkMode === DockerNetworkMode.BRIDGE;
  }

  /** @internal */
  public _placeProcess(scope: Construct, placement: ProcessPlacement, plan: () => ProcessPlan): container.Container {
    const mode = this.networkMode;
    const spec = () => dockerContainerSpec(plan(), mode);
    const storeVolume = placement.store?.volume
      ? new volume.Volume(scope, "store", {
          provider: this.provider,
          name: placement.store.volume,
          // The commit log outlives a mistaken `destroy` or a replacement unless the user opted in.
          lifecycle: placement.store.allowDestroy ? undefined : { preventDestroy: true },
        })
      : undefined;
    const volumes = (vs: ReturnType<typeof spec>["volumes"]) =>
      vs.map((v) =>
        v.volumeName
          ? { container_path: v.containerPath, volume_name: storeVolume ? storeVolume.name : v.volumeName }
          : { container_path: v.containerPath, host_path: v.hostPath },
      );
    const init = placement.store
      ? new container.Container(scope, "store-init", {
          provider: this.provider,
          name: Lazy.stringValue({ produce: () => storeInitSpec(plan())!.name }),
          image: Lazy.stringValue({ produce: () => storeInitSpec(plan())!.image }),
          user: "0:0",
          entrypoint: ["chown"],
          command: Lazy.listValue({ produce: () => storeInitSpec(plan())!.command }),
          volumes: Lazy.anyValue({ produce: () => volumes(storeInitSpec(plan())!.volumes) }) as any,
          labels: Lazy.anyValue({ produce: () => storeInitSpec(plan())!.labels }) as any,
          networkMode: "none",
          // Runs once and stops: wait for it (attach) and keep it (must_run false) so plans stay quiet.
          attach: true,
          mustRun: false,
        })
      : undefined;
    const c = new container.Container(scope, "container", {
      provider: this.provider,
      name: Lazy.stringValue({ produce: () => spec().name }),
      image: Lazy.stringValue({ produce: () => spec().image }),
      command: Lazy.listValue({ produce: () => spec().command }),
      env: Lazy.listValue({ produce: () => spec().env }),
      user: Lazy.stringValue({ produce: () => spec().user }),
      networkMode: mode,
      upload: Lazy.anyValue({ produce: () => spec().upload }) as any,
      volumes: Lazy.anyValue({ produce: () => volumes(spec().volumes) }, { omitEmptyArray: true }) as any,
      ports: Lazy.anyValue({ produce: () => spec().ports }, { omitEmptyArray: true }) as any,
      labels: Lazy.anyValue({ produce: () => spec().labels }) as any,
      memory: Lazy.numberValue({ produce: () => spec().memory }),
      memorySwap: Lazy.numberValue({ produce: () => spec().memorySwap }),
      restart: "unless-stopped",
      healthcheck: healthcheck(placement.healthPort),
    });
    // The store is handed over first; name servers and controllers start before brokers (plan().startAfter).
    c.dependsOn = Lazy.listValue({
      produce: () => [
        ...(init ? [`${init.terraformResourceType}.${init.friendlyUniqueId}`] : []),
        ...plan().startAfter.map((path) => {
          const dep = containerAt(scope, path);
          return `${dep.terraformResourceType}.${dep.friendlyUniqueId}`;
        }),
      ],
    }, { omitEmpty: true });
    return c;
  }
}

function containerAt(scope: Construct, processPath: string): container.Container {
  const found = TerraformStack.of(scope)
    .node.findAll()
    .find((c) => c.node.path === `${processPath}/container`);
  if (!(found instanceof container.Container)) throw new Error(`${scope.node.path}: no container for ${processPath}`);
  return found;
}

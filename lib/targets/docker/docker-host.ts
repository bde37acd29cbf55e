import { provider, container, volume } from "@cdktf/provider-docker";
import { Lazy, TerraformStack } from "cdktf";
import { invalidate, markHost } from "../../synth/analysis";
import { Construct } from "constructs";
import { ProcessPlan } from "../../core/plan";
import { IRocketMqHost, ProcessPlacement } from "../host";
import { dockerContainerSpec, healthcheck } from "./container-spec";

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
}

/**
 * One Docker engine on one machine. Several hosts become several aliased docker providers;
 * every RocketMQ process placed on the host is one docker_container (and its store volume)
 * created through this host's provider.
 */
export class DockerHost extends Construct implements IRocketMqHost {
  public readonly address: string;
  public readonly provider: provider.DockerProvider;

  constructor(scope: Construct, id: string, props: DockerHostProps) {
    super(scope, id);
    this.address = props.address;
    this.provider = new provider.DockerProvider(this, "provider", {
      alias: props.alias ?? id,
      host: props.dockerHost,
    });
    markHost(this);
    invalidate(this);
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

  /** @internal */
  public _placeProcess(scope: Construct, placement: ProcessPlacement, plan: () => ProcessPlan): container.Container {
    const spec = () => dockerContainerSpec(plan());
    const store = placement.volume ? new volume.Volume(scope, "store", { provider: this.provider, name: placement.volume }) : undefined;
    const c = new container.Container(scope, "container", {
      provider: this.provider,
      name: Lazy.stringValue({ produce: () => spec().name }),
      image: Lazy.stringValue({ produce: () => spec().image }),
      command: Lazy.listValue({ produce: () => spec().command }),
      env: Lazy.listValue({ produce: () => spec().env }),
      upload: Lazy.anyValue({ produce: () => spec().upload }) as any,
      volumes: Lazy.anyValue({
        produce: () =>
          spec().volumes.map((v) =>
            v.volumeName
              ? { container_path: v.containerPath, volume_name: store ? store.name : v.volumeName }
              : { container_path: v.containerPath, host_path: v.hostPath },
          ),
      }, { omitEmptyArray: true }) as any,
      ports: Lazy.anyValue({ produce: () => spec().ports }) as any,
      labels: Lazy.anyValue({ produce: () => spec().labels }) as any,
      memory: Lazy.numberValue({ produce: () => spec().memory }),
      restart: "unless-stopped",
      healthcheck: healthcheck(placement.healthPort),
    });
    // Name servers start before brokers: the containers of plan().startAfter, found at synth.
    c.dependsOn = Lazy.listValue({
      produce: () => plan().startAfter.map((path) => {
        const dep = containerAt(scope, path);
        return `${dep.terraformResourceType}.${dep.friendlyUniqueId}`;
      }),
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

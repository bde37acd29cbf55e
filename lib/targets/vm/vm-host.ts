import { Fn, Lazy, TerraformOutput, TerraformResource } from "cdktf";
import { Construct } from "constructs";
import { error, formatFinding } from "../../core/findings";
import { StoreModel } from "../../core/model";
import { ProcessPlan } from "../../core/plan";
import { normaliseHostPath } from "../../core/rules/stores";
import { invalidate, markHost } from "../../synth/analysis";
import { isToken, PropsReader } from "../../synth/input";
import { reportFindings } from "../../synth/report";
import { IRocketMqHost, ProcessPlacement, StoreRequest } from "../host";
import { DEFAULT_LIMIT_NOFILE, VM_JAVA_17_OPTIONS, VmDistribution, VmDistributionSpec, VmJava } from "./options";
import { terraformLiteral, VM_STORE_ROOT, vmUserData } from "./user-data";

/** Props of a VmHost: one virtual machine, its address, how Java and RocketMQ get onto it. */
export interface VmHostProps {
  /**
   * Address of the VM as clients and peers reach it: written as brokerIP1/brokerIP2, into namesrvAddr and
   * dLegerPeers. An IP address or a DNS name (a Terraform expression, such as an instance's private IP, is accepted
   * with a warning: the checks that read it are skipped).
   */
  readonly address: string;
  /**
   * The Java runtime.
   * @default VmJava.debianPackage("openjdk-17-jre-headless"): installed with apt-get unless the image has it
   */
  readonly java?: VmJava;
  /**
   * Where RocketMQ comes from.
   * @default VmDistribution.apacheArchive(): the release's zip from archive.apache.org, verified against its `.sha512`
   */
  readonly distribution?: VmDistribution;
  /**
   * Java options appended to every process's `JAVA_OPT_EXT`, after the heap flags.
   * @default the `--add-opens`/`--add-exports` RocketMQ needs on Java 9 and later (set `[]` for Java 8)
   */
  readonly javaOptions?: string[];
  /**
   * `LimitNOFILE` of every unit (RocketMQ's docs recommend 655350).
   * @default 655350
   */
  readonly limitNofile?: number;
}

/**
 * One virtual machine: every RocketMQ process placed on it becomes a systemd unit in one cloud-init user-data
 * document (`userData`), which any VM resource takes (`attachTo`, e.g. an `aws_instance`). The processes' files are the
 * ones the Docker target uploads, at the VM's paths: files in `/etc/rocketmq/<process>/`, the store in
 * `/var/lib/rocketmq/<process>` (or `store.hostPath`), logs under `/var/log/rocketmq/<process>/logs`. The same port
 * and store rules hold as on one Docker host; VmHosts and DockerHosts mix in one cluster.
 */
export class VmHost extends Construct implements IRocketMqHost {
  /** The address clients and peers use to reach the VM's processes (brokerIP1, namesrvAddr, dLegerPeers). */
  public readonly address: string;
  /** Processes on a VM share the machine's network (and its loopback). */
  public readonly isolatedLoopback = false;
  /** @internal */
  public readonly _kind = "vm" as const;
  /** @internal */
  public readonly _unresolved: readonly ("address" | "engine")[];
  /** The cloud-init user-data document (`#cloud-config`), rendered at synth. */
  public readonly userData: string;
  /** The stack output that holds `userData`. */
  public readonly userDataOutput: TerraformOutput;
  private readonly java: VmJava;
  private readonly distribution: VmDistribution;
  private readonly javaOptions: readonly string[];
  private readonly limitNofile: number;
  private readonly placed: { path: string; plan: () => ProcessPlan }[] = [];

  constructor(scope: Construct, id: string, props: VmHostProps) {
    super(scope, id);
    // Read every prop before anything uses it: an untyped caller gets an error on this host, never a TypeError.
    const r = new PropsReader(this.node.path);
    const o = r.object(props, `VmHost ${id}`, true, `{ address: "10.0.0.28" }`);
    r.known(o, ["address", "java", "distribution", "javaOptions", "limitNofile"]);
    const address = r.string(o, "address", { required: true, example: '"10.0.0.28"' });
    this._unresolved = address === undefined || isToken(address) ? ["address"] : [];
    if (address !== undefined && isToken(address)) {
      r.unresolved(
        "address",
        "its format (hosts/address), a '-' or an IPv6 address in DLedger peers (dledger/host-dash, dledger/ipv6), or whether another host has the same address and so shares this machine's ports and stores",
      );
    }
    this.address = address ?? "";
    this.java =
      instanceProp(r, o, "java", VmJava, 'VmJava.debianPackage("openjdk-17-jre-headless")') ?? VmJava.debianPackage();
    this.distribution =
      instanceProp(r, o, "distribution", VmDistribution, "VmDistribution.apacheArchive()") ??
      VmDistribution.apacheArchive();
    const sha = this.distribution._sha512;
    if (sha !== undefined && !/^[0-9a-f]{128}$/.test(sha)) {
      r.findings.push(
        error(
          this.node.path,
          "hosts/vm-sha512",
          `distribution's SHA-512 ${JSON.stringify(sha)} is not 128 hexadecimal digits: the install script would refuse every download and start no unit.`,
          `Pass the zip's SHA-512 as 128 hex digits (sha512sum <zip>, or the release's .sha512 file), or leave it out to read <zip>.sha512.`,
        ),
      );
    }
    this.javaOptions = stringArray(r, o, "javaOptions") ?? VM_JAVA_17_OPTIONS;
    const limit = r.integer(o, "limitNofile", {
      literal: "the limit is written into every unit at synth",
      example: DEFAULT_LIMIT_NOFILE,
    });
    if (limit !== undefined && limit < 1)
      r.findings.push(
        error(
          this.node.path,
          "props/value",
          `limitNofile is ${limit}: systemd needs a positive open-file limit.`,
          `Set limitNofile to a positive number, e.g. limitNofile: ${DEFAULT_LIMIT_NOFILE}.`,
        ),
      );
    this.limitNofile = limit !== undefined && limit >= 1 ? limit : DEFAULT_LIMIT_NOFILE;
    markHost(this);
    invalidate(this);
    reportFindings(this, r.findings);
    this.node.addValidation({ validate: () => this.versionProblems() });
    // Terraform reads every string as a template: the shell's `${` is escaped, a token's expression is kept.
    this.userData = Lazy.stringValue({ produce: () => terraformLiteral(this.renderUserData()) });
    this.userDataOutput = new TerraformOutput(this, "user-data", {
      value: this.userData,
      description: `cloud-init user-data of the VM ${this.node.path}: attach it to the VM resource (user_data).`,
    });
    this.userDataOutput.overrideLogicalId(
      `${this.node.path
        .split("/")
        .slice(1)
        .join("_")
        .replace(/[^A-Za-z0-9_-]/g, "_")}_userData`,
    );
  }

  /** `userData` base64-encoded (a Terraform expression), for attributes that take it so (`user_data_base64`, Azure's `custom_data`). */
  public get userDataBase64(): string {
    return Fn.base64encode(this.userData);
  }

  /**
   * `userData` gzipped and base64-encoded (a Terraform expression): cloud-init unpacks it. For documents above a
   * provider's limit (AWS: 16 KB of `user_data`), e.g. as an `aws_instance`'s `user_data_base64`.
   */
  public get userDataGzipBase64(): string {
    return Fn.base64gzip(this.userData);
  }

  /**
   * Sets the VM resource's user-data attribute to this host's document: for an `aws_instance` (the default attribute
   * `user_data`), or any resource whose attribute takes cloud-init user-data (`attribute`). cloud-init applies it at
   * the instance's first boot; a changed document reaches an existing VM only when the VM is replaced.
   * @param resource the VM resource, e.g. `new Instance(stack, "h28", { ami, instanceType: "m6i.large" })`
   * @param attribute the attribute that takes the document @default "user_data"
   */
  public attachTo(resource: TerraformResource, attribute: string = "user_data"): void {
    resource.addOverride(attribute, this.userData);
  }

  /** The user-data document as the VM receives it, rendered now from the stack's plans (`userData` is the same, escaped for Terraform). */
  public renderUserData(): string {
    const plans = this.placed.map((p) => p.plan());
    const distributions: Record<string, VmDistributionSpec> = {};
    for (const v of [...new Set(plans.map((p) => p.version))].sort())
      distributions[v] = this.distribution._forVersion(v);
    return vmUserData({
      hostPath: this.node.path,
      address: this.address,
      plans,
      java: this.java._spec,
      distributions,
      javaOptions: this.javaOptions,
      limitNofile: this.limitNofile,
    });
  }

  /**
   * @internal A process on a VM keeps its store in a directory of the machine, which it sees at the same path:
   * `store.hostPath` (normalised) or `/var/lib/rocketmq/<process>`. A named volume has no meaning here: it is kept in
   * the model so that `stores/vm-volume` refuses it.
   */
  public _storeOf(r: StoreRequest): StoreModel {
    const allowDestroy = r.store?.allowDestroy ?? r.clusterAllowsDestroy ?? false;
    const own = `${VM_STORE_ROOT}/${r.processName}`;
    if (r.store?.hostPath !== undefined) {
      const dir = normaliseHostPath(r.store.hostPath);
      return { hostPath: dir, mountPath: dir, allowDestroy };
    }
    if (r.store?.volume !== undefined) return { volume: r.store.volume, mountPath: own, allowDestroy };
    return { hostPath: own, mountPath: own, allowDestroy };
  }

  /** @internal */
  public _placeProcess(scope: Construct, _placement: ProcessPlacement, plan: () => ProcessPlan): Construct {
    this.placed.push({ path: scope.node.path, plan });
    return new Construct(scope, "vm-unit");
  }

  /** One distribution that is not the archive's per-version layout serves one version only. */
  private versionProblems(): string[] {
    if (!this.distribution._singleVersion || this.placed.length === 0) return [];
    let versions: string[];
    try {
      versions = [...new Set(this.placed.map((p) => p.plan().version))].sort();
    } catch {
      return [];
    }
    if (versions.length < 2) return [];
    return [
      formatFinding(
        error(
          this.node.path,
          "hosts/vm-versions",
          `the VM runs RocketMQ ${versions.join(" and ")}, but its distribution (${this.distribution._kind === "url" ? "fromUrl" : "preinstalled"}) is one release.`,
          `Use VmDistribution.apacheArchive() (one zip per version), or place the clusters of other versions on another VM.`,
        ),
      ),
    ];
  }
}

/** An optional prop that must be an instance of `cls` (made by its static factories). */
function instanceProp<T>(
  r: PropsReader,
  o: Record<string, unknown>,
  prop: string,
  cls: { readonly prototype: T; readonly name: string },
  example: string,
): T | undefined {
  const v = o[prop];
  if (v === undefined || v === null) return undefined;
  if (typeof v === "object" && Object.prototype.isPrototypeOf.call(cls.prototype, v)) return v as T;
  r.findings.push(
    error(
      r.path,
      "props/type",
      `${prop} is ${isToken(v) ? "a Terraform expression" : typeof v}, not a ${cls.name} (made by its static methods).`,
      `Set ${prop}: ${example}.`,
    ),
  );
  return undefined;
}

function stringArray(r: PropsReader, o: Record<string, unknown>, prop: string): string[] | undefined {
  if (o[prop] === undefined || o[prop] === null) return undefined;
  const v = r.array(o, prop, { example: '["-XX:+UseG1GC"]' });
  const bad = v.filter((x) => typeof x !== "string" || isToken(x));
  if (bad.length > 0) {
    r.findings.push(
      error(
        r.path,
        "props/type",
        `${prop} has ${bad.length} element(s) that are not literal strings: each is one java option written into the units at synth.`,
        `Set ${prop} to strings, e.g. ${prop}: ["-XX:+UseG1GC"].`,
      ),
    );
    return undefined;
  }
  return v as string[];
}

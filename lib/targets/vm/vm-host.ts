import {
  Fn,
  Lazy,
  TerraformLocal,
  TerraformOutput,
  TerraformOutputConfig,
  TerraformResource,
  Tokenization,
  DefaultTokenResolver,
  StringConcat,
} from "cdktf";
import { gzipSync } from "zlib";
import { Construct } from "constructs";
import { error, Finding, formatFinding, warning } from "../../core/findings";
import { MachineFacts, StoreModel } from "../../core/model";
import { ProcessPlan } from "../../core/plan";
import { normaliseHostPath } from "../../core/rules/stores";
import { addWarning, reportInput } from "../../input/report";
import { field, Schema } from "../../input/schema";
import { ADDRESS_FIELD, HostTakenProps, readHostProps, TAKEN_FIELDS, takenFacts } from "../host-props";
import { HostOccupant, IRocketMqHost, PlacedProcess, ProcessRequest, StoreRequest } from "../contract";
import { DEFAULT_LIMIT_NOFILE, VM_JAVA_17_OPTIONS, VmDistribution, VmDistributionSpec, VmJava } from "./options";
import { terraformLiteral } from "../terraform-text";
import { VM_STORE_ROOT, vmUserData } from "./user-data";

/** Props of a VmHost: one virtual machine, its address, how Java and RocketMQ get onto it. */
export interface VmHostProps extends HostTakenProps {
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
 * The user-data output, sensitive when the document carries a secret: decided at synth, from the plans (Terraform
 * refuses a non-sensitive output derived from a sensitive variable, and a literal secret must not be printed either).
 */
class UserDataOutput extends TerraformOutput {
  constructor(
    scope: Construct,
    id: string,
    private readonly secret: () => boolean,
    config: TerraformOutputConfig,
  ) {
    super(scope, id, config);
  }

  public toTerraform(): unknown {
    this.sensitive = this.secret() ? true : undefined;
    return super.toTerraform();
  }

  public toHclTerraform(): unknown {
    this.sensitive = this.secret() ? true : undefined;
    return super.toHclTerraform();
  }
}

const VM_HOST_SCHEMA: Schema<VmHostProps> = {
  address: ADDRESS_FIELD,
  java: field.instance(VmJava, 'VmJava.debianPackage("openjdk-17-jre-headless")'),
  distribution: field.instance(VmDistribution, "VmDistribution.apacheArchive()"),
  javaOptions: field.strings('["-XX:+UseG1GC"]'),
  limitNofile: field.integer("the limit is written into every unit at synth", DEFAULT_LIMIT_NOFILE),
  ...TAKEN_FIELDS,
};

/** "the values of the variables x, y, filled in at apply, come on top": what a size measured at synth does not hold. */
function onTop(variables: readonly string[]): string {
  return variables.length
    ? `the value${variables.length > 1 ? "s" : ""} of the variable${variables.length > 1 ? "s" : ""} ${variables.join(", ")}, filled in at apply, come${variables.length > 1 ? "" : "s"} on top`
    : "";
}

/** User-data limits of VM providers, the smallest first (what their APIs accept, raw). */
const USER_DATA_LIMITS = [
  { where: "AWS EC2 (user_data)", bytes: 16 * 1024 },
  { where: "Azure (custom_data)", bytes: 64 * 1024 },
];

/** What each VmDistribution factory was given where the host keeps it: its name, and an example. */
const DISTRIBUTION_ARGUMENT = {
  archive: ["VmDistribution.apacheArchive's mirror", '"https://archive.apache.org/dist/rocketmq"'],
  url: ["VmDistribution.fromUrl's url", '"https://downloads.example.com/rocketmq-all-5.5.0-bin-release.zip"'],
  preinstalled: ["VmDistribution.preinstalled's rocketmqHome", '"/opt/rocketmq/rocketmq-5.5.0"'],
} as const;

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
  private readonly unresolved: string[];
  /** Its takenPorts and takenDirectories, as facts of its machine. */
  private readonly taken: Pick<MachineFacts, "takenPorts" | "takenDirectories">;
  /** The cloud-init user-data document (`#cloud-config`), rendered at synth. */
  public readonly userData: string;
  /** The stack output that holds `userData`. */
  public readonly userDataOutput: TerraformOutput;
  private readonly java: VmJava;
  private readonly distribution: VmDistribution;
  private readonly javaOptions: readonly string[];
  private readonly limitNofile: number;
  private readonly placed: { path: string; plan: () => ProcessPlan }[] = [];
  private document?: TerraformLocal;

  constructor(scope: Construct, id: string, props: VmHostProps) {
    super(scope, id);
    // Read every prop before anything uses it: an untyped caller gets an error on this host, never a TypeError.
    const {
      reader: r,
      props: read,
      address,
      unresolved,
    } = readHostProps(
      this,
      props,
      VM_HOST_SCHEMA,
      "its format (hosts/address), a '-' or an IPv6 address in DLedger peers (dledger/host-dash, dledger/ipv6), or whether another host has the same address and so shares this machine's ports and stores",
    );
    this.unresolved = unresolved;
    this.taken = takenFacts(read);
    this.address = address;
    // What the factories were given reaches the install script and the units whole, or not at all (the default).
    // The factories take what a JavaScript caller gives them: each value is checked here, where the host is declared.
    const given = (name: string, v: unknown, example: string) =>
      v === undefined || r.string({ [name]: v }, name, { example }) !== undefined;
    const java = read.java;
    const javaWhole =
      given("VmJava.debianPackage's packageName", java?._spec.debianPackage, '"openjdk-17-jre-headless"') &&
      given("VmJava.preinstalled's javaHome", java?._spec.javaHome, '"/usr/lib/jvm/java-17-openjdk-amd64"');
    this.java = java && javaWhole ? java : VmJava.debianPackage();
    const distribution = read.distribution;
    const where = distribution && DISTRIBUTION_ARGUMENT[distribution._kind];
    this.distribution =
      distribution &&
      given(where![0], distribution._where, where![1]) &&
      given(`VmDistribution's sha512`, distribution._sha512, '"<the 128 hex digits sha512sum prints>"')
        ? distribution
        : VmDistribution.apacheArchive();
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
    this.javaOptions = read.javaOptions ?? VM_JAVA_17_OPTIONS;
    const limit = read.limitNofile;
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
    reportInput(this, r.findings);
    this.node.addValidation({ validate: () => this.versionProblems() });
    this.node.addValidation({
      validate: () => {
        const w = this.sizeWarning();
        if (w) addWarning(this, w);
        return [];
      },
    });
    // Terraform reads every string as a template: the shell's `${` is escaped, a token's expression is kept.
    this.userData = Lazy.stringValue({ produce: () => terraformLiteral(this.renderUserData()) });
    this.userDataOutput = new UserDataOutput(this, "user-data", () => this.holdsSecrets(), {
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
    return Fn.base64encode(this.documentReference());
  }

  /**
   * `userData` gzipped and base64-encoded (a Terraform expression): cloud-init unpacks it. For documents above a
   * provider's limit (AWS: 16 KB of `user_data`), e.g. as an `aws_instance`'s `user_data_base64`.
   */
  public get userDataGzipBase64(): string {
    return Fn.base64gzip(this.documentReference());
  }

  /**
   * The document as a Terraform local, made when first asked: a function takes it by reference (the document itself,
   * as a function's argument, would be a quoted string in an expression, which cdktf does not write: "Missing
   * argument separator").
   */
  private documentReference(): string {
    this.document ??= new TerraformLocal(this, "user-data-document", this.userData);
    return this.document.asString;
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
   * A process on a VM keeps its store in a directory of the machine, which it sees at the same path:
   * `store.hostPath` (normalised) or `/var/lib/rocketmq/<process>`. A named volume has no meaning here: the VM's facts
   * say it has none, and the rules refuse a `store.volume` (`stores/named-volume`).
   */
  public storeOf(r: StoreRequest): StoreModel {
    const allowDestroy = r.store?.allowDestroy ?? r.clusterAllowsDestroy ?? false;
    const own = `${VM_STORE_ROOT}/${r.processName}`;
    if (r.store?.hostPath !== undefined) {
      const dir = normaliseHostPath(r.store.hostPath);
      return { hostPath: dir, mountPath: dir, allowDestroy };
    }
    return { hostPath: own, mountPath: own, allowDestroy };
  }

  /** A systemd unit of the user-data document, rendered at synth from the process's plan. */
  public placeProcess(request: ProcessRequest): PlacedProcess {
    this.placed.push({ path: request.path, plan: () => request.plan() });
    // The VM resource is the user's: the units start in order on the machine, nothing to depend on.
    return {};
  }

  /** What the VM's processes share: the machine's network (its loopback, its ports) and its directories. */
  public get facts(): MachineFacts {
    return {
      address: this.address,
      isolatedLoopback: false,
      namedVolumes: false,
      containerImages: false,
      memoryLimits: false,
      privilegedPorts: false,
      description: "a VM",
      ...this.taken,
      ...(this.unresolved.length > 0 ? { unresolved: [...this.unresolved] } : {}),
    };
  }

  /** Nothing else on the VM is known to the library. */
  public occupants(): HostOccupant[] {
    return [];
  }

  /**
   * For the topology report: the size of the VM's user-data, raw and gzipped, against the providers' limits (AWS
   * EC2's 16 KB, Azure's 64 KB), and the form to attach where it does not fit.
   */
  public get reportNotes(): string[] | undefined {
    const size = this.userDataSize();
    if (!size) return [];
    const over = USER_DATA_LIMITS.filter((l) => size.bytes > l.bytes);
    const within = USER_DATA_LIMITS.filter((l) => size.bytes <= l.bytes);
    const limits = (ls: typeof USER_DATA_LIMITS) =>
      ls.map((l) => `the ${l.bytes / 1024} KB of ${l.where}`).join(" and ");
    const verdict =
      over.length === 0
        ? `within ${limits(within)}`
        : `above ${limits(over)}: attach userDataGzipBase64 there${within.length > 0 ? `; within ${limits(within)}` : ""}`;
    return [
      `cloud-init user-data of ${this.node.id}: ${size.bytes} bytes (${size.gzip} gzipped, the userDataGzipBase64 form), ${verdict}${size.variables.length ? `; ${onTop(size.variables)}` : ""}.`,
    ];
  }

  /**
   * The user-data document's size in bytes, raw and gzipped, as the stack holds it (a variable counted as its
   * reference, `${var.tlsPrivateKey}`: its value is known at apply only, so `variables` names them); undefined when
   * nothing is placed or it cannot render. Measured on the resolved text, not on cdktf's token placeholders, whose numbers differ between
   * syntheses.
   */
  private userDataSize(): { bytes: number; gzip: number; variables: string[] } | undefined {
    if (this.placed.length === 0) return undefined;
    let doc: string;
    try {
      doc = String(
        Tokenization.resolve(this.renderUserData(), {
          scope: this,
          resolver: new DefaultTokenResolver(new StringConcat()),
          preparing: false,
        }),
      );
    } catch {
      return undefined;
    }
    const variables = [...new Set([...doc.matchAll(/\$\{[^}]*?\bvar\.([A-Za-z0-9_-]+)/g)].map((m) => m[1]))].sort();
    return { bytes: Buffer.byteLength(doc, "utf8"), gzip: gzipSync(doc).length, variables };
  }

  /** True when a process placed here reads a file that holds a secret (an ACL file): the document carries it. */
  private holdsSecrets(): boolean {
    return this.placed.some((p) => p.plan().files.some((f) => f.secret === true));
  }

  /**
   * A document above the smallest known user-data limit (AWS EC2: 16 KB of `user_data`), with its size, the limits
   * it passes and its gzip size: `userDataGzipBase64` (cloud-init unpacks it) is the fix.
   */
  private sizeWarning(): Finding | undefined {
    const size = this.userDataSize();
    if (!size) return undefined;
    const over = USER_DATA_LIMITS.filter((l) => size.bytes > l.bytes);
    if (over.length === 0) return undefined;
    return warning(
      this.node.path,
      "hosts/user-data-size",
      `the VM's user-data is ${size.bytes} bytes${size.variables.length ? ` (${onTop(size.variables)})` : ""}, above ${over.map((l) => `${l.where}'s ${l.bytes / 1024} KB`).join(" and ")}: the VM resource is refused there. Gzipped it is ${size.gzip} bytes.`,
      `Attach userDataGzipBase64 instead of userData (cloud-init unpacks it), e.g. for an aws_instance: vm.attachTo(instance, "user_data_base64") becomes instance.userDataBase64 = vm.userDataGzipBase64; or place fewer processes on this VM.`,
    );
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

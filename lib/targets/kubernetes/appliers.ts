// The Terraform side of the Kubernetes target: the provider that applies a host's objects, and one resource per object.
import { Fn, ITerraformDependable, TerraformProvider, TerraformResource } from "cdktf";
import { Construct } from "constructs";
import { dependsOnOf } from "../contract";
import { terraformLiteral } from "../terraform-text";
import type { StatefulSet } from "kubernetes-types/apps/v1";
import { KubernetesObject } from "./manifests";

/** The Terraform provider that applies a KubernetesHost's objects. */
export enum KubernetesApplier {
  /**
   * `gavinbunney/kubectl` (1.19.0): one `kubectl_manifest` per object, its document as `yaml_body`. The one the
   * Kubernetes lab applies with.
   */
  KUBECTL = "kubectl",
  /**
   * `hashicorp/kubernetes`: one `kubernetes_manifest` per object, its document as `manifest` (server-side apply; the
   * provider reads the cluster's API when it plans, so the cluster must be up before `cdktf plan`). A Secret is written
   * as base64 `data`: the provider reports `stringData`, which the API never returns, as an inconsistent result.
   * Not proven here: its current releases cannot be built from the Go module proxy.
   */
  KUBERNETES = "kubernetes",
}

/** Where the provider reads the cluster's credentials. */
export interface ApplierConfig {
  readonly alias: string;
  readonly configPath?: string;
  readonly configContext?: string;
}

/** The provider of `applier`, aliased: `config_path` and `config_context` are spelt alike by both. */
class ManifestProvider extends TerraformProvider {
  private providerAlias?: string;

  constructor(
    scope: Construct,
    id: string,
    applier: KubernetesApplier,
    private readonly config: ApplierConfig,
  ) {
    super(scope, id, {
      terraformResourceType: applier,
      terraformGeneratorMetadata:
        applier === KubernetesApplier.KUBECTL
          ? { providerName: "kubectl", providerVersion: "1.19.0" }
          : { providerName: "kubernetes" },
      terraformProviderSource: applier === KubernetesApplier.KUBECTL ? "gavinbunney/kubectl" : "hashicorp/kubernetes",
    });
    this.alias = config.alias;
  }

  public get alias(): string | undefined {
    return this.providerAlias;
  }

  public set alias(value: string | undefined) {
    this.providerAlias = value;
  }

  protected synthesizeAttributes(): { [name: string]: unknown } {
    return {
      alias: this.alias,
      config_path: this.config.configPath,
      config_context: this.config.configContext,
    };
  }
}

/** The provider that applies a host's objects. */
export function manifestProvider(
  scope: Construct,
  id: string,
  applier: KubernetesApplier,
  config: ApplierConfig,
): TerraformProvider {
  return new ManifestProvider(scope, id, applier, config);
}

/**
 * One Kubernetes object, applied from its document, rendered at synth. A process without such an object (a Secret
 * without secret files, the budget of a group another member owns) synthesizes no resource at all.
 */
export class ManifestResource extends TerraformResource {
  constructor(
    scope: Construct,
    id: string,
    private readonly applier: KubernetesApplier,
    provider: TerraformProvider,
    private readonly document: () => KubernetesObject | undefined,
    private readonly after: () => ITerraformDependable[],
  ) {
    super(scope, id, { terraformResourceType: `${applier}_manifest`, provider });
  }

  /** True when the process has this object: the resource exists in the synthesized stack. */
  public get present(): boolean {
    return this.document() !== undefined;
  }

  public toTerraform(): unknown {
    if (!this.present) return {};
    this.prepareLate();
    return super.toTerraform();
  }

  public toHclTerraform(): unknown {
    if (!this.present) return {};
    this.prepareLate();
    return super.toHclTerraform();
  }

  /** The resources it is applied after, those that exist: known at synth only. */
  private prepareLate(): void {
    const after = this.after()
      .filter((d) => !(d instanceof ManifestResource) || d.present)
      .map(dependsOnOf);
    this.dependsOn = after.length > 0 ? after : undefined;
  }

  protected synthesizeAttributes(): { [name: string]: unknown } {
    const doc = this.document();
    if (!doc) return {};
    if (this.applier === KubernetesApplier.KUBERNETES) return { manifest: manifestObject(doc) };
    return {
      yaml_body: manifestBody(doc),
      ...(doc.kind === "Secret" ? { sensitive_fields: ["stringData"] } : {}),
      // The provider (1.19) waits for the rollout of Deployments only: a StatefulSet is applied without waiting, and
      // a broker that starts before its name servers registers when they come up (it retries every 30 s). A destroy
      // waits until the object is gone.
      wait: true,
    };
  }
}

/** The pod template annotation that carries a process's Secret revision (Terraform's, not in the YAML file). */
export const SECRET_REVISION_ANNOTATION = "rocketmq.apache.org/secret-revision";

/**
 * The revision of a process's Secret: a `terraform_data` (built into Terraform 1.4+ and OpenTofu, no provider) that
 * Terraform replaces, with a new random `id`, whenever what the Secret holds changes (its `triggers_replace` is the
 * SHA-256 of the Secret's files as Terraform fills them in, kept in the state only). The StatefulSet carries the id in
 * its pod template, so a changed secret (a new `TF_VAR_...`) rolls the pod, which copies its files at start: without
 * it the Secret would change in place and the broker keep its old accounts until some restart. The cluster sees a
 * random id, never a hash of a secret. A process without a Secret synthesizes no such resource.
 */
export class SecretRevision extends TerraformResource {
  constructor(
    scope: Construct,
    id: string,
    private readonly secret: () => KubernetesObject | undefined,
  ) {
    super(scope, id, {
      terraformResourceType: "terraform_data",
      terraformGeneratorMetadata: { providerName: "terraform" },
    });
  }

  /** True when the process has a Secret. */
  public get present(): boolean {
    return this.data() !== undefined;
  }

  private data(): Record<string, string> | undefined {
    const doc = this.secret();
    return doc?.kind === "Secret" ? doc.stringData : undefined;
  }

  /** The revision: Terraform's id of this resource, new at each replacement. */
  public get revision(): string {
    return this.getStringAttribute("id");
  }

  public toTerraform(): unknown {
    return this.present ? super.toTerraform() : {};
  }

  public toHclTerraform(): unknown {
    return this.present ? super.toHclTerraform() : {};
  }

  protected synthesizeAttributes(): { [name: string]: unknown } {
    const data = this.data();
    if (!data) return {};
    // Each file's name and text, in name order, joined: what the Secret holds, filled in by Terraform.
    const parts = Object.keys(data)
      .sort()
      .flatMap((k) => [Fn.rawString(`--- ${k}\n`), templateOf(data[k]), Fn.rawString("\n")]);
    return { triggers_replace: Fn.sha256(Fn.join("", parts)) };
  }
}

/** The StatefulSet `doc` with the revision of its process's Secret in its pod template, when there is one. */
export function withSecretRevision(
  doc: KubernetesObject | undefined,
  revision: SecretRevision,
): KubernetesObject | undefined {
  if (doc?.kind !== "StatefulSet" || doc.spec === undefined || !revision.present) return doc;
  const template = doc.spec.template;
  const annotations = { ...template.metadata?.annotations, [SECRET_REVISION_ANNOTATION]: revision.revision };
  const set: StatefulSet = {
    ...doc,
    spec: { ...doc.spec, template: { ...template, metadata: { ...template.metadata, annotations } } },
  };
  return set;
}

/**
 * A document as `yaml_body` (JSON is YAML), literal text as it is (a `${` of its own escaped: Terraform reads every
 * string as a template). A value Terraform fills in (a secret from a variable, inside a file's text) is escaped for
 * its place in a JSON string when it is filled in (`jsonencode`, its quotes cut), whatever quotes and lines it holds.
 */
export function manifestBody(doc: KubernetesObject): string {
  const json = JSON.stringify(doc).replace(/\$\{TfToken\[[^\]]+\]\}/g, (marker) =>
    Fn.trimsuffix(Fn.trimprefix(Fn.jsonencode(marker), Fn.rawString('"')), Fn.rawString('"')),
  );
  return terraformLiteral(json);
}

/**
 * A document as `kubernetes_manifest`'s `manifest`: the object itself, each string (and key) literal as it is (a
 * Terraform value it holds is filled in as it is: no text around it to escape for). A Secret's `stringData` becomes
 * `data`, each value base64-encoded by Terraform (`base64encode`), so what is filled in is encoded with it.
 */
export function manifestObject(doc: KubernetesObject): unknown {
  if (doc.kind === "Secret" && doc.stringData !== undefined) {
    const { stringData, ...rest } = doc;
    const data: Record<string, string> = {};
    for (const [k, v] of Object.entries(stringData)) data[terraformLiteral(k)] = Fn.base64encode(templateOf(v));
    return { ...(literalTree(rest) as object), data };
  }
  return literalTree(doc);
}

/**
 * Text as one Terraform expression: its literal parts as string literals (`Fn.rawString`: quotes, lines and `${` kept
 * as text) joined with the values Terraform fills in.
 */
function templateOf(text: string): string {
  const parts = text.split(/(\$\{TfToken\[[^\]]+\]\})/).filter((p) => p !== "");
  const exprs = parts.map((p) => (/^\$\{TfToken\[/.test(p) ? p : Fn.rawString(p)));
  return exprs.length === 1 ? exprs[0] : Fn.join("", exprs);
}

function literalTree(v: unknown): unknown {
  if (typeof v === "string") return terraformLiteral(v);
  if (Array.isArray(v)) return v.map(literalTree);
  if (v !== null && typeof v === "object")
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [terraformLiteral(k), literalTree(x)]));
  return v;
}

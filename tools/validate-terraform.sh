#!/usr/bin/env bash
# Proves that what main.ts synthesizes is valid Terraform JSON for the real docker provider schema:
# builds OpenTofu and terraform-provider-docker from the Go module proxy (once, then cached),
# lays the provider out as a filesystem mirror, and runs `init -backend=false` + `validate -json`
# on every synthesized stack, offline. Fails with the validation diagnostics if any stack is invalid.
#
# Needs: go (the Go module proxy), node/npx (npm ci done). Nothing else is downloaded.
# Cache: ${ROCKETMQ_TF_CACHE:-$HOME/.cache/rocketmq-cdktf-tf}; Go's own caches (GOCACHE, GOMODCACHE) stay where go keeps them.
set -euo pipefail
cd "$(dirname "$0")/.."
export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1

# OpenTofu and the provider (built once from the Go module proxy, then cached), the mirror and TF_CLI_CONFIG_FILE.
source tools/tofu.sh
# The validation mirrors the served build under its own version and rewrites the stacks' pin in a temp copy, so
# that it says which build it validated with; 3.6.2's one stricter rule (healthcheck.test required) is checked
# by hand in prepare_stack below.

WORK="$(mktemp -d "${TMPDIR:-/tmp}/validate-terraform.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

echo "validate-terraform: $("$TOFU" version | head -1), $DOCKER_PROVIDER_MODULE@$DOCKER_PROVIDER_GO_VERSION (as kreuzwerker/docker $DOCKER_PROVIDER_VERSION)"

CDKTF_OUTDIR="$WORK/synth" npx ts-node --transpile-only main.ts >"$WORK/synth.log" 2>&1 || { cat "$WORK/synth.log" >&2; exit 1; }
# Every form of a VmHost's user-data (tools/vm-output-forms.ts), validated with the stacks and applied below.
CDKTF_OUTDIR="$WORK/synth" npx ts-node --transpile-only tools/vm-output-forms.ts >>"$WORK/synth.log" 2>&1 || { cat "$WORK/synth.log" >&2; exit 1; }
shopt -s nullglob
stacks=("$WORK"/synth/stacks/*/cdk.tf.json)
[ ${#stacks[@]} -gt 0 ] || { echo "validate-terraform: main.ts synthesized no stack" >&2; exit 1; }

# Point the stack at the provider version the mirror holds (a temp copy only), and check by hand the
# rules of the pinned provider version that the mirrored one no longer enforces.
prepare_stack() {
  node - "$1" "$DOCKER_PROVIDER_VERSION" <<'EOF'
const fs = require("fs");
const [file, mirrored] = process.argv.slice(2);
const doc = JSON.parse(fs.readFileSync(file, "utf8"));
const req = doc.terraform?.required_providers?.docker;
// A stack of VMs only (VmHost user-data outputs, OpenTofu's built-in resources at most) needs no provider: validated as it is.
if (!req && !Object.keys(doc.resource ?? {}).some((t) => t.startsWith("docker_"))) { console.log("no provider: VM user-data only"); process.exit(0); }
if (!req) { console.error("no required_providers.docker"); process.exit(1); }
if (req.version !== mirrored) { console.log(`pinned ${req.source} ${req.version}, validated with ${mirrored}`); req.version = mirrored; }
// 3.6.2: docker_container.healthcheck.test is Required (4.0.0 made it Optional).
const problems = [];
for (const [name, c] of Object.entries(doc.resource?.docker_container ?? {})) {
  for (const hc of [].concat(c.healthcheck ?? [])) {
    if (hc.test === undefined) problems.push(`docker_container.${name}: healthcheck without "test" (required by kreuzwerker/docker 3.6.2)`);
  }
}
fs.writeFileSync(file, JSON.stringify(doc, null, 2));
if (problems.length) { console.error(problems.join("\n")); process.exit(2); }
EOF
}

# Prints validate -json diagnostics one per line; exits non-zero when the stack is invalid.
report() {
  node - "$1" <<'EOF'
const r = JSON.parse(require("fs").readFileSync(process.argv[2], "utf8"));
for (const d of r.diagnostics ?? []) {
  const at = d.range ? ` (${d.range.filename}:${d.range.start.line})` : "";
  console.log(`    ${d.severity}: ${d.summary}${at}${d.detail ? `: ${d.detail}` : ""}${d.snippet?.context ? ` [in ${d.snippet.context}]` : ""}`);
}
process.exit(r.valid ? 0 : 1);
EOF
}

# A Kubernetes stack (kubectl_manifest) is validated with gavinbunney/kubectl, built from the Go module proxy by
# lab:k8s's builder when it is not cached yet (about 3 min cold, then shared with lab:k8s).
k8s_tfrc() {
  local found=("${ROCKETMQ_K8S_CACHE:-$HOME/.cache/rocketmq-cdktf-k8s}"/*/provider/provider.tfrc) # nullglob: none, or each
  [ ${#found[@]} -eq 0 ] || echo "${found[-1]}"
}
k8s_stacks=()
for f in "${stacks[@]}"; do
  node -e 'const d = require(process.argv[1]); process.exit(d.terraform?.required_providers?.kubectl ? 0 : 1)' "$f" && k8s_stacks+=("$f")
done
if [ ${#k8s_stacks[@]} -gt 0 ] && [ -z "$(k8s_tfrc)" ]; then
  echo "validate-terraform: building gavinbunney/kubectl for the Kubernetes stacks (npx ts-node lab/k8s/build.ts provider)"
  npx ts-node --transpile-only lab/k8s/build.ts provider >"$WORK/k8s-provider.log" 2>&1 || { cat "$WORK/k8s-provider.log" >&2; exit 1; }
fi
k8s_tfrc="$(k8s_tfrc)"

failed=()
for f in "${stacks[@]}"; do
  dir="$(dirname "$f")"
  stack="$(basename "$dir")"
  if node -e 'const d = require(process.argv[1]); process.exit(d.terraform?.required_providers?.kubectl ? 0 : 1)' "$f"; then
    if TF_CLI_CONFIG_FILE="$k8s_tfrc" "$TOFU" -chdir="$dir" init -backend=false -input=false -no-color >"$dir/init.log" 2>&1 &&
      TF_CLI_CONFIG_FILE="$k8s_tfrc" "$TOFU" -chdir="$dir" validate -json -no-color >"$dir/validate.json" 2>"$dir/validate.err" &&
      report "$dir/validate.json" >"$dir/diagnostics.txt"; then
      echo "  $stack: valid (gavinbunney/kubectl)"; cat "$dir/diagnostics.txt"
    else
      echo "  $stack: INVALID (gavinbunney/kubectl)"; sed 's/^/    /' "$dir/init.log" "$dir/validate.err" "$dir/diagnostics.txt" 2>/dev/null; failed+=("$stack")
    fi
    continue
  fi
  pinned_ok=1
  note="$(prepare_stack "$f" 2>"$dir/pinned.err")" || pinned_ok=0
  [ "$pinned_ok" = 1 ] || [ -s "$dir/pinned.err" ] || { echo "  $stack: could not be prepared"; failed+=("$stack"); continue; }
  if ! "$TOFU" -chdir="$dir" init -backend=false -input=false -no-color >"$dir/init.log" 2>&1; then
    echo "  $stack: init failed"; sed 's/^/    /' "$dir/init.log"; failed+=("$stack"); continue
  fi
  "$TOFU" -chdir="$dir" validate -json -no-color >"$dir/validate.json" 2>"$dir/validate.err" || true
  [ -s "$dir/validate.json" ] || { echo "  $stack: validate printed nothing"; sed 's/^/    /' "$dir/validate.err"; failed+=("$stack"); continue; }
  if report "$dir/validate.json" >"$dir/diagnostics.txt" && [ "$pinned_ok" = 1 ]; then
    echo "  $stack: valid${note:+ ($note)}"; cat "$dir/diagnostics.txt"
  else
    echo "  $stack: INVALID${note:+ ($note)}"; sed 's/^/    error: /' "$dir/pinned.err"; cat "$dir/diagnostics.txt"; failed+=("$stack")
  fi
done

# Canary: the same check must reject an attribute the provider does not have, or it proves nothing.
# canary <name> <a stack's cdk.tf.json> <resource type> <CLI configuration of its provider's mirror>
canary() {
  local dir="$WORK/canary-$1" type="$3"
  cp -r "$(dirname "$2")" "$dir"
  node -e '
const fs = require("fs"), [f, type] = process.argv.slice(1), doc = JSON.parse(fs.readFileSync(f, "utf8"));
const r = Object.values(doc.resource?.[type] ?? {})[0];
if (!r) { console.error(`canary: no ${type} to tamper with`); process.exit(1); }
r.not_a_provider_attribute = true;
fs.writeFileSync(f, JSON.stringify(doc, null, 2));' "$dir/cdk.tf.json" "$type"
  TF_CLI_CONFIG_FILE="$4" "$TOFU" -chdir="$dir" init -backend=false -input=false -no-color >"$dir/init.log" 2>&1 || { cat "$dir/init.log" >&2; exit 1; }
  TF_CLI_CONFIG_FILE="$4" "$TOFU" -chdir="$dir" validate -json -no-color >"$dir/validate.json" 2>/dev/null || true
  if report "$dir/validate.json" >/dev/null || ! grep -q not_a_provider_attribute "$dir/validate.json"; then
    echo "validate-terraform: the canary (an unknown $type attribute) was not rejected: validation proves nothing" >&2
    cat "$dir/validate.json" >&2
    exit 1
  fi
  echo "  canary: an unknown $type attribute is rejected"
}
canary docker "${stacks[0]}" docker_container "$TF_CLI_CONFIG_FILE"
[ ${#k8s_stacks[@]} -eq 0 ] || canary kubectl "${k8s_stacks[0]}" kubectl_manifest "$k8s_tfrc"

# The user-data forms applied by OpenTofu (its built-in terraform_data only: offline): base64 and gzip + base64 decode
# to the host's document, and attachTo hands the resource the document itself.
forms="$WORK/synth/stacks/vm-output-forms"
if "$TOFU" -chdir="$forms" init -input=false -no-color >"$forms/apply-init.log" 2>&1 &&
  TF_VAR_adminSecret="validate-terraform-secret" "$TOFU" -chdir="$forms" apply -auto-approve -input=false -no-color >"$forms/apply.log" 2>&1 &&
  "$TOFU" -chdir="$forms" output -json >"$forms/outputs.json" 2>/dev/null &&
  "$TOFU" -chdir="$forms" show -json >"$forms/show.json" 2>/dev/null &&
  node - "$forms" <<'EOF'
const fs = require("fs"), zlib = require("zlib"), dir = process.argv[2];
const o = JSON.parse(fs.readFileSync(`${dir}/outputs.json`, "utf8"));
const show = JSON.parse(fs.readFileSync(`${dir}/show.json`, "utf8"));
const doc = o.vm_userData.value;
const b64 = Buffer.from(o.base64.value, "base64").toString("utf8");
const gz = zlib.gunzipSync(Buffer.from(o["gzip-base64"].value, "base64")).toString("utf8");
const attached = show.values.root_module.resources.find((r) => r.type === "terraform_data").values.input;
const ok = doc.startsWith("#cloud-config\n") && b64 === doc && gz === doc && attached === doc && doc.includes("validate-terraform-secret");
console.log(`  vm-output-forms: applied; the document ${doc.length} bytes, userDataBase64 ${b64 === doc ? "decodes to it" : "DIFFERS"}, userDataGzipBase64 (${o["gzip-base64"].value.length} characters) ${gz === doc ? "unpacks to it" : "DIFFERS"}, attachTo ${attached === doc ? "hands it over" : "DIFFERS"}`);
process.exit(ok ? 0 : 1);
EOF
then :; else
  echo "  vm-output-forms: the user-data forms did not apply to the same document"; tail -20 "$forms/apply.log" 2>/dev/null | sed 's/^/    /'; failed+=("vm-output-forms (apply)")
fi

# VmHost.attachTo on an aws_instance: the AWS provider's schema would prove that wiring, but no usable build can be had
# here (README, "Virtual machines"): the Go module proxy serves the module only at v1.60.0 (2019, Terraform 0.11's SDK,
# plugin protocol 4, which OpenTofu cannot load) and refuses every later (v2+) tag. Looked up again on every run.
aws_versions="$(cd "$WORK" && timeout 60 go list -m -versions github.com/hashicorp/terraform-provider-aws 2>&1 | tail -1 || true)"
echo "  aws_instance (VmHost.attachTo): not validated: the AWS provider cannot be built here (Go module proxy: ${aws_versions:-no answer}; OpenTofu loads plugin protocol 5+ only)"

if [ ${#failed[@]} -gt 0 ]; then
  echo "validate-terraform: ${#failed[@]} of ${#stacks[@]} stacks failed: ${failed[*]}" >&2
  exit 1
fi
echo "validate-terraform: all ${#stacks[@]} stacks valid"

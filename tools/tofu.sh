#!/usr/bin/env bash
# OpenTofu and the kreuzwerker/docker provider, built from the Go module proxy (once, then cached), with the
# provider laid out as a filesystem mirror and a CLI configuration that installs it offline.
#
#   source tools/tofu.sh     defines TOFU, TF_CLI_CONFIG_FILE, DOCKER_PROVIDER_* and tofu_* helpers
#   bash tools/tofu.sh       builds (when needed) and prints those variables as KEY=value lines
#
# The mirror holds the served build twice: under its own version, and under the version the stacks pin
# (@cdktf/provider-docker 12 pins 3.6.2, which the Go module proxy does not serve), so that `tofu init`
# of a synthesized stack works unchanged. The README says what differs between 3.6.2 and this build.
# Needs: go. Cache: ${ROCKETMQ_TF_CACHE:-$HOME/.cache/rocketmq-cdktf-tf}.
set -euo pipefail
export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1

TOFU_VERSION="${TOFU_VERSION:-v1.12.6}"
# kreuzwerker/terraform-provider-docker: the Go module proxy serves no v3.x of this module (v3.6.2, v3.6.2+incompatible
# and the v3.6.2 commit's pseudo-version all answer "403 This module version is not available"); the only version it
# served (2026-11) is this pseudo-version of the main branch after v4.6.0.
DOCKER_PROVIDER_MODULE="github.com/kreuzwerker/terraform-provider-docker"
DOCKER_PROVIDER_GO_VERSION="${DOCKER_PROVIDER_GO_VERSION:-v0.0.0-20260916201441-96d331c98ff4}"
DOCKER_PROVIDER_VERSION="${DOCKER_PROVIDER_VERSION:-4.6.1-dev.20260916201441}"
# The version the synthesized stacks pin (required_providers.docker.version).
DOCKER_PROVIDER_PINNED="${DOCKER_PROVIDER_PINNED:-3.6.2}"

TF_CACHE="${ROCKETMQ_TF_CACHE:-$HOME/.cache/rocketmq-cdktf-tf}"
command -v go >/dev/null || { echo "tofu.sh: go is needed (it builds OpenTofu and the provider from the Go module proxy)" >&2; exit 1; }
TF_PLATFORM="$(go env GOOS)_$(go env GOARCH)"
TOFU="$TF_CACHE/bin/tofu-$TOFU_VERSION"
TF_MIRROR="$TF_CACHE/mirror"
DOCKER_PROVIDER_BIN="$TF_MIRROR/registry.opentofu.org/kreuzwerker/docker/$DOCKER_PROVIDER_VERSION/$TF_PLATFORM/terraform-provider-docker_v$DOCKER_PROVIDER_VERSION"
TF_CLI_CONFIG_FILE="$TF_CACHE/mirror.tfrc"

# go mod download -json MODULE@VERSION -> the module's (read-only) source directory in GOMODCACHE.
# `go install pkg@version` is not used: it refuses OpenTofu (its go.mod has a replace directive) and the
# provider (its go.mod declares github.com/terraform-providers/terraform-provider-docker).
tofu_module_dir() {
  local json dir
  json="$(go mod download -json "$1")" || { echo "$json" >&2; return 1; }
  dir="$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
  [ -n "$dir" ] && [ -d "$dir" ] || { echo "tofu.sh: no source directory for $1: $json" >&2; return 1; }
  printf '%s\n' "$dir"
}

# tofu_build OUT MODULE@VERSION PACKAGE [ldflags]: builds inside the module cache copy, installs atomically.
tofu_build() {
  local out="$1" mod="$2" pkg="$3" ldflags="${4:-}" dir start
  start=$SECONDS
  echo "tofu.sh: building $mod ($pkg) -> $out" >&2
  dir="$(tofu_module_dir "$mod")"
  mkdir -p "$(dirname "$out")"
  (cd "$dir" && GOFLAGS=-buildvcs=false CGO_ENABLED=0 go build -trimpath -ldflags "-s -w $ldflags" -o "$out.tmp.$$" "$pkg") >&2 \
    || { rm -f "$out.tmp.$$"; echo "tofu.sh: go build of $mod failed (command above)" >&2; return 1; }
  mv -f "$out.tmp.$$" "$out"
  echo "tofu.sh: built $(basename "$out") in $((SECONDS - start))s ($(du -h "$out" | cut -f1))" >&2
}

# mirror_as VERSION: the served build under another version number, for both registry host names.
# (`source = "kreuzwerker/docker"` is registry.opentofu.org/... to OpenTofu, registry.terraform.io/... to Terraform;
# Terraform does not follow a symlinked directory in a mirror: hard links.)
tofu_mirror_as() {
  local v="$1" reg target
  for reg in registry.opentofu.org registry.terraform.io; do
    target="$TF_MIRROR/$reg/kreuzwerker/docker/$v/$TF_PLATFORM/terraform-provider-docker_v$v"
    [ -x "$target" ] && continue
    mkdir -p "$(dirname "$target")"
    ln -f "$DOCKER_PROVIDER_BIN" "$target" 2>/dev/null || cp -f "$DOCKER_PROVIDER_BIN" "$target"
  done
}

tofu_prepare() {
  # (if/then, not `||`: set -e is off inside a function called on the left of || or &&)
  if [ ! -x "$TOFU" ]; then
    tofu_build "$TOFU" "github.com/opentofu/opentofu@$TOFU_VERSION" ./cmd/tofu "-X github.com/opentofu/opentofu/version.dev=no"
  fi
  if [ ! -x "$DOCKER_PROVIDER_BIN" ]; then
    tofu_build "$DOCKER_PROVIDER_BIN" "$DOCKER_PROVIDER_MODULE@$DOCKER_PROVIDER_GO_VERSION" . "-X main.version=$DOCKER_PROVIDER_VERSION"
  fi
  [ ! -L "$TF_MIRROR/registry.terraform.io" ] || rm -f "$TF_MIRROR/registry.terraform.io"
  tofu_mirror_as "$DOCKER_PROVIDER_VERSION"
  tofu_mirror_as "$DOCKER_PROVIDER_PINNED"
  cat >"$TF_CLI_CONFIG_FILE.tmp.$$" <<EOT
provider_installation {
  filesystem_mirror {
    path    = "$TF_MIRROR"
    include = ["registry.opentofu.org/kreuzwerker/docker", "registry.terraform.io/kreuzwerker/docker"]
  }
}
EOT
  mv -f "$TF_CLI_CONFIG_FILE.tmp.$$" "$TF_CLI_CONFIG_FILE"
}

tofu_prepare
export TOFU TF_CLI_CONFIG_FILE
unset TF_PLUGIN_CACHE_DIR

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  printf 'TOFU=%s\nTF_CLI_CONFIG_FILE=%s\nTOFU_VERSION=%s\nDOCKER_PROVIDER_MODULE=%s\nDOCKER_PROVIDER_GO_VERSION=%s\nDOCKER_PROVIDER_VERSION=%s\nDOCKER_PROVIDER_PINNED=%s\n' \
    "$TOFU" "$TF_CLI_CONFIG_FILE" "$TOFU_VERSION" "$DOCKER_PROVIDER_MODULE" "$DOCKER_PROVIDER_GO_VERSION" "$DOCKER_PROVIDER_VERSION" "$DOCKER_PROVIDER_PINNED"
fi

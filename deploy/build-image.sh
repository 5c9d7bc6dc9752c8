#!/bin/sh
# Builds a static meetd (CGO_ENABLED=0) and the container image from it,
# without a registry: deploy/Containerfile starts FROM scratch and copies the
# binary, the CA certificates and an unprivileged user from the context this
# script prepares.
#
#   deploy/build-image.sh [IMAGE]      IMAGE defaults to meetd:latest
#
# Environment: ENGINE (podman, the default, or docker), BUILD_FLAGS (more
# flags for "$ENGINE build", such as --layers=false), CA_BUNDLE (default
# /etc/ssl/certs/ca-certificates.crt), GOFLAGS as for go build (add -trimpath
# for a release: it keeps build paths out of the binary, but shares no build
# cache with the tests).
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
image=${1:-meetd:latest}
engine=${ENGINE:-podman}
ca=${CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}

if [ ! -s "$ca" ]; then
  echo "build-image.sh: no CA bundle at $ca (apt-get install ca-certificates, or set CA_BUNDLE)" >&2
  exit 1
fi

ctx=$(mktemp -d)
trap 'rm -rf "$ctx"' EXIT INT TERM

(cd "$root" && CGO_ENABLED=0 go build -ldflags='-s -w' -o "$ctx/meetd" ./cmd/meetd)
cp "$ca" "$ctx/ca-certificates.crt"
# The user the image runs as; 65532 is the usual "nonroot" of distroless.
printf 'meetd:x:65532:65532:meetd:/data:/sbin/nologin\n' >"$ctx/passwd"
printf 'meetd:x:65532:\n' >"$ctx/group"
mkdir "$ctx/data"

# shellcheck disable=SC2086 # BUILD_FLAGS is a list of flags
"$engine" build ${BUILD_FLAGS:-} -f "$root/deploy/Containerfile" -t "$image" "$ctx"
echo "built $image"

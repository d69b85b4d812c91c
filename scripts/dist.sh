#!/usr/bin/env bash
# Static hardshell builds for the hosts the Ansible collection pushes to
# (ansible/playbooks/tasks/binary.yml looks for dist/hardshell-<os>-<arch>).
# No cgo: the binaries run on any Linux or macOS of their CPU.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
version="${VERSION:-$(git describe --tags --always 2>/dev/null || echo dev)}"
mkdir -p dist
for target in linux/amd64 linux/arm64 darwin/amd64 darwin/arm64; do
	os="${target%/*}" arch="${target#*/}"
	CGO_ENABLED=0 GOOS="$os" GOARCH="$arch" go build -trimpath \
		-ldflags "-s -w -X main.version=$version" -o "dist/hardshell-$os-$arch" ./cmd/hardshell
	echo "dist/hardshell-$os-$arch"
done

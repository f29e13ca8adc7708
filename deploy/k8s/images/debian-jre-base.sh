#!/usr/bin/env bash
# Builds a Java 17 runtime base image as a Docker-archive tarball from Debian's own packages (debootstrap), for
# machines that reach no container registry. Jib takes it as base with tar://<path>. Needs root and debootstrap
# (apt-get install debootstrap). On a machine that reaches a registry, use a published base image instead (see
# deploy/README.md, "Container images without a Docker daemon").
#
#   deploy/k8s/images/debian-jre-base.sh [output.tar]     default deploy/k8s/target/base-images/debian12-jre17.tar
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here/../target/base-images/debian12-jre17.tar}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
suite=bookworm
command -v debootstrap >/dev/null || { echo "debootstrap missing: apt-get install -y debootstrap" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
rootfs="$work/rootfs"

debootstrap --variant=minbase --include=openjdk-17-jre-headless "$suite" "$rootfs" "$mirror"
# A non-root user with a numeric id (Kubernetes runAsNonRoot needs one), the same id as the UBI OpenJDK images.
chroot "$rootfs" useradd --system --uid 185 --gid 0 --home-dir /deployments --no-create-home --shell /usr/sbin/nologin app
mkdir -p "$rootfs/deployments"
chown 185:0 "$rootfs/deployments"
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/doc/* \
    "$rootfs"/usr/share/man/* "$rootfs"/var/log/*.log "$rootfs"/tmp/*

image="$work/image"
mkdir -p "$image"
tar -C "$rootfs" --numeric-owner --sort=name -cf "$image/layer.tar" .
diff_id="sha256:$(sha256sum "$image/layer.tar" | cut -d' ' -f1)"
java_home="$(cd "$rootfs" && ls -d usr/lib/jvm/java-17-openjdk-* | head -1)"
cat > "$image/config.json" <<JSON
{"architecture":"amd64","os":"linux",
 "config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","JAVA_HOME=/$java_home"],
           "User":"185","WorkingDir":"/deployments"},
 "rootfs":{"type":"layers","diff_ids":["$diff_id"]}}
JSON
cat > "$image/manifest.json" <<JSON
[{"Config":"config.json","RepoTags":["audiospective/debian12-jre17:local"],"Layers":["layer.tar"]}]
JSON
mkdir -p "$(dirname "$out")"
tar -C "$image" -cf "$out" manifest.json config.json layer.tar
echo "base image: $out ($(du -h "$out" | cut -f1)), JAVA_HOME=/$java_home"

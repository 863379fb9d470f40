# shellcheck shell=bash
# Development only: with PROVISIONING_DRIVER=libvirt, `npm start` builds real (tiny) VMs on this machine — the local
# libvirt daemons, the `platforma` pool with its base images, and, unless the environment names its own, one node
# per catalog region on qemu:///system and an address pool per region from the documentation ranges.
ensure_dev_libvirt() {
  [ "${PROVISIONING_DRIVER:-simulator}" = libvirt ] || return 0
  bash "$ROOT/scripts/libvirt/libvirt.sh" start
  bash "$ROOT/scripts/libvirt/libvirt.sh" prepare
  local pool="${LIBVIRT_POOL:-platforma}" images
  images="{\"ubuntu-24.04\":\"base-ubuntu-24.04.qcow2\",\"debian-12\":\"base-debian-12.qcow2\""
  images="$images,\"debian-13\":\"base-debian-13.qcow2\",\"rocky-9\":\"base-rocky-9.qcow2\"}"
  if [ -z "${PROVISIONING_NODES:-}" ] || [ "$PROVISIONING_NODES" = "[]" ]; then
    local nodes="" region
    for region in eu-central-1 eu-west-1 us-east-1; do
      nodes="$nodes${nodes:+,}{\"id\":\"local-$region\",\"region\":\"$region\",\"uri\":\"qemu:///system\","
      nodes="$nodes\"vcpus\":4,\"memoryMb\":8192,\"diskGb\":100,\"cpuOvercommit\":4,\"storagePool\":\"$pool\","
      nodes="$nodes\"bridge\":null,\"images\":$images}"
    done
    export PROVISIONING_NODES="[$nodes]"
    log "libvirt: one local node per region (PROVISIONING_NODES unset)"
  fi
  if [ -z "${PROVISIONING_IP_POOLS:-}" ] || [ "$PROVISIONING_IP_POOLS" = "[]" ]; then
    local ranges="" entry region net v6
    for entry in eu-central-1:192.0.2:1 eu-west-1:198.51.100:2 us-east-1:203.0.113:3; do
      IFS=: read -r region net v6 <<<"$entry"
      ranges="$ranges${ranges:+,}{\"region\":\"$region\",\"first\":\"$net.10\",\"last\":\"$net.250\","
      ranges="$ranges\"prefix\":24,\"gateway\":\"$net.1\",\"dns\":[\"$net.1\"]}"
      ranges="$ranges,{\"region\":\"$region\",\"first\":\"2001:db8:$v6::10\",\"last\":\"2001:db8:$v6::fff\","
      ranges="$ranges\"prefix\":64,\"gateway\":\"2001:db8:$v6::1\",\"dns\":[\"2001:db8:$v6::1\"]}"
    done
    export PROVISIONING_IP_POOLS="[$ranges]"
    log "libvirt: documentation-range address pools per region (PROVISIONING_IP_POOLS unset)"
  fi
}

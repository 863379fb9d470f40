/** Transports a node may be reached over: the local socket, or SSH/TLS (never plain TCP, which is unauthenticated). */
const REMOTE = ['qemu+ssh:', 'qemu+libssh:', 'qemu+libssh2:', 'qemu+tls:'];

/**
 * Why a libvirt connection URI cannot name a hypervisor node, or undefined when it can: qemu:///system on the node
 * itself, qemu+ssh://user@host/system or qemu+tls://host/system otherwise (always the system instance: the session
 * instance of a user has no bridges and no shared storage pools).
 */
export function libvirtUriProblem(uri: string): string | undefined {
  const usage =
    'must be qemu:///system, qemu+ssh://[user@]host[:port]/system or qemu+tls://host[:port]/system';
  if (/\s/.test(uri)) {
    return `${usage} (without spaces)`;
  }
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return usage;
  }
  const local = url.protocol === 'qemu:';
  if ((!local && !REMOTE.includes(url.protocol)) || url.pathname !== '/system' || url.hash !== '') {
    return usage;
  }
  if (local ? url.host !== '' : url.hostname === '') {
    return local
      ? 'qemu:///system names the local hypervisor and takes no host'
      : `${usage} (a host is missing)`;
  }
  if (url.password !== '') {
    return 'must not carry a password (use an SSH key or a TLS client certificate)';
  }
  if (url.searchParams.get('no_verify') === '1') {
    return 'no_verify=1 would accept any certificate; install the CA instead';
  }
  return undefined;
}

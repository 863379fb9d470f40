import { libvirtUriProblem } from './libvirt-uri.js';

describe(libvirtUriProblem.name, () => {
  it.each([
    'qemu:///system',
    'qemu+ssh://platforma@kvm01.fra.example.net/system',
    'qemu+ssh://platforma@kvm01.fra.example.net:2222/system?keyfile=/etc/platforma/id_ed25519',
    'qemu+libssh2://root@10.0.0.5/system?known_hosts=/etc/platforma/known_hosts',
    'qemu+tls://kvm02.fra.example.net/system',
    'qemu+tls://[2001:db8::5]:16514/system',
  ])('accepts %s', (uri) => {
    expect(libvirtUriProblem(uri)).toBeUndefined();
  });

  it.each([
    ['plain TCP', 'qemu+tcp://kvm01/system', 'must be qemu:///system'],
    ['another hypervisor', 'xen:///system', 'must be qemu:///system'],
    ['a session instance', 'qemu:///session', 'must be qemu:///system'],
    ['no path', 'qemu+ssh://kvm01', 'must be qemu:///system'],
    ['not a URI', 'kvm01.example.net', 'must be qemu:///system'],
    ['spaces', 'qemu+ssh://kvm01/system ', 'without spaces'],
    ['a remote transport without host', 'qemu+ssh:///system', 'a host is missing'],
    ['a local URI with a host', 'qemu://kvm01/system', 'takes no host'],
    ['a password', 'qemu+ssh://root:hunter2@kvm01/system', 'must not carry a password'],
    ['unverified TLS', 'qemu+tls://kvm01/system?no_verify=1', 'no_verify=1'],
  ])('refuses %s', (_, uri, expected) => {
    expect(libvirtUriProblem(uri)).toContain(expected);
  });
});

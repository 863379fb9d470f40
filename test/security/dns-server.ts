import { createSocket, type RemoteInfo } from 'node:dgram';
import { isIP } from 'node:net';

const A = 1;
const AAAA = 28;
const NXDOMAIN = 3;

/** The 16 bytes of an IPv6 address, an embedded dotted IPv4 tail included. */
function ipv6Bytes(address: string): Buffer {
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(address)?.[1];
  const hex = dotted
    ? address.replace(
        dotted,
        ((n) => `${((n[0] << 8) | n[1]).toString(16)}:${((n[2] << 8) | n[3]).toString(16)}`)(
          dotted.split('.').map(Number),
        ),
      )
    : address;
  const [head = '', tail] = hex.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const fill =
    tail === undefined ? [] : Array<string>(8 - groups(head).length - groups(tail).length).fill('0');
  const all = [...groups(head), ...fill, ...groups(tail ?? '')];
  const bytes = Buffer.alloc(16);
  all.forEach((group, i) => bytes.writeUInt16BE(parseInt(group, 16), i * 2));
  return bytes;
}

function rdata(type: number, address: string): Buffer {
  return type === A ? Buffer.from(address.split('.').map(Number)) : ipv6Bytes(address);
}

/**
 * An authoritative DNS server on 127.0.0.1 (UDP, A and AAAA only) whose answers the test sets per name and may change
 * from one query to the next, as a rebinding attacker's server does. It logs every question it is asked.
 */
export class DnsServer {
  readonly queries: { name: string; type: 'A' | 'AAAA' }[] = [];
  private readonly answers = new Map<string, string[][]>();
  private readonly socket = createSocket('udp4', (message, peer) => this.reply(message, peer));
  port = 0;

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.socket.bind(0, '127.0.0.1', resolve));
    this.port = this.socket.address().port;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }

  /**
   * The addresses of `name`: the first set for the first question of each type, the next set for the next, the last
   * set from then on. An empty set is a name without records of that type.
   */
  answer(name: string, ...sets: string[][]): void {
    this.answers.set(name.toLowerCase(), sets);
  }

  asked(name: string, type: 'A' | 'AAAA'): number {
    return this.queries.filter((q) => q.name === name.toLowerCase() && q.type === type).length;
  }

  private reply(query: Buffer, peer: RemoteInfo): void {
    let offset = 12;
    const labels: string[] = [];
    while (query[offset] !== 0) {
      const length = query[offset] ?? 0;
      labels.push(query.toString('ascii', offset + 1, offset + 1 + length));
      offset += length + 1;
    }
    const questionEnd = offset + 5;
    const type = query.readUInt16BE(offset + 1);
    const name = labels.join('.').toLowerCase();
    const sets = this.answers.get(name);
    let addresses: string[] = [];
    if (type === A || type === AAAA) {
      const kind = type === A ? 'A' : 'AAAA';
      const nth = this.asked(name, kind);
      this.queries.push({ name, type: kind });
      addresses = (sets?.[Math.min(nth, sets.length - 1)] ?? []).filter(
        (address) => isIP(address) === (type === A ? 4 : 6),
      );
    }
    const header = Buffer.alloc(12);
    query.copy(header, 0, 0, 2);
    // A response, recursion desired and available, authoritative; NXDOMAIN for a name the test never set.
    header.writeUInt16BE(0x8580 | (sets ? 0 : NXDOMAIN), 2);
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(addresses.length, 6);
    const records = addresses.map((address) => {
      const data = rdata(type, address);
      const record = Buffer.alloc(12);
      record.writeUInt16BE(0xc00c, 0);
      record.writeUInt16BE(type, 2);
      record.writeUInt16BE(1, 4);
      // TTL 0: no resolver may keep an answer, every lookup comes here.
      record.writeUInt32BE(0, 6);
      record.writeUInt16BE(data.length, 10);
      return Buffer.concat([record, data]);
    });
    this.socket.send(
      Buffer.concat([header, query.subarray(12, questionEnd), ...records]),
      peer.port,
      peer.address,
    );
  }
}

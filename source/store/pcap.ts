/**
 * A session as a capture file Wireshark and tshark open: the exact bytes of each
 * direction, carried in synthetic Ethernet/IPv4/TCP frames between the two peers'
 * addresses and ports, with a handshake, sequence numbers that follow the byte
 * streams, and a close, so that "Follow TCP stream" shows the session. Records a
 * transcript did not keep whole show up as gaps at their true place in the stream.
 */
import type { Transcript } from './session-store.js';

interface Endpoint {
  readonly ip: readonly number[];
  readonly port: number;
  readonly mac: readonly number[];
}

interface Segment {
  readonly fromClient: boolean;
  readonly offset: number;
  readonly bytes: Uint8Array;
  readonly at: number;
}

const CLIENT_ISN = 1_000;
const SERVER_ISN = 50_000;
const FLAGS = { FIN: 0x01, SYN: 0x02, PSH: 0x08, ACK: 0x10 } as const;

export class PcapError extends Error {
  override readonly name = 'PcapError';
}

/** An "address:port" as an endpoint; an address that is not IPv4 (such as ::1) becomes 127.0.0.1. */
function endpoint(address: string | undefined, fallbackPort: number, macByte: number): Endpoint {
  const mac = [2, 0, 0, 0, 0, macByte];
  const match = /^(\d+)\.(\d+)\.(\d+)\.(\d+):(\d+)$/.exec(address ?? '');
  if (match === null) return { ip: [127, 0, 0, 1], port: Number(/:(\d+)$/.exec(address ?? '')?.[1] ?? fallbackPort), mac };
  return { ip: match.slice(1, 5).map(Number), port: Number(match[5]), mac };
}

/** The two byte streams of a transcript, seen from its client (or else its server). */
function segmentsOf(transcript: Transcript): { readonly segments: Segment[]; readonly clientEnd: number; readonly serverEnd: number } {
  const startedAt = Date.parse(transcript.meta.startedAt);
  const role = transcript.lines.some((line) => line.event.type === 'wire' && line.event.role === 'client') ? 'client' : 'server';
  const segments: Segment[] = [];
  let clientEnd = 0;
  let serverEnd = 0;
  for (const line of transcript.lines) {
    const event = line.event;
    if (event.type !== 'wire' || event.role !== role || line.offset === undefined) continue;
    const fromClient = event.direction === 'client->server';
    segments.push({ fromClient, offset: line.offset, bytes: event.record, at: startedAt + line.t });
    const end = line.offset + (event.truncatedFrom ?? event.record.length);
    if (fromClient) clientEnd = Math.max(clientEnd, end);
    else serverEnd = Math.max(serverEnd, end);
  }
  if (segments.length === 0) throw new PcapError('this transcript has no client or server records to export (a relay transcript has none of its own)');
  // The outcome counts every byte, records the transcript left out included.
  const streams = transcript.outcome?.streams ?? {};
  const clientTotal = streams[role === 'client' ? 'client sent' : 'server received'] ?? 0;
  const serverTotal = streams[role === 'client' ? 'client received' : 'server sent'] ?? 0;
  return { segments, clientEnd: Math.max(clientEnd, clientTotal), serverEnd: Math.max(serverEnd, serverTotal) };
}

function checksum(bytes: Uint8Array): number {
  let sum = 0;
  for (let index = 0; index < bytes.length; index += 2) sum += (bytes[index]! << 8) | (bytes[index + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

function frame(from: Endpoint, to: Endpoint, seq: number, ack: number, flags: number, payload: Uint8Array): Uint8Array {
  const tcp = new Uint8Array(20 + payload.length);
  const tcpView = new DataView(tcp.buffer);
  tcpView.setUint16(0, from.port);
  tcpView.setUint16(2, to.port);
  tcpView.setUint32(4, seq >>> 0);
  tcpView.setUint32(8, ack >>> 0);
  tcp[12] = 5 << 4;
  tcp[13] = flags;
  tcpView.setUint16(14, 65535);
  tcp.set(payload, 20);
  const pseudo = new Uint8Array(12 + tcp.length);
  pseudo.set(from.ip, 0);
  pseudo.set(to.ip, 4);
  pseudo[9] = 6;
  new DataView(pseudo.buffer).setUint16(10, tcp.length);
  pseudo.set(tcp, 12);
  tcpView.setUint16(16, checksum(pseudo));

  const ip = new Uint8Array(20);
  const ipView = new DataView(ip.buffer);
  ip[0] = 0x45;
  ipView.setUint16(2, 20 + tcp.length);
  ipView.setUint16(6, 0x4000);
  ip[8] = 64;
  ip[9] = 6;
  ip.set(from.ip, 12);
  ip.set(to.ip, 16);
  ipView.setUint16(10, checksum(ip));

  const ethernet = Uint8Array.of(...to.mac, ...from.mac, 0x08, 0x00);
  const out = new Uint8Array(ethernet.length + ip.length + tcp.length);
  out.set(ethernet, 0);
  out.set(ip, ethernet.length);
  out.set(tcp, ethernet.length + ip.length);
  return out;
}

/** The pcap file (classic format, Ethernet link type) for a transcript. */
export function transcriptToPcap(transcript: Transcript): Uint8Array {
  const client = endpoint(transcript.connection?.client ?? transcript.meta.client, 50_000, 1);
  const server = endpoint(transcript.connection?.server ?? transcript.meta.server, 4041, 2);
  const { segments, clientEnd, serverEnd } = segmentsOf(transcript);
  const startedAt = Date.parse(transcript.meta.startedAt);
  const packets: { readonly at: number; readonly bytes: Uint8Array }[] = [];
  const clientSeq = (offset: number): number => CLIENT_ISN + 1 + offset;
  const serverSeq = (offset: number): number => SERVER_ISN + 1 + offset;
  const none = new Uint8Array(0);

  packets.push({ at: startedAt, bytes: frame(client, server, CLIENT_ISN, 0, FLAGS.SYN, none) });
  packets.push({ at: startedAt, bytes: frame(server, client, SERVER_ISN, CLIENT_ISN + 1, FLAGS.SYN | FLAGS.ACK, none) });
  packets.push({ at: startedAt, bytes: frame(client, server, CLIENT_ISN + 1, SERVER_ISN + 1, FLAGS.ACK, none) });
  let clientAcked = 0;
  let serverAcked = 0;
  for (const segment of [...segments].sort((a, b) => a.at - b.at)) {
    if (segment.fromClient) {
      packets.push({ at: segment.at, bytes: frame(client, server, clientSeq(segment.offset), serverSeq(serverAcked), FLAGS.PSH | FLAGS.ACK, segment.bytes) });
      clientAcked = Math.max(clientAcked, segment.offset + segment.bytes.length);
    } else {
      packets.push({ at: segment.at, bytes: frame(server, client, serverSeq(segment.offset), clientSeq(clientAcked), FLAGS.PSH | FLAGS.ACK, segment.bytes) });
      serverAcked = Math.max(serverAcked, segment.offset + segment.bytes.length);
    }
  }
  if (transcript.complete) {
    const end = Math.max(...packets.map((packet) => packet.at));
    packets.push({ at: end, bytes: frame(server, client, serverSeq(serverEnd), clientSeq(clientEnd), FLAGS.FIN | FLAGS.ACK, none) });
    packets.push({ at: end, bytes: frame(client, server, clientSeq(clientEnd), serverSeq(serverEnd) + 1, FLAGS.FIN | FLAGS.ACK, none) });
    packets.push({ at: end, bytes: frame(server, client, serverSeq(serverEnd) + 1, clientSeq(clientEnd) + 1, FLAGS.ACK, none) });
  }

  const header = new Uint8Array(24);
  const view = new DataView(header.buffer);
  view.setUint32(0, 0xa1b2c3d4, true);
  view.setUint16(4, 2, true);
  view.setUint16(6, 4, true);
  view.setUint32(16, 262_144, true);
  view.setUint32(20, 1, true);
  const parts: Uint8Array[] = [header];
  for (const packet of packets) {
    const record = new Uint8Array(16);
    const recordView = new DataView(record.buffer);
    recordView.setUint32(0, Math.floor(packet.at / 1000), true);
    recordView.setUint32(4, (packet.at % 1000) * 1000, true);
    recordView.setUint32(8, packet.bytes.length, true);
    recordView.setUint32(12, packet.bytes.length, true);
    parts.push(record, packet.bytes);
  }
  return Buffer.concat(parts);
}

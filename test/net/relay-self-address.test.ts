/**
 * `dialsItself` judges, from the addresses alone, whether a relay's upstream is its own
 * listening address: the same port on the address it listens on, on this machine's
 * loopback (0.0.0.0 and :: included), or on any address of this machine when it listens
 * on all of them; another port, another machine's address, or a relay on another
 * address of this machine is not.
 */
import { networkInterfaces } from 'node:os';
import { describe, expect, it } from 'vitest';
import { dialsItself } from '../../source/net/relay.js';

const at = (host: string, port = 4042) => ({ host, port });

describe('dialsItself', () => {
  it.each([
    ['the address it listens on', at('127.0.0.1'), at('127.0.0.1')],
    ['localhost, for a relay on 127.0.0.1', at('127.0.0.1'), at('localhost')],
    ['0.0.0.0, which reaches the loopback', at('127.0.0.1'), at('0.0.0.0')],
    ['127.0.0.1, for a relay on every address', at('0.0.0.0'), at('127.0.0.1')],
    ['::1, for a relay on every IPv6 address', at('::'), at('::1')],
    ['an IPv4 loopback address written as IPv6', at('127.0.0.1'), at('::ffff:127.0.0.1')],
  ])('the same port on %s: its own address', (_label, listen, upstream) => {
    expect(dialsItself(listen, upstream)).toBe(true);
  });

  const ownAddress = Object.values(networkInterfaces()).flat().find((entry) => entry !== undefined && !entry.internal)?.address;
  it.skipIf(ownAddress === undefined)('the same port on an address of this machine, for a relay on every address: its own address', () => {
    expect(dialsItself(at('0.0.0.0'), at(ownAddress!))).toBe(true);
  });

  it.each([
    ['another port on the same address', at('127.0.0.1', 4042), at('127.0.0.1', 4041)],
    ['the same port on another machine', at('127.0.0.1'), at('192.0.2.10')],
    ['the same port on the loopback, for a relay on another address of this machine', at('192.0.2.10'), at('127.0.0.1')],
    ['a host name, which is not looked up', at('127.0.0.1'), at('server.example')],
  ])('%s: not its own address', (_label, listen, upstream) => {
    expect(dialsItself(listen, upstream)).toBe(false);
  });
});

#!/usr/bin/env node
/**
 * The entry point: parses the command line and opens the dashboard (no command)
 * or runs a headless command: server, client, mitm, demo, keys, and history,
 * replay and export over store/. Every folder defaults to the one of that name
 * under the current directory and has a flag to point elsewhere.
 */
// First, before any other module has run: how soon V8 optimizes (see the module).
import { optimizeAfter } from './v8-tiering.js';
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { ATTACK_MODES } from './attacker/modes.js';
import { AES_IMPLEMENTATIONS } from './crypto/aes-ctr.js';
import { parseHost, parseHostPort, parsePath, parsePort, parsePositiveInteger, parseRequestName, parseServerPort, parseSize, parseSubject } from './headless/arguments.js';
import { runClientCommand } from './headless/client-command.js';
import { runDemoCommand } from './headless/demo-command.js';
import { EXIT, EXIT_BY_SIGNAL } from './headless/exit-codes.js';
import { runKeysCommand } from './headless/keys-command.js';
import { runMitmCommand } from './headless/mitm-command.js';
import { CommandOutput } from './headless/output.js';
import { runServerCommand } from './headless/server-command.js';
import { runExportCommand, runHistoryCommand, runReplayCommand } from './headless/store-commands.js';
import { VERSION } from './version.js';
import { collectAtOnce, sweepInScavenge } from './v8-collection.js';
import { DEFAULT_KEEP } from './store/session-store.js';
import type { StoreOptions } from './store/recorder.js';
import { DEFAULT_MAX_FILE_BYTES } from './protocol/client.js';
import { DEFAULT_PORT } from './net/client.js';
import { DEFAULT_MAX_CONNECTIONS } from './net/server.js';

const EXIT_CODES_HELP = `
Exit codes:
  ${EXIT.ok}  success (the client received and verified the file)
  ${EXIT.protocol}  the session failed with an alert (bad certificate, bad MAC, refused name…)
  ${EXIT.usage}  usage error
  ${EXIT.connection}  connection failed or dropped
  ${EXIT.local}  local problem (keystore, folders, disk)
  ${EXIT_BY_SIGNAL.SIGINT}  stopped by Ctrl+C (${EXIT_BY_SIGNAL.SIGTERM} by SIGTERM): the server was told, nothing was saved`;

const folder = (name: string) => new Option(`--${name} <dir>`, `the ${name} folder`).argParser(parsePath).default(`./${name}`);
const json = new Option('--json', 'print one JSON object per line instead of plain lines');
const keep = new Option('--keep <n>', 'transcripts to keep in the store folder; the oldest go').argParser(parsePositiveInteger).default(DEFAULT_KEEP);
const aes = new Option('--aes <implementation>', 'AES-256-CTR: aes-js (pure JavaScript) or native (node:crypto, many times faster, the same bytes on the wire)')
  .choices(AES_IMPLEMENTATIONS)
  .default('aes-js');

/** The store folder and retention from a command's options. */
function storeOf(options: { readonly store: string; readonly keep: number }): StoreOptions {
  return { dir: resolve(options.store), keep: options.keep };
}

function finish(code: number): void {
  process.exitCode = code;
}

/** Resolves on Ctrl+C or SIGTERM: how a long-running command is told to stop. */
function stopSignal(): Promise<unknown> {
  return new Promise((resolveStop) => {
    // The first stops the command; from then on either signal does what it does by default, at once.
    const stop = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolveStop(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export function buildProgram(): Command {
  const program = new Command('tls-tui')
    .description('A TLS-style handshake shown from both sides: certificates, key exchange and man-in-the-middle protection.')
    .version(VERSION)
    // The error stays on screen, where 35 lines of help would push it off an 80x24 terminal.
    .showHelpAfterError('(add --help for the options)')
    .addHelpText('after', EXIT_CODES_HELP)
    .exitOverride((error) => {
      process.exit(error.exitCode === 0 ? EXIT.ok : EXIT.usage);
    });

  program
    .command('server')
    .description(`listen and serve files from the public folder to every client, until stopped (Ctrl+C)`)
    .option('--host <address>', 'address to listen on', parseHost, '0.0.0.0')
    .option('--port <port>', `port to listen on (0 picks a free one)`, parsePort, DEFAULT_PORT)
    .addOption(folder('public'))
    .addOption(folder('keystore'))
    .option('--max-connections <n>', 'connections served at once', parsePositiveInteger, DEFAULT_MAX_CONNECTIONS)
    .addOption(aes)
    .addOption(folder('store'))
    .addOption(keep)
    .addOption(json)
    .action(async (options) => {
      if (options.aes === 'native') sweepInScavenge();
      finish(await runServerCommand(
        { ...options, public: resolve(options.public), keystore: resolve(options.keystore), store: storeOf(options) },
        new CommandOutput(options.json ?? false),
        stopSignal(),
      ));
    });

  program
    .command('mitm')
    .description('run the attacker relay between clients and a server (client → relay → server), rewriting the handshake by mode')
    .requiredOption('--upstream <host:port>', 'the real server', parseHostPort)
    .option('--listen <port>', 'port clients connect to (0 picks a free one)', parsePort, 4042)
    .option('--host <address>', 'address to listen on', parseHost, '127.0.0.1')
    .addOption(new Option('--mode <mode>', 'what the attacker does').choices(ATTACK_MODES).default('off'))
    .addOption(folder('keystore'))
    .addOption(folder('store'))
    .addOption(keep)
    .addOption(json)
    .addHelpText('after', `
Modes:
  off            relays every byte untouched
  forged-key     genuine server certificate text, the attacker's public key  (client: bad_certificate)
  rogue-ca       a server certificate from the attacker's own CA            (client: unknown_ca)
  self-signed    a server certificate signed by the attacker's key          (client: unknown_ca)
  expired        a CA-signed server certificate whose validity has ended    (client: certificate_expired)
  wrong-name     a CA-signed certificate for another subject                (client: bad_certificate)
  replay-client  poses as the client with its public certificate, no key   (server: decrypt_error)
  bit-flip       flips one bit of the encrypted REQUEST                     (server: bad_record_mac)
A client run with --insecure does not verify certificates: then the impersonations succeed.`)
    .action(async (options) => {
      finish(await runMitmCommand({ ...options, keystore: resolve(options.keystore), store: storeOf(options) }, new CommandOutput(options.json ?? false), stopSignal()));
    });

  program
    .command('client')
    .description('fetch one file (or the listing) from a server, verify it and save it to the received folder')
    .option('--host <address>', 'server address', parseHost, '127.0.0.1')
    .option('--port <port>', 'server port', parseServerPort, DEFAULT_PORT)
    .option('--file <name>', 'the file to fetch, as named in the server\'s public folder', parseRequestName)
    .option('--list', 'list the files the server offers instead')
    .addOption(folder('received'))
    .addOption(folder('keystore'))
    .option('--server-name <name>', 'the subject the server certificate must name', parseSubject, 'server')
    .option('--insecure', 'skip certificate verification (to see what an attacker can then do)')
    .option('--max-size <size>', 'largest file accepted, e.g. 500MB or 4GiB', parseSize, DEFAULT_MAX_FILE_BYTES)
    .addOption(aes)
    .addOption(folder('store'))
    .addOption(keep)
    .addOption(json)
    .addHelpText('after', EXIT_CODES_HELP)
    .action(async (options, command: Command) => {
      optimizeAfter('oneShot');
      collectAtOnce();
      if ((options.file === undefined) === (options.list === undefined)) command.error('error: give exactly one of --file NAME or --list', { exitCode: EXIT.usage });
      const request = options.list ? { op: 'LIST' as const } : { op: 'GET' as const, name: String(options.file) };
      finish(await runClientCommand(
        { ...options, request, insecure: options.insecure ?? false, received: resolve(options.received), keystore: resolve(options.keystore), store: storeOf(options) },
        new CommandOutput(options.json ?? false),
        stopSignal(),
      ));
    });

  program
    .command('keys')
    .description('show the keystore (subjects, issuers, validity, files, fingerprints), generating what is missing')
    .addOption(folder('keystore'))
    .option('--regenerate', 'replace every key and certificate with a fresh set')
    .addOption(json)
    .action(async (options) => {
      finish(await runKeysCommand({ keystore: resolve(options.keystore), regenerate: options.regenerate ?? false }, new CommandOutput(options.json ?? false)));
    });

  program
    .command('history')
    .description('list the sessions kept in the store folder, newest first')
    .addOption(folder('store'))
    .addOption(json)
    .action(async (options) => {
      finish(await runHistoryCommand({ store: resolve(options.store) }, new CommandOutput(options.json ?? false)));
    });

  program
    .command('replay <id>')
    .description('print a stored session\'s checklists and wire log (id, a unique prefix of it, or "last")')
    .addOption(folder('store'))
    .addOption(json)
    .action(async (id: string, options) => {
      finish(await runReplayCommand({ store: resolve(options.store), id }, new CommandOutput(options.json ?? false)));
    });

  program
    .command('export <id>')
    .description('write a stored session as a pcap for Wireshark (--pcap FILE) or as one JSON document (--json [FILE])')
    .option('--pcap <file>', 'write a capture file', parsePath)
    .option('--json [file]', 'write the whole transcript as one JSON document (to standard output without a file)', parsePath)
    .addOption(folder('store'))
    .action(async (id: string, options, command: Command) => {
      if (options.pcap === undefined && options.json === undefined) command.error('error: give --pcap FILE or --json [FILE]', { exitCode: EXIT.usage });
      finish(await runExportCommand({ store: resolve(options.store), id, ...(options.pcap ? { pcap: resolve(options.pcap) } : {}), ...(options.json === undefined ? {} : { json: options.json === true ? true : resolve(options.json) }) }, new CommandOutput(false)));
    });

  program
    .command('dashboard', { isDefault: true })
    .description('open the dashboard: both peers side by side, the wire, the attacker (the default command)')
    .option('--port <port>', 'port for the server to try first (a free one is used when it is taken)', parsePort, DEFAULT_PORT)
    .addOption(folder('public'))
    .addOption(folder('received'))
    .addOption(folder('keystore'))
    .addOption(aes)
    .addOption(folder('store'))
    .addOption(keep)
    // As the default command it receives any word that names no command: say so, not "too many arguments".
    .allowExcessArguments()
    .action(async (options, command: Command) => {
      const [word] = command.args;
      if (word !== undefined && program.args[0] === command.name()) program.error(`error: the dashboard takes no arguments, got '${word}'`);
      if (word !== undefined) program.error(`error: unknown command '${word}' (the commands are ${program.commands.map((each) => each.name()).join(', ')})`);
      // Ink draws one static frame when it believes it runs under CI; a dashboard opened in a
      // terminal is interactive whatever CI variables the shell carries. Ink reads them when it
      // loads, so it is loaded here, after this, and only for the dashboard.
      if (process.stdout.isTTY) {
        for (const variable of ['CI', 'CONTINUOUS_INTEGRATION']) if (variable in process.env) process.env[variable] = 'false';
      }
      const { runDashboard } = await import('./ui/run-dashboard.js');
      finish(await runDashboard(
        { port: options.port, public: resolve(options.public), received: resolve(options.received), keystore: resolve(options.keystore), aes: options.aes, store: storeOf(options) },
        new CommandOutput(false),
      ));
    });

  program
    .command('demo')
    .description('run a server and a client on this machine over loopback TCP and print both checklists')
    .option('--file <name>', 'the file to fetch (default: the first in the public folder)', parseRequestName)
    .addOption(folder('public'))
    .addOption(folder('received'))
    .addOption(folder('keystore'))
    .addOption(aes)
    .addOption(folder('store'))
    .addOption(keep)
    .addOption(json)
    .action(async (options) => {
      optimizeAfter('oneShot');
      // One session, then it exits; with aes-js, its server's records reach the old generation, as a server's do.
      if (options.aes === 'native') collectAtOnce();
      finish(await runDemoCommand(
        { file: options.file, public: resolve(options.public), received: resolve(options.received), keystore: resolve(options.keystore), aes: options.aes, store: storeOf(options) },
        new CommandOutput(options.json ?? false),
        stopSignal(),
      ));
    });

  return program;
}

/**
 * A reader that stops early (`tls-tui history | head`) closes the pipe: a headless
 * command still runs to its end and exits with its own code, and what it would have
 * printed after that is dropped, as with any Unix tool, instead of an EPIPE stack
 * trace. Any other failure to write (a full disk under a redirected log) is said
 * once on stderr and the command goes on: a server stops for no log. (The dashboard
 * handles its terminal going away itself.)
 */
function outliveEarlyReaders(): void {
  let told = false;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE' || told || stream === process.stderr) return;
      told = true;
      process.stderr.write(`tls-tui: cannot write to standard output (${error.code ?? error.message}): its lines are lost from here on, and the command goes on\n`);
    });
  }
}

await buildProgram()
  .hook('preAction', (_program, command) => {
    if (command.name() !== 'dashboard') outliveEarlyReaders();
  })
  .parseAsync(process.argv);

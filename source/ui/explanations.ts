/**
 * Plain words for a class: for each checklist step, what it does, what it
 * protects against and how real TLS does the same; for each message, what it is
 * for. The dashboard shows them beside the step or record the user selects.
 */
import type { Role } from '../protocol/steps.js';

export interface Explanation {
  readonly does: string;
  readonly protects: string;
  readonly realTls: string;
}

const CLIENT: Readonly<Record<string, Explanation>> = {
  connect: {
    does: 'Opens a TCP connection to the server. Nothing is secret or trusted yet: anyone on the path can read and change these bytes.',
    protects: 'Nothing by itself; everything after this step is about making an untrusted connection safe.',
    realTls: 'The same: TLS runs over an ordinary TCP connection (HTTPS on port 443).',
  },
  'client-hello': {
    does: 'Sends 32 fresh random bytes and the client certificate, in the clear.',
    protects: 'The random makes this session unique, so nothing recorded from an earlier session can be replayed into it.',
    realTls: 'ClientHello carries a random too, plus the cipher suites the client supports; client certificates come later and only when the server asks.',
  },
  'verify-server-certificate': {
    does: "Checks the server's certificate: issued by the trusted CA, signature valid, within its validity, for a server named \"server\".",
    protects: 'A man in the middle: it cannot show a certificate for "server" that the CA signed over its own key, so it is caught here.',
    realTls: 'Browsers check a chain up to a root CA they trust, the validity dates and the host name, exactly these checks with more links.',
  },
  'key-exchange': {
    does: "Picks a random 32-byte secret, encrypts it with RSA-OAEP under the public key in the server's certificate, and signs the handshake so far with the client key (CERTIFICATE_VERIFY).",
    protects: 'Only the holder of the server key can read the secret; the signature proves the client holds its own key, so a copied client certificate is useless.',
    realTls: 'TLS 1.2 RSA key exchange worked just like this, without forward secrecy; TLS 1.3 uses ephemeral Diffie-Hellman instead. CertificateVerify is the same idea.',
  },
  'key-confirmation': {
    does: 'Decrypts SERVER_KEY_EXCHANGE with the client key and compares: the server must send back the very secret the client chose.',
    protects: 'A server that cannot decrypt the secret (a forger without the key) cannot echo it back.',
    realTls: "TLS has no such echo: the Finished messages prove both sides derived the same keys. This step is tls_py's, kept for teaching.",
  },
  finished: {
    does: 'Derives the session keys with HKDF, then both sides send an HMAC over every handshake message: the first encrypted records.',
    protects: 'Any change to any handshake message by anyone in the middle makes the two transcripts differ, and FINISHED fails.',
    realTls: 'Finished works the same way in TLS 1.2 and 1.3 (a MAC over the transcript hash).',
  },
  request: {
    does: 'Sends the request (GET a name, or LIST) inside an encrypted, authenticated record.',
    protects: 'An eavesdropper cannot see which file is asked for, and a flipped bit is caught by the MAC before anything is decrypted.',
    realTls: 'Application data records, encrypted with AES-GCM or ChaCha20-Poly1305 (AEAD) rather than CTR plus HMAC.',
  },
  receive: {
    does: 'Receives FILE_HEADER, then the file in records of up to 16 KiB, each checked by its MAC, and hashes it as it arrives.',
    protects: 'Dropped, reordered or replayed records break the sequence-numbered MACs; a file larger than announced is refused.',
    realTls: 'The same record layer: at most 16 KiB per record, each with its own sequence number in the MAC (or AEAD nonce).',
  },
  'verify-file': {
    does: "Checks that the SHA-256 of the received bytes matches FILE_END, and that the server's RSA-PSS signature over it, bound to this session's randoms, is valid.",
    protects: 'A file that was altered, or signed for another session, is refused.',
    realTls: 'TLS authenticates every record but does not sign files; signed downloads (package managers) add this on top.',
  },
  save: {
    does: 'Moves the verified file from a temporary dot-file into received/ in one rename.',
    protects: 'Nothing half-written or unverified ever appears in received/, even if the connection drops.',
    realTls: 'Outside TLS: careful applications write to a temporary file and rename, just like this.',
  },
  close: {
    does: 'Both sides send close_notify, an alert that says "I am done", then close the connection. A session stopped by a fatal alert closes on that alert instead.',
    protects: 'A truncation attack: without close_notify, an attacker could cut the connection and make a partial response look complete.',
    realTls: 'The same close_notify alert, and the same fatal alerts.',
  },
};

const SERVER: Readonly<Record<string, Explanation>> = {
  listen: {
    does: 'Waits for connections on a TCP port (4041, as tls_py did).',
    protects: 'Nothing by itself.',
    realTls: 'An HTTPS server listens on port 443.',
  },
  accept: {
    does: 'Accepts one connection; every connection is a separate session, served concurrently.',
    protects: 'A misbehaving client only ever ends its own session; a cap on open connections and timeouts keep slow clients from exhausting the server.',
    realTls: 'Servers do the same, with the same kinds of limits.',
  },
  'verify-client-certificate': {
    does: "Checks the client's certificate: issued by the trusted CA, signature valid, in date, role client.",
    protects: 'Unknown clients are turned away before any secret is exchanged.',
    realTls: 'Mutual TLS (client certificates) is optional in TLS; here it is always on.',
  },
  'server-hello': {
    does: 'Sends 32 fresh random bytes and the server certificate.',
    protects: 'The server random makes the keys unique to this session even if a client reused its random.',
    realTls: 'ServerHello and the Certificate message.',
  },
  'key-exchange': {
    does: "Checks CERTIFICATE_VERIFY with the public key in the client's certificate, and only then decrypts the client's secret with the server key.",
    protects: 'A replayed client certificate: without the matching private key the signature fails, before the secret is even tried. Every malformed secret gets the same answer, so nothing leaks (no padding oracle).',
    realTls: 'CertificateVerify is checked the same way; TLS servers also answer every bad RSA secret identically (Bleichenbacher countermeasures).',
  },
  'server-key-exchange': {
    does: "Encrypts the same secret again under the client's public key and sends it back.",
    protects: 'Proves to the client that this server could decrypt the secret, so it holds the key of its certificate.',
    realTls: "No equivalent message: in TLS the server's Finished (or its signature over the key share in TLS 1.3) proves this.",
  },
  finished: {
    does: 'Derives the session keys, checks the client FINISHED and answers with its own: HMACs over the whole handshake.',
    protects: 'Tampering with any handshake message.',
    realTls: 'The same Finished exchange.',
  },
  'resolve-request': {
    does: 'Checks the MAC of the request record, decrypts it, and looks the name up inside public/ only: no "..", no absolute paths, no symbolic links leading out.',
    protects: 'A request changed on the way: one flipped bit fails the MAC (bad_record_mac) before anything is decrypted. And path traversal: tls_py joined the name to its folder, so ../ could read any file on the server.',
    realTls: "The MAC is the record layer's, on every record (an AEAD tag in TLS 1.3). Confining names is outside TLS: web servers keep request paths inside their document root the same way.",
  },
  stream: {
    does: 'Reads the file in pieces and sends it in encrypted FILE_DATA records of up to 16 KiB.',
    protects: 'Files of any size, never held whole in memory; every record authenticated.',
    realTls: 'The record layer splits application data the same way.',
  },
  sign: {
    does: "Signs the file's SHA-256 with the server key, together with both randoms, the name and the size, and sends it in FILE_END.",
    protects: 'The client can prove the file came from the holder of the server key, in this very session.',
    realTls: 'Outside TLS: like a signed download.',
  },
  close: CLIENT.close!,
};

export function explainStep(role: Role, step: string): Explanation | undefined {
  return (role === 'client' ? CLIENT : SERVER)[step];
}

const MESSAGES: Readonly<Record<string, string>> = {
  CLIENT_HELLO: "Opens the handshake: the client's random and its certificate, in the clear.",
  SERVER_HELLO: "The server's random and its certificate, in the clear; the client checks the certificate against the CA.",
  CLIENT_KEY_EXCHANGE: "The session secret, RSA-OAEP-encrypted under the server's public key: only the server can read it.",
  CERTIFICATE_VERIFY: 'The client signs the handshake so far, proving it holds the private key of its certificate.',
  SERVER_KEY_EXCHANGE: "The same secret, encrypted under the client's key: proof that the server could decrypt it.",
  FINISHED: 'An HMAC over every handshake message: both sides saw the same handshake. The first encrypted record each way.',
  'REQUEST GET': 'The encrypted request for one file, by name.',
  'REQUEST LIST': 'The encrypted request for the list of files.',
  FILE_HEADER: "The file's name and size, before its bytes.",
  FILE_DATA: 'Up to 16,383 bytes of the file, encrypted and authenticated like every record.',
  FILE_END: "The file's SHA-256 and the server's signature over it, bound to this session.",
  LIST_RESPONSE: 'Names and sizes of the files in the public folder.',
  'alert close_notify': 'The sender is done and closes cleanly; anything after it is ignored.',
};

export function explainMessage(message: string): string {
  if (MESSAGES[message] !== undefined) return MESSAGES[message]!;
  if (message.startsWith('alert ')) {
    return `An alert (${message.slice(6)}): at fatal level the sender stops the session and says why in its reason; a warning is noted and the session goes on.`;
  }
  if (message.startsWith('encrypted')) return 'An encrypted record: without the session keys its content cannot be read, and without the MAC key it cannot be changed unnoticed.';
  return 'A record on the wire.';
}

// Integration tests for the private mail lab (test/lab): every port speaks its protocol, mail really flows, the corpus
// loads, and stop() leaves nothing behind. These run real Dovecot and Postfix, so they need root and the Debian packages.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { existsSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { ImapFlow } from 'imapflow';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import { generateCorpus, loadCorpus } from '../lab/corpus';
import type { Lab, LabUser } from '../lab/lab';
import { labProcesses, startLab } from '../lab/lab';

/** Upper bound for one protocol exchange (connect, greeting, a command). */
const PROTOCOL_TIMEOUT_MS = 10_000;
/** Upper bound for a message to travel submission → Postfix → LMTP → Dovecot. */
const DELIVERY_TIMEOUT_MS = 20_000;
const POLL_INTERVAL_MS = 100;

let lab: Lab;

function user(name: string): LabUser {
  const found = lab.users.find((candidate) => candidate.name === name);
  assert.ok(found, `lab user ${name} exists`);
  return found;
}

function imapClient(name: string, mode: 'imaps' | 'starttls'): ImapFlow {
  const account = user(name);
  return new ImapFlow({
    host: lab.host,
    port: mode === 'imaps' ? lab.ports.imaps : lab.ports.imap,
    secure: mode === 'imaps',
    doSTARTTLS: mode === 'starttls' ? true : undefined,
    tls: { ca: [lab.caPem], servername: lab.servername },
    auth: { user: account.name, pass: account.password },
    logger: false,
    connectionTimeout: PROTOCOL_TIMEOUT_MS,
    greetingTimeout: PROTOCOL_TIMEOUT_MS,
    socketTimeout: 60_000,
  });
}

async function withImap<T>(name: string, work: (client: ImapFlow) => Promise<T>, mode: 'imaps' | 'starttls' = 'imaps'): Promise<T> {
  const client = imapClient(name, mode);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.logout().catch(() => client.close());
  }
}

/** STATUS of a folder; imapflow types a failed STATUS as `false`, which fails the test here. */
async function status(client: ImapFlow, folder: string): Promise<{ messages: number; unseen: number }> {
  const result = await client.status(folder, { messages: true, unseen: true });
  assert.ok(result, `STATUS ${folder} succeeded`);
  return { messages: result.messages ?? 0, unseen: result.unseen ?? 0 };
}

/** Current number of messages in a folder. */
function messageCount(name: string, folder: string): Promise<number> {
  return withImap(name, async (client) => (await status(client, folder)).messages);
}

/** Polls STATUS until `folder` of `name` holds at least `count` messages; bounded by DELIVERY_TIMEOUT_MS. */
async function waitForMessages(name: string, folder: string, count: number): Promise<number> {
  return withImap(name, async (client) => {
    const deadline = Date.now() + DELIVERY_TIMEOUT_MS;
    for (;;) {
      const { messages } = await status(client, folder);
      if (messages >= count) return messages;
      if (Date.now() > deadline) assert.fail(`${folder} of ${name} had ${messages} messages after ${DELIVERY_TIMEOUT_MS} ms, expected ${count}; see ${lab.stateDir}/postfix/postfix.log`);
      await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
    }
  });
}

/** A minimal line-oriented client for POP3 over a plain or TLS socket, with a timeout on every read. */
class LineClient {
  private buffer = '';
  private waiting: ((line: string) => void) | undefined;
  private failure: Error | undefined;

  constructor(public socket: net.Socket) {
    this.attach(socket);
  }

  private attach(socket: net.Socket): void {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      this.deliver();
    });
    socket.on('error', (error) => {
      this.failure = error;
    });
  }

  private deliver(): void {
    const end = this.buffer.indexOf('\r\n');
    if (end < 0 || !this.waiting) return;
    const line = this.buffer.slice(0, end);
    this.buffer = this.buffer.slice(end + 2);
    const resolve = this.waiting;
    this.waiting = undefined;
    resolve(line);
  }

  readLine(): Promise<string> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no line within ${PROTOCOL_TIMEOUT_MS} ms (buffer ${JSON.stringify(this.buffer)})`)), PROTOCOL_TIMEOUT_MS);
      this.waiting = (line) => {
        clearTimeout(timer);
        resolve(line);
      };
      this.deliver();
    });
  }

  async command(line: string): Promise<string> {
    this.socket.write(`${line}\r\n`);
    return this.readLine();
  }

  /** STLS: hands the plain socket to TLS and continues on the encrypted one. */
  async upgrade(): Promise<void> {
    const plain = this.socket;
    plain.removeAllListeners('data');
    const secure = await new Promise<tls.TLSSocket>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('TLS handshake timed out')), PROTOCOL_TIMEOUT_MS);
      const upgraded = tls.connect({ socket: plain, ca: lab.caPem, servername: lab.servername }, () => {
        clearTimeout(timer);
        resolve(upgraded);
      });
      upgraded.once('error', reject);
    });
    this.socket = secure;
    this.attach(secure);
  }

  close(): void {
    this.socket.destroy();
  }
}

function connect(port: number, secure: boolean): Promise<LineClient> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`connect to ${port} timed out`)), PROTOCOL_TIMEOUT_MS);
    const done = (socket: net.Socket): void => {
      clearTimeout(timer);
      resolve(new LineClient(socket));
    };
    const socket: net.Socket = secure
      ? tls.connect({ host: lab.host, port, ca: lab.caPem, servername: lab.servername }, () => done(socket))
      : net.connect({ host: lab.host, port }, () => done(socket));
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

function pgrep(pattern: string): Promise<string> {
  return new Promise((resolve) => execFile('pgrep', ['-f', pattern], (_error, stdout) => resolve(String(stdout).trim())));
}

describe('mail lab', { timeout: 180_000 }, () => {
  before(async () => {
    lab = await startLab();
  });

  after(async () => {
    await lab?.stop();
  });

  it('starts on loopback with a usable certificate and the default users', () => {
    assert.equal(lab.host, '127.0.0.1');
    assert.equal(lab.servername, 'localhost');
    assert.match(lab.caPem, /-----BEGIN CERTIFICATE-----/);
    assert.ok(existsSync(lab.caFile));
    const certificate = new X509Certificate(lab.caPem);
    assert.ok(certificate.ca, 'the certificate is its own CA');
    assert.match(certificate.subjectAltName ?? '', /DNS:localhost/);
    assert.match(certificate.subjectAltName ?? '', /IP Address:127\.0\.0\.1/);
    assert.deepEqual(lab.users.map((u) => u.name).sort(), ['alice', 'bob', 'carol', 'sink']);
    assert.equal(new Set(Object.values(lab.ports)).size, 7, 'seven distinct ports');
    for (const port of Object.values(lab.ports)) assert.ok(port > 1024, `port ${port} is a high port`);
  });

  it('logs in over IMAPS and lists special-use folders with "/" as separator', async () => {
    await withImap('alice', async (client) => {
      assert.equal(client.secureConnection, true);
      assert.ok(client.capabilities.has('CONDSTORE') && client.capabilities.has('QRESYNC'), 'CONDSTORE and QRESYNC are advertised');
      const folders = await client.list();
      const specialUse = Object.fromEntries(folders.filter((folder) => folder.specialUse).map((folder) => [folder.specialUse, folder.path]));
      assert.deepEqual(specialUse, { '\\Inbox': 'INBOX', '\\Sent': 'Sent', '\\Drafts': 'Drafts', '\\Trash': 'Trash', '\\Junk': 'Junk', '\\Archive': 'Archive' });
      for (const folder of folders) assert.equal(folder.delimiter, '/');
    });
  });

  it('upgrades the plain IMAP port with STARTTLS before logging in', async () => {
    await withImap(
      'bob',
      async (client) => {
        assert.equal(client.secureConnection, true, 'the session was upgraded to TLS');
        assert.ok(!client.capabilities.has('STARTTLS'), 'STARTTLS is no longer offered after the upgrade');
        const folders = await client.list();
        assert.ok(folders.some((folder) => folder.specialUse === '\\Sent'));
      },
      'starttls',
    );
  });

  it('accepts cleartext logins on the plain ports, so refusing them is up to the client', async () => {
    const carol = user('carol');
    const client = new ImapFlow({
      host: lab.host,
      port: lab.ports.imap,
      secure: false,
      doSTARTTLS: false,
      auth: { user: carol.name, pass: carol.password },
      logger: false,
      connectionTimeout: PROTOCOL_TIMEOUT_MS,
      greetingTimeout: PROTOCOL_TIMEOUT_MS,
      socketTimeout: 60_000,
    });
    await client.connect();
    try {
      assert.equal(client.secureConnection, false);
      assert.ok(client.authenticated, 'LOGIN in the clear succeeded');
    } finally {
      await client.logout();
    }
    const pop3 = await connect(lab.ports.pop3, false);
    try {
      assert.match(await pop3.readLine(), /^\+OK/);
      assert.match(await pop3.command(`USER ${carol.name}`), /^\+OK/);
      assert.match(await pop3.command(`PASS ${carol.password}`), /^\+OK/);
      assert.match(await pop3.command('QUIT'), /^\+OK/);
    } finally {
      pop3.close();
    }
  });

  it('speaks POP3 over implicit TLS, over STLS, and with APOP', async () => {
    const alice = user('alice');
    const secure = await connect(lab.ports.pop3s, true);
    try {
      assert.match(await secure.readLine(), /^\+OK/);
      assert.match(await secure.command(`USER ${alice.name}`), /^\+OK/);
      assert.match(await secure.command(`PASS ${alice.password}`), /^\+OK/);
      assert.match(await secure.command('STAT'), /^\+OK \d+ \d+$/);
      assert.match(await secure.command('QUIT'), /^\+OK/);
    } finally {
      secure.close();
    }

    const plain = await connect(lab.ports.pop3, false);
    try {
      const greeting = await plain.readLine();
      const timestamp = /<[^>]+>/.exec(greeting)?.[0];
      assert.ok(timestamp, `the greeting carries an APOP timestamp: ${greeting}`);
      const digest = createHash('md5').update(timestamp + alice.password).digest('hex');
      assert.match(await plain.command(`APOP ${alice.name} ${digest}`), /^\+OK/);
      assert.match(await plain.command('QUIT'), /^\+OK/);
    } finally {
      plain.close();
    }

    const upgraded = await connect(lab.ports.pop3, false);
    try {
      assert.match(await upgraded.readLine(), /^\+OK/);
      assert.match(await upgraded.command('STLS'), /^\+OK/);
      await upgraded.upgrade();
      assert.match(await upgraded.command(`USER ${alice.name}`), /^\+OK/);
      assert.match(await upgraded.command(`PASS ${alice.password}`), /^\+OK/);
      assert.match(await upgraded.command('QUIT'), /^\+OK/);
    } finally {
      upgraded.close();
    }
  });

  it('delivers a message sent over submission (STARTTLS + AUTH) into the recipient INBOX', async () => {
    const alice = user('alice');
    const bob = user('bob');
    const before = await messageCount('bob', 'INBOX');
    const transport = nodemailer.createTransport({
      host: lab.host,
      port: lab.ports.submission,
      secure: false,
      requireTLS: true,
      tls: { ca: [lab.caPem], servername: lab.servername },
      auth: { user: alice.name, pass: alice.password },
      connectionTimeout: PROTOCOL_TIMEOUT_MS,
      greetingTimeout: PROTOCOL_TIMEOUT_MS,
      socketTimeout: PROTOCOL_TIMEOUT_MS,
    });
    const subject = `Lab delivery ${Date.now()} – ünïcödé`;
    try {
      const info = await transport.sendMail({
        from: alice.email,
        to: bob.email,
        subject,
        text: 'Hello Bob, see the attachment.',
        attachments: [{ filename: 'data.bin', content: Buffer.from([0, 1, 2, 3, 254, 255]) }],
      });
      assert.deepEqual(info.accepted, [bob.email]);
    } finally {
      transport.close();
    }
    await waitForMessages('bob', 'INBOX', before + 1);
    await withImap('bob', async (client) => {
      const lock = await client.getMailboxLock('INBOX');
      try {
        const message = await client.fetchOne('*', { source: true });
        assert.ok(message && message.source, 'the newest message can be fetched');
        const parsed = await simpleParser(message.source);
        assert.equal(parsed.subject, subject);
        assert.equal(parsed.attachments.length, 1);
        assert.deepEqual([...(parsed.attachments[0]?.content ?? [])], [0, 1, 2, 3, 254, 255]);
      } finally {
        lock.release();
      }
    });
  });

  it('refuses AUTH on submission before STARTTLS, and sends outside addresses to the sink', async () => {
    const alice = user('alice');
    const cleartext = nodemailer.createTransport({
      host: lab.host,
      port: lab.ports.submission,
      secure: false,
      ignoreTLS: true,
      auth: { user: alice.name, pass: alice.password },
      connectionTimeout: PROTOCOL_TIMEOUT_MS,
      greetingTimeout: PROTOCOL_TIMEOUT_MS,
      socketTimeout: PROTOCOL_TIMEOUT_MS,
    });
    try {
      await assert.rejects(cleartext.sendMail({ from: alice.email, to: user('bob').email, subject: 'never', text: 'never' }), /530 5\.7\.0 Must issue a STARTTLS command first/);
    } finally {
      cleartext.close();
    }

    const before = await messageCount('sink', 'INBOX');
    const smtps = nodemailer.createTransport({
      host: lab.host,
      port: lab.ports.smtps,
      secure: true,
      tls: { ca: [lab.caPem], servername: lab.servername },
      auth: { user: alice.email, pass: alice.password },
      connectionTimeout: PROTOCOL_TIMEOUT_MS,
      greetingTimeout: PROTOCOL_TIMEOUT_MS,
      socketTimeout: PROTOCOL_TIMEOUT_MS,
    });
    try {
      const info = await smtps.sendMail({ from: alice.email, to: 'someone@example.com', subject: 'to the outside world', text: 'stays in the lab' });
      assert.deepEqual(info.accepted, ['someone@example.com']);
    } finally {
      smtps.close();
    }
    await waitForMessages('sink', 'INBOX', before + 1);
  });

  it('accepts local mail on the plain SMTP port without AUTH, like an MX, and rejects relaying and unknown users', async () => {
    const transport = nodemailer.createTransport({
      host: lab.host,
      port: lab.ports.smtp,
      secure: false,
      ignoreTLS: true,
      connectionTimeout: PROTOCOL_TIMEOUT_MS,
      greetingTimeout: PROTOCOL_TIMEOUT_MS,
      socketTimeout: PROTOCOL_TIMEOUT_MS,
    });
    const before = await messageCount('carol', 'INBOX');
    try {
      const info = await transport.sendMail({ from: 'stranger@example.com', to: user('carol').email, subject: 'hello over port 25', text: 'hi' });
      assert.deepEqual(info.accepted, [user('carol').email]);
      await assert.rejects(transport.sendMail({ from: 'stranger@example.com', to: 'someone@example.com', subject: 'relay?', text: 'no' }), /Relay access denied/);
      await assert.rejects(transport.sendMail({ from: 'stranger@example.com', to: 'nobody@maillab.test', subject: 'who?', text: 'no' }), /User unknown/);
    } finally {
      transport.close();
    }
    await waitForMessages('carol', 'INBOX', before + 1);
  });

  it('loads a corpus directly into maildirs and IMAP STATUS sees every message and flag', async () => {
    await lab.resetUser('carol');
    const carol = user('carol');
    // loadCorpus makes the lab user the owner; the same options regenerate the same messages for comparison.
    const options = { seed: 2024, count: 500, owner: { name: 'Carol', email: carol.email } };
    const result = await loadCorpus(lab, 'carol', options);
    assert.equal(result.count, 500);
    assert.equal(Object.values(result.byFolder).reduce((sum, n) => sum + n, 0), 500);
    assert.ok(Object.keys(result.byFolder).length >= 5);
    const expected = [...generateCorpus(options)];
    await withImap('carol', async (client) => {
      const paths = new Set((await client.list()).map((folder) => folder.path));
      for (const [folder, count] of Object.entries(result.byFolder)) {
        assert.ok(paths.has(folder), `LIST shows ${folder}`);
        const unseen = expected.filter((message) => message.folder === folder && !message.flags.includes('\\Seen')).length;
        assert.deepEqual(await status(client, folder), { messages: count, unseen }, `STATUS of ${folder}`);
      }
      const lock = await client.getMailboxLock('INBOX');
      try {
        const inbox = expected.filter((message) => message.folder === 'INBOX');
        const flagged = (await client.search({ flagged: true }, { uid: true })) || [];
        assert.equal(flagged.length, inbox.filter((message) => message.flags.includes('\\Flagged')).length, 'flagged messages');
        const newest = await client.fetchOne('*', { envelope: true, internalDate: true });
        const last = inbox[inbox.length - 1];
        assert.ok(newest && last);
        assert.equal(newest.envelope?.messageId, last.messageId, 'UID order follows the corpus order');
        assert.equal(new Date(newest.internalDate ?? 0).getTime(), last.internalDate.getTime(), 'INTERNALDATE is the file time');
      } finally {
        lock.release();
      }
    });
    await lab.resetUser('carol');
    await withImap('carol', async (client) => {
      assert.equal((await status(client, 'INBOX')).messages, 0, 'resetUser empties the mailbox');
      const folders = (await client.list()).map((folder) => folder.path);
      assert.ok(!folders.includes('Archive/2024'), 'resetUser removes folders');
    });
  });

  it('creates non-ASCII nested folders on request', async () => {
    const dir = await lab.folderDir('bob', 'Ünïcode/Привет');
    assert.ok(existsSync(`${dir}/cur`) && existsSync(`${dir}/new`) && existsSync(`${dir}/tmp`));
    await withImap('bob', async (client) => {
      const folder = (await client.list()).find((entry) => entry.path === 'Ünïcode/Привет');
      assert.ok(folder, 'the folder is listed under its Unicode name');
      assert.equal(folder.subscribed, true);
    });
  });

  it('stops without leaving a process behind', async () => {
    // A second lab, so stopping it does not disturb the shared one.
    const second = await startLab();
    const { stateDir } = second;
    assert.ok((await labProcesses(stateDir)).length >= 5, 'the lab runs several processes');
    assert.notEqual(await pgrep(stateDir), '', 'pgrep -f finds the running lab');
    await second.stop();
    assert.deepEqual(await labProcesses(stateDir), []);
    assert.equal(await pgrep(stateDir), '', 'pgrep -f finds nothing after stop');
    assert.ok(!existsSync(stateDir), 'the state directory is removed');
  });
});

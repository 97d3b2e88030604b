// The POP3 client against the lab's Dovecot: POP3S with SASL PLAIN, STLS on the plain port, APOP over plaintext,
// every mailbox command byte for byte, deletions applied only at QUIT, and fail-closed STLS behind a stripping proxy.

import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ImapFlow } from 'imapflow';
import { HeronError } from '../../shared/errors';
import type { IncomingSettings, Security } from '../../shared/model';
import type { PinnedCertificate } from '../../src-main/engine/accounts';
import { openPop3, type Pop3Session } from '../../src-main/pop3/client';
import { startFaultProxy } from '../lab/fault-proxy';
import { startLab, type Lab, type LabUser } from '../lab/lab';

let lab: Lab;
let pinned: PinnedCertificate;

/** Three messages as appended: plain; lines that start with '.' (one is a lone '.') plus 8-bit bytes; one big with a long line. */
const MESSAGES = [
  Buffer.from('From: carol@maillab.test\r\nTo: bob@maillab.test\r\nSubject: first\r\nMessage-ID: <first@test>\r\n\r\nHello Bob.\r\n'),
  Buffer.from(
    'From: carol@maillab.test\r\nTo: bob@maillab.test\r\nSubject: dots\r\nMessage-ID: <dots@test>\r\n\r\n' +
      '.\r\n..\r\n.leading dot\r\nmiddle . dot\r\n...three\r\nGr\xfc\xdfe \xe9t\xe9\r\n.\r\nlast line\r\n',
    'latin1',
  ),
  Buffer.concat([
    Buffer.from('From: carol@maillab.test\r\nTo: bob@maillab.test\r\nSubject: big\r\nMessage-ID: <big@test>\r\n\r\n'),
    Buffer.from(`${'y'.repeat(200_000)}\r\n`),
    Buffer.from(Array.from({ length: 5000 }, (_, n) => `line ${n} of the big one\r\n`).join('')),
  ]),
];

function user(name: string): LabUser {
  const found = lab.users.find((u) => u.name === name);
  assert.ok(found);
  return found;
}

function settings(name: string, security: Security, port: number): IncomingSettings {
  return { protocol: 'pop3', host: lab.host, port, security, username: name };
}

function open(name: string, security: Security = 'tls', port = lab.ports.pop3s, password = user(name).password): Promise<Pop3Session> {
  return openPop3(settings(name, security, port), password, pinned);
}

/** Empties a user's mailbox and appends `messages` to INBOX over IMAP, in order (POP3 numbers them 1, 2, …). */
async function fill(name: string, messages: Buffer[]): Promise<void> {
  await lab.resetUser(name);
  const client = new ImapFlow({
    host: lab.host,
    port: lab.ports.imaps,
    secure: true,
    auth: { user: name, pass: user(name).password },
    tls: { ca: [lab.caPem], servername: lab.servername },
    logger: false,
  });
  await client.connect();
  try {
    for (const message of messages) await client.append('INBOX', message);
  } finally {
    await client.logout();
  }
}

/** The header block, blank line included: what TOP n 0 returns. */
function headersOf(message: Buffer): Buffer {
  return message.subarray(0, message.indexOf('\r\n\r\n') + 4);
}

async function rejectsWith(work: Promise<unknown>, code: string): Promise<HeronError> {
  let caught: unknown;
  await assert.rejects(work, (error: unknown) => ((caught = error), true));
  assert.ok(caught instanceof HeronError, `expected a HeronError, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  return caught;
}

before(async () => {
  lab = await startLab();
  pinned = { fingerprint256: new X509Certificate(lab.caPem).fingerprint256, pem: lab.caPem };
});

after(async () => {
  await lab?.stop();
});

describe('POP3 client against the lab', () => {
  it('logs in over POP3S with SASL PLAIN and reads CAPA after login', async () => {
    const session = await open('alice');
    try {
      assert.equal(session.encrypted, true);
      assert.equal(session.authMethod, 'sasl-plain');
      assert.ok(session.capabilities.includes('UIDL'), session.capabilities.join(', '));
      assert.ok(!session.capabilities.includes('STLS'), 'no STLS offered inside TLS');
    } finally {
      await session.quit();
    }
  });

  it('upgrades the plain port with STLS before saying anything else, then logs in over TLS', async () => {
    const proxy = await startFaultProxy({ target: { host: lab.host, port: lab.ports.pop3 } });
    try {
      const session = await open('alice', 'starttls', proxy.port);
      assert.equal(session.encrypted, true);
      assert.equal(session.authMethod, 'sasl-plain');
      await session.quit();
      const sent = proxy.clientSent()[0] ?? Buffer.alloc(0);
      const plaintext = 'CAPA\r\nSTLS\r\n';
      assert.equal(sent.subarray(0, plaintext.length).toString('latin1'), plaintext);
      assert.equal(sent[plaintext.length], 0x16, 'a TLS handshake follows at once');
    } finally {
      await proxy.close();
    }
  });

  it('uses APOP over plaintext, so neither the password nor PASS or AUTH crosses the wire', async () => {
    const proxy = await startFaultProxy({ target: { host: lab.host, port: lab.ports.pop3 } });
    try {
      const session = await open('alice', 'none', proxy.port);
      assert.equal(session.encrypted, false);
      assert.equal(session.authMethod, 'apop');
      await session.quit();
      const sent = Buffer.concat(proxy.clientSent()).toString('latin1');
      assert.match(sent, /^APOP alice [0-9a-f]{32}\r\n/m);
      assert.doesNotMatch(sent, /^(PASS|AUTH|USER)\b/im, sent);
      assert.ok(!sent.includes(user('alice').password));
    } finally {
      await proxy.close();
    }
  });

  it('returns with STAT, LIST, UIDL, TOP and RETR exactly what was appended', async () => {
    await fill('bob', MESSAGES);
    const session = await open('bob');
    try {
      const total = MESSAGES.reduce((sum, message) => sum + message.length, 0);
      assert.deepEqual(await session.stat(), { count: 3, size: total });
      assert.deepEqual([...(await session.list())], MESSAGES.map((message, i) => [i + 1, message.length]));
      const uids = await session.uidl();
      assert.deepEqual([...uids.keys()], [1, 2, 3]);
      assert.equal(new Set(uids.values()).size, 3, 'unique ids');
      for (const [i, message] of MESSAGES.entries()) assert.ok((await session.retr(i + 1)).equals(message), `message ${i + 1} byte for byte`);
      assert.ok((await session.top(2, 0)).equals(headersOf(MESSAGES[1] as Buffer)));
      assert.equal((await session.top(2, 3)).toString('latin1'), `${headersOf(MESSAGES[1] as Buffer).toString('latin1')}.\r\n..\r\n.leading dot\r\n`);
      await session.quit();
      const again = await open('bob');
      assert.deepEqual(await again.uidl(), uids, 'the same ids in the next session');
      await again.quit();
    } finally {
      session.close();
    }
  });

  it('keeps a DELEted message when the session is dropped without QUIT', async () => {
    await fill('bob', MESSAGES.slice(0, 2));
    const session = await open('bob');
    await session.dele(1);
    assert.deepEqual(await session.stat(), { count: 1, size: MESSAGES[1]?.length }, 'marked within the session');
    session.close();
    const next = await open('bob');
    try {
      assert.equal((await next.stat()).count, 2);
      assert.ok((await next.retr(1)).equals(MESSAGES[0] as Buffer));
    } finally {
      await next.quit();
    }
  });

  it('deletes a DELEted message at QUIT', async () => {
    await fill('bob', MESSAGES.slice(0, 2));
    const session = await open('bob');
    const uids = await session.uidl();
    await session.dele(1);
    await session.quit();
    const next = await open('bob');
    try {
      assert.deepEqual([...(await next.uidl()).values()], [uids.get(2)]);
    } finally {
      await next.quit();
    }
  });

  it('undoes DELE with RSET', async () => {
    await fill('bob', MESSAGES.slice(0, 2));
    const session = await open('bob');
    await session.dele(2);
    await session.rset();
    assert.equal((await session.stat()).count, 2);
    await session.quit();
    const next = await open('bob');
    try {
      assert.equal((await next.stat()).count, 2);
    } finally {
      await next.quit();
    }
  });

  it('says server-rejected, in the server words, for a message number that does not exist', async () => {
    await fill('bob', MESSAGES.slice(0, 1));
    const session = await open('bob');
    try {
      const error = await rejectsWith(session.retr(9), 'server-rejected');
      assert.equal((error.detail as { command?: string }).command, 'RETR 9');
      assert.equal((await session.stat()).count, 1, 'the session goes on');
    } finally {
      await session.quit();
    }
  });

  it('says auth-failed with the server words for a wrong password, over TLS and over APOP', async () => {
    for (const [security, port] of [['tls', lab.ports.pop3s], ['none', lab.ports.pop3]] as const) {
      const error = await rejectsWith(open('alice', security, port, 'wrong-password'), 'auth-failed');
      const detail = error.detail as { serverResponse?: string };
      assert.match(detail.serverResponse ?? '', /Authentication failed/i);
      assert.ok(!JSON.stringify({ message: error.message, detail }).includes('wrong-password'));
    }
  });

  it('refuses STLS that a proxy stripped from CAPA, before any credential', async () => {
    const proxy = await startFaultProxy({ target: { host: lab.host, port: lab.ports.pop3 }, stripCapabilities: ['STLS'] });
    try {
      await rejectsWith(open('alice', 'starttls', proxy.port), 'starttls-unavailable');
      await proxy.waitForClosed(1);
      const sent = Buffer.concat(proxy.clientSent()).toString('latin1');
      assert.equal(sent, 'CAPA\r\n');
      assert.ok(!sent.includes(user('alice').password));
    } finally {
      await proxy.close();
    }
  });

  it('maps an untrusted certificate and a closed port into Heron errors', async () => {
    await rejectsWith(openPop3(settings('alice', 'tls', lab.ports.pop3s), user('alice').password, null), 'certificate-untrusted');
    const proxy = await startFaultProxy({ target: { host: lab.host, port: lab.ports.pop3s } });
    const closedPort = proxy.port;
    await proxy.close();
    await rejectsWith(open('alice', 'tls', closedPort), 'connection-refused');
  });
});

// The POP3 client against misbehaving servers Dovecot will not imitate: a scripted POP3 peer on loopback plays each
// case byte for byte (bare LF, stuffed dots, missing terminator, silence, huge lines, garbage, injection after STLS).

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { HeronError } from '../../shared/errors';
import type { IncomingSettings, Security } from '../../shared/model';
import { openPop3, type Pop3OpenOptions } from '../../src-main/pop3/client';
import { makeHostileCertificate, startHostileServer, type HostileCertificate, type HostilePeer, type HostileServer } from '../support/hostile-server';

const PASSWORD = 'secret-pw';
/** The reply timeout for cases that wait it out: short, yet long enough for the scripted login before it on a busy machine. */
const SHORT_WAIT_MS = 200;

/** Greeting without an APOP timestamp, USER/PASS accepted, CAPA with UIDL: what a plain session starts with. */
async function login(peer: HostilePeer): Promise<void> {
  peer.send('+OK ready\r\n');
  await peer.answer('USER alice', '+OK\r\n');
  await peer.answer(`PASS ${PASSWORD}`, '+OK\r\n');
  await peer.answer('CAPA', '+OK\r\nUSER\r\nUIDL\r\n.\r\n');
}

let certificate: HostileCertificate;
let certificateDir: string;

before(async () => {
  certificateDir = await mkdtemp(path.join(os.tmpdir(), 'heron-pop3-'));
  certificate = await makeHostileCertificate(certificateDir, 'self-signed');
});

after(async () => {
  if (certificateDir) await rm(certificateDir, { recursive: true, force: true });
});

/** A loopback server playing `script`; `done` settles with the first connection's script (its assertions included). */
async function serve(t: TestContext, script: (peer: HostilePeer) => Promise<void>): Promise<HostileServer> {
  const server = await startHostileServer({ play: script, certificate });
  t.after(() => server.close());
  return server;
}

function settings(port: number, security: Security = 'none', username = 'alice'): IncomingSettings {
  return { protocol: 'pop3', host: '127.0.0.1', port, security, username };
}

function open(port: number, options: Pop3OpenOptions = {}, security: Security = 'none', username = 'alice') {
  return openPop3(settings(port, security, username), PASSWORD, security === 'none' ? null : certificate.pinned, options);
}

async function rejectsWith(work: Promise<unknown>, code: string): Promise<HeronError> {
  let caught: unknown;
  await assert.rejects(work, (error: unknown) => ((caught = error), true));
  assert.ok(caught instanceof HeronError, `expected a HeronError, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  assert.ok(!JSON.stringify({ message: caught.message, detail: caught.detail }).includes(PASSWORD), 'the password is in the error');
  return caught;
}

describe('POP3 client against scripted servers', () => {
  it('reads bare-LF replies, dot-unstuffs, keeps every other byte and accepts a data line of megabytes', async (t) => {
    const longLine = Buffer.alloc(3 * 1024 * 1024, 'x');
    const server = await serve(t, async (peer) => {
      peer.send('+OK hi\n');
      await peer.answer('USER alice', '+OK\n');
      await peer.answer(`PASS ${PASSWORD}`, '+OK\n');
      await peer.answer('CAPA', '+OK\nUIDL\n.\n');
      await peer.answer('STAT', '+OK 2 320\n');
      await peer.answer('LIST', '+OK 2 messages\n1 120\n2 200 extra words a server may add\n.\n');
      await peer.answer('UIDL', '+OK\r\n1 abc\n2 d\xe9f\r\n.\n');
      // Stuffed dots, a lone CR and 8-bit bytes inside lines, CRLF and LF mixed, sent a few bytes at a time.
      const retr = Buffer.from('+OK\r\nSubject: x\n\n..leading dot\r\n...two\n.x\na\rb\n\xff\x00\xe9\r\n.\r\n', 'latin1');
      assert.equal(await peer.next(), 'RETR 1');
      for (let at = 0; at < retr.length; at += 3) peer.send(retr.subarray(at, at + 3));
      assert.equal(await peer.next(), 'RETR 2');
      peer.send(Buffer.concat([Buffer.from('+OK\r\n\r\n'), longLine, Buffer.from('\r\n.\r\n')]));
      await peer.answer('TOP 1 0', '+OK\nSubject: x\n\n.\n');
    });
    const session = await open(server.port);
    try {
      assert.equal(session.authMethod, 'user-pass');
      assert.equal(session.encrypted, false);
      assert.deepEqual(session.capabilities, ['UIDL']);
      assert.deepEqual(await session.stat(), { count: 2, size: 320 });
      assert.deepEqual([...(await session.list())], [[1, 120], [2, 200]]);
      assert.deepEqual([...(await session.uidl())], [[1, 'abc'], [2, 'd\xe9f']]);
      const expected = Buffer.from('Subject: x\r\n\r\n.leading dot\r\n..two\r\nx\r\na\rb\r\n\xff\x00\xe9\r\n', 'latin1');
      assert.deepEqual(await session.retr(1), expected);
      assert.deepEqual(await session.retr(2), Buffer.concat([Buffer.from('\r\n'), longLine, Buffer.from('\r\n')]));
      assert.deepEqual(await session.top(1, 0), Buffer.from('Subject: x\r\n\r\n'));
      await server.done;
    } finally {
      session.close();
    }
  });

  it('fails with connection-lost when a reply has no terminator and the server closes, and stays failed', async (t) => {
    const server = await serve(t, async (peer) => {
      await login(peer);
      assert.equal(await peer.next(), 'RETR 1');
      peer.send('+OK\r\nSubject: cut short\r\n\r\nbody\r\n');
      peer.end();
    });
    const session = await open(server.port);
    await rejectsWith(session.retr(1), 'connection-lost');
    await rejectsWith(session.stat(), 'connection-lost');
    await server.done;
  });

  it('times out on a server that stops answering: at the login, and in the middle of a RETR', async (t) => {
    const silent = await serve(t, async (peer) => {
      peer.send('+OK ready\r\n');
      assert.equal(await peer.next(), 'USER alice');
      await peer.closedByClient();
    });
    await rejectsWith(open(silent.port, { replyTimeoutMs: SHORT_WAIT_MS }), 'timeout');
    const peer = await silent.done;
    assert.deepEqual(peer.commands, ['USER alice'], 'no password after the silence');

    const stalled = await serve(t, async (peer) => {
      await login(peer);
      assert.equal(await peer.next(), 'RETR 1');
      peer.send('+OK\r\nSubject: half\r\n');
      await peer.closedByClient();
    });
    const session = await open(stalled.port, { replyTimeoutMs: SHORT_WAIT_MS });
    await rejectsWith(session.retr(1), 'timeout');
    await stalled.done; // the client dropped the connection: the reply can no longer be told from the next one
  });

  it('refuses a status line far over the limit with protocol-error and drops the connection', async (t) => {
    const server = await serve(t, async (peer) => {
      peer.send(`+OK ${'x'.repeat(100_000)}`);
      await peer.closedByClient();
    });
    await rejectsWith(open(server.port), 'protocol-error');
    await server.done;
  });

  it('drops the connection when a RETR passes maxMessageBytes', async (t) => {
    const server = await serve(t, async (peer) => {
      await login(peer);
      assert.equal(await peer.next(), 'RETR 1');
      peer.send(`+OK\r\n${'a line of mail\r\n'.repeat(200)}.\r\n`);
      await peer.closedByClient();
    });
    const session = await open(server.port, { maxMessageBytes: 1000 });
    const error = await rejectsWith(session.retr(1), 'protocol-error');
    assert.match(error.message, /RETR 1.*1000 bytes/);
    await server.done;
    await rejectsWith(session.stat(), 'protocol-error');
  });

  it('says unsupported, with the reason, when the server answers UIDL with -ERR', async (t) => {
    const server = await serve(t, async (peer) => {
      await login(peer);
      await peer.answer('UIDL', '-ERR unknown command\r\n');
      await peer.answer('STAT', '+OK 0 0\r\n');
    });
    const session = await open(server.port);
    try {
      const error = await rejectsWith(session.uidl(), 'unsupported');
      assert.match(error.message, /UIDL/);
      assert.match(error.message, /twice/);
      assert.deepEqual(await session.stat(), { count: 0, size: 0 }, 'the session goes on');
      await server.done;
    } finally {
      session.close();
    }
  });

  it('says protocol-error for a garbage status line, at the greeting and after a command', async (t) => {
    const greeting = await serve(t, async (peer) => {
      peer.send('* OK IMAP4rev1 ready\r\n');
      await peer.closedByClient();
    });
    await rejectsWith(open(greeting.port), 'protocol-error');
    await greeting.done;

    const reply = await serve(t, async (peer) => {
      await login(peer);
      await peer.answer('DELE 1', '+OKAY\r\n');
      await peer.closedByClient();
    });
    const session = await open(reply.port);
    await rejectsWith(session.dele(1), 'protocol-error');
    await reply.done;
  });

  it('discards what the server sent after its STLS +OK, asks CAPA again over TLS, and logs in by what that says', async (t) => {
    const server = await serve(t, async (peer) => {
      peer.send('+OK ready\r\n');
      await peer.answer('CAPA', '+OK\r\nSTLS\r\nUSER\r\n.\r\n');
      // An injected CAPA answer riding behind the +OK, before encryption: believed, it would switch the login to SASL.
      await peer.answer('STLS', '+OK begin TLS\r\n+OK\r\nSASL PLAIN\r\nIMPLEMENTATION injected\r\n.\r\n');
      await peer.startTls();
      await peer.answer('CAPA', '+OK\r\nUSER\r\n.\r\n');
      await peer.answer('USER alice', '+OK\r\n');
      await peer.answer(`PASS ${PASSWORD}`, '+OK\r\n');
      await peer.answer('CAPA', '+OK\r\nUSER\r\nUIDL\r\n.\r\n');
    });
    const session = await open(server.port, {}, 'starttls');
    try {
      assert.equal(session.encrypted, true);
      assert.equal(session.authMethod, 'user-pass');
      assert.deepEqual(session.capabilities, ['USER', 'UIDL']);
      const peer = await server.done;
      assert.deepEqual(peer.commands, ['CAPA', 'STLS', 'CAPA', 'USER alice', `PASS ${PASSWORD}`, 'CAPA']);
    } finally {
      session.close();
    }
  });

  it('writes no credential when STLS is not offered, or is refused', async (t) => {
    const missing = await serve(t, async (peer) => {
      peer.send('+OK ready\r\n');
      await peer.answer('CAPA', '+OK\r\nUSER\r\nSASL PLAIN\r\n.\r\n');
      await peer.closedByClient();
    });
    await rejectsWith(open(missing.port, {}, 'starttls'), 'starttls-unavailable');
    assert.deepEqual((await missing.done).commands, ['CAPA']);

    const refused = await serve(t, async (peer) => {
      peer.send('+OK ready\r\n');
      await peer.answer('CAPA', '+OK\r\nSTLS\r\n.\r\n');
      await peer.answer('STLS', '-ERR not now\r\n');
      await peer.closedByClient();
    });
    const error = await rejectsWith(open(refused.port, {}, 'starttls'), 'starttls-unavailable');
    assert.deepEqual(error.detail, { serverResponse: 'not now' });
    assert.deepEqual((await refused.done).commands, ['CAPA', 'STLS']);
  });

  it('sends SASL PLAIN as a continuation when the credentials would make AUTH longer than 255 octets', async (t) => {
    const username = `a-very-long-user-name-${'x'.repeat(200)}`;
    let payload = '';
    const server = await serve(t, async (peer) => {
      await peer.startTls();
      peer.send('+OK ready\r\n');
      await peer.answer('CAPA', '+OK\r\nSASL PLAIN LOGIN\r\n.\r\n');
      await peer.answer('AUTH PLAIN', '+ \r\n');
      payload = (await peer.next()) ?? '';
      peer.send('+OK logged in\r\n');
      await peer.answer('CAPA', '+OK\r\nUIDL\r\n.\r\n');
    });
    const session = await open(server.port, {}, 'tls', username);
    try {
      assert.equal(session.authMethod, 'sasl-plain');
      await server.done;
      assert.equal(Buffer.from(payload, 'base64').toString('utf8'), `\0${username}\0${PASSWORD}`);
    } finally {
      session.close();
    }
  });

  it('tells a wrong password (auth-failed) from a busy mailbox (server-rejected), in the server words', async (t) => {
    for (const [reply, code] of [
      [`-ERR [AUTH] Authentication failed for ${PASSWORD}.`, 'auth-failed'],
      ['-ERR [IN-USE] Mailbox is locked by another session', 'server-rejected'],
    ] as const) {
      const server = await serve(t, async (peer) => {
        peer.send('+OK ready\r\n');
        await peer.answer('USER alice', '+OK\r\n');
        await peer.answer(`PASS ${PASSWORD}`, `${reply}\r\n`);
        await peer.closedByClient();
      });
      const error = await rejectsWith(open(server.port), code);
      assert.deepEqual(error.detail, { serverResponse: reply.slice(5).replace(PASSWORD, '<redacted>'), command: 'PASS' });
      await server.done;
    }
  });

  it('writes nothing for a user name with a line break in it', async (t) => {
    const server = await serve(t, async (peer) => {
      peer.send('+OK ready\r\n');
      await peer.closedByClient();
    });
    await rejectsWith(open(server.port, {}, 'none', 'alice\r\nDELE 1'), 'invalid-input');
    assert.deepEqual((await server.done).commands, []);
  });

  it('rejects quit() when the server answers -ERR or not at all', async (t) => {
    const refused = await serve(t, async (peer) => {
      await login(peer);
      await peer.answer('QUIT', '-ERR some deleted messages not removed\r\n');
      await peer.closedByClient();
    });
    const session = await open(refused.port);
    const error = await rejectsWith(session.quit(), 'server-rejected');
    assert.deepEqual(error.detail, { serverResponse: 'some deleted messages not removed', command: 'QUIT' });
    await refused.done;

    const silent = await serve(t, async (peer) => {
      await login(peer);
      assert.equal(await peer.next(), 'QUIT');
      await peer.closedByClient();
    });
    await rejectsWith((await open(silent.port, { replyTimeoutMs: SHORT_WAIT_MS })).quit(), 'timeout');
    await silent.done;
  });
});

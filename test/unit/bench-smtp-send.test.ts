// The SMTP send benchmark's pure parts: msmtp's private config and exit codes, the generated messages, counting
// submission connections in Postfix's log, and the second ratio row (Heron vs msmtp) beside the floor's.

import assert from 'node:assert/strict';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { SEND_TEXT_BYTES, sendMessages, smtpSend } from '../../bench/benchmarks/smtp-send';
import type { BenchmarkDefinition } from '../../bench/benchmarks/types';
import { MSMTP_ACCOUNT, msmtpConfig, msmtpQuote, runMsmtp } from '../../bench/msmtp';
import { buildResults, HERON } from '../../bench/report';
import { countSubmissionConnections } from '../../bench/smtp-sink';

const config = {
  host: '127.0.0.1',
  port: 10587,
  security: 'starttls' as const,
  servername: 'localhost',
  trustFile: '/tmp/lab/tls/cert.pem',
  user: 'alice',
  password: 'pa"ss #word',
  from: 'alice@maillab.test',
};

describe('msmtp config', () => {
  const lines = msmtpConfig(config).split('\n');

  it('defines the one account the command line names, with STARTTLS on a submission port, the lab CA and AUTH', () => {
    for (const line of [
      `account ${MSMTP_ACCOUNT}`, 'host "127.0.0.1"', 'port 10587', 'tls on', 'tls_starttls on', 'tls_trust_file "/tmp/lab/tls/cert.pem"',
      'tls_host_override "localhost"', 'auth on', 'user "alice"', 'from "alice@maillab.test"',
    ]) assert.ok(lines.includes(line), line);
    assert.ok(!lines.some((line) => line.startsWith('passwordeval')));
  });

  it('turns STARTTLS off for implicit TLS', () => {
    assert.ok(msmtpConfig({ ...config, security: 'tls' }).split('\n').includes('tls_starttls off'));
  });

  it('keeps logging off whatever a system-wide config says', () => {
    for (const line of ['logfile', 'syslog off']) assert.ok(lines.includes(line), line);
  });

  it('writes values literally between quotes, as msmtp reads them, and refuses what it cannot read back', () => {
    assert.ok(lines.includes('password "pa"ss #word"'));
    assert.equal(msmtpQuote(' edge '), '" edge "');
    assert.throws(() => msmtpQuote('a\nb'), /line breaks/);
    assert.throws(() => msmtpQuote(''), /empty/);
  });
});

describe('running msmtp', () => {
  /** A stand-in msmtp: records its arguments and stdin, then exits with the given code. */
  async function fakeMsmtp(dir: string, exitCode: number): Promise<string> {
    const file = path.join(dir, `fake-msmtp-${exitCode}`);
    await writeFile(file, `#!/bin/sh\nprintf '%s\\n' "$@" > "${dir}/args"\ncat > "${dir}/stdin"\necho "msmtp: server message: 535 auth failed" >&2\nexit ${exitCode}\n`);
    await chmod(file, 0o755);
    return file;
  }

  it('feeds the message on stdin with the recipient on the command line, and resolves on exit 0', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'heron-bench-msmtp-test-'));
    try {
      await runMsmtp(await fakeMsmtp(dir, 0), '/tmp/msmtprc', 'sink@maillab.test', Buffer.from('Subject: hi\r\n\r\nbody\r\n'));
      assert.deepEqual((await readFile(path.join(dir, 'args'), 'utf8')).trim().split('\n'), ['-C', '/tmp/msmtprc', '-a', MSMTP_ACCOUNT, '--', 'sink@maillab.test']);
      assert.equal(await readFile(path.join(dir, 'stdin'), 'utf8'), 'Subject: hi\r\n\r\nbody\r\n');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rejects with the exit code and msmtp own words otherwise', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'heron-bench-msmtp-test-'));
    try {
      await assert.rejects(runMsmtp(await fakeMsmtp(dir, 77), '/tmp/msmtprc', 'sink@maillab.test', Buffer.from('x')), /exit code 77.*535 auth failed/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the messages sent', () => {
  const input = { count: 200, seed: 7, from: { name: 'Alice', address: 'alice@maillab.test' }, to: { name: 'Mail Sink', address: 'sink@maillab.test' } };
  const messages = sendMessages(input);

  it('are the same for the same seed and differ for another', () => {
    assert.deepEqual(sendMessages(input), messages);
    assert.notDeepEqual(sendMessages({ ...input, seed: 8 }).map((message) => message.text), messages.map((message) => message.text));
  });

  it('are a few KB of plain text each, to the one recipient, with distinct ids and dates', () => {
    assert.equal(messages.length, 200);
    for (const message of messages) {
      const bytes = Buffer.byteLength(message.text);
      assert.ok(bytes >= SEND_TEXT_BYTES.min && bytes < SEND_TEXT_BYTES.max + 2_000, `${message.id}: ${bytes} bytes`);
      assert.deepEqual(message.to, [input.to]);
      assert.deepEqual([message.cc, message.bcc, message.attachments, message.html], [[], [], [], null]);
      assert.match(message.text, /\nAlice$/);
    }
    assert.equal(new Set(messages.map((message) => message.messageId)).size, 200);
    assert.equal(new Set(messages.map((message) => message.date)).size, 200);
  });

  it('have varied subjects, numbered so no two are alike', () => {
    assert.equal(new Set(messages.map((message) => message.subject)).size, 200);
    assert.match(messages[0]?.subject ?? '', / \(1\/200\)$/);
    const topics = new Set(messages.map((message) => message.subject.replace(/ \(\d+\/200\)$/, '')));
    assert.ok(topics.size >= 20, `${topics.size} different subjects`);
    assert.ok(messages.some((message) => /[^\x20-\x7e]/.test(message.subject)), 'some subjects need encoded-words');
  });
});

describe('submission connections in Postfix log', () => {
  it('counts connects to the submission listener only', () => {
    const log = [
      'Nov 23 17:59:34 mx postfix/submission/smtpd[17377]: connect from unknown[127.0.0.1]',
      'Nov 23 17:59:34 mx postfix/submission/smtpd[17377]: Anonymous TLS connection established from unknown[127.0.0.1]: TLSv1.3',
      'Nov 23 17:59:34 mx postfix/submission/smtpd[17377]: disconnect from unknown[127.0.0.1] ehlo=2 starttls=1 auth=1 commands=8',
      'Nov 23 17:59:35 mx postfix/submission/smtpd[17380]: connect from unknown[127.0.0.1]',
      'Nov 23 17:59:35 mx postfix/smtps/smtpd[17381]: connect from unknown[127.0.0.1]',
      'Nov 23 17:59:35 mx postfix/smtp/smtpd[17382]: connect from unknown[127.0.0.1]',
      '',
    ].join('\n');
    assert.equal(countSubmissionConnections(log), 2);
    assert.equal(countSubmissionConnections(''), 0);
  });
});

describe('a given server', () => {
  it('skips the whole row: the bench sends mail only into its own lab', async () => {
    const target = { host: '127.0.0.1', port: 993, servername: 'localhost', user: 'bob', password: 'pw', caPem: '', caFile: '/tmp/ca.pem', folder: 'INBOX', messages: 10, lab: false, loadSeconds: null, allowWrites: false };
    const definition = await smtpSend(target);
    assert.equal(definition.heron, undefined);
    assert.match(definition.heronNote ?? '', /needs the lab/);
    assert.deepEqual(definition.peers.map((peer) => [peer.name, Boolean(peer.runnable)]), [['nodemailer-pool', false], ['msmtp', false]]);
  });
});

describe('a second ratio from the same runs', () => {
  const definition: BenchmarkDefinition = {
    name: 'smtp-send-200',
    description: 'send',
    heron: async () => undefined,
    peers: [
      { name: 'nodemailer-pool', runnable: async () => undefined },
      { name: 'msmtp', runnable: async () => undefined },
    ],
    ratioAgainst: 'nodemailer-pool',
    budget: { kind: 'ratio', max: 1.1 },
    ratioRows: [{ name: 'smtp-send-200-vs-msmtp', description: 'vs msmtp', against: 'msmtp', budget: { kind: 'ratio', max: 1 } }],
  };
  const samples = new Map([
    [HERON, [1.2, 1.2, 1.2, 1.2, 1.2]],
    ['nodemailer-pool', [1, 1, 1, 1, 1]],
    ['msmtp', [30, 30, 30, 30, 30]],
  ]);

  it('follows the main row with Heron against the other peer, judged by its own budget', () => {
    const [main, second, ...rest] = buildResults(definition, samples, 5);
    assert.equal(rest.length, 0);
    assert.equal(main?.name, 'smtp-send-200');
    assert.equal(main?.ratio, 1.2);
    assert.deepEqual(main?.budget, { kind: 'ratio', max: 1.1, met: false });
    assert.deepEqual(Object.keys(main?.peers ?? {}), ['nodemailer-pool', 'msmtp']);
    assert.equal(second?.name, 'smtp-send-200-vs-msmtp');
    assert.equal(second?.ratio, 0.04);
    assert.equal(second?.ratioAgainst, 'msmtp');
    assert.deepEqual(second?.heron, main?.heron);
    assert.deepEqual(Object.keys(second?.peers ?? {}), ['msmtp']);
    assert.deepEqual(second?.budget, { kind: 'ratio', max: 1, met: true });
  });
});

// pop3-download's pure parts: mpop's private config (implicit TLS, the lab CA, keep everything, download everything, a
// private Maildir and UIDL file), the fresh store each mpop run starts from, where Heron's clock stops and how long
// it waited on the store.

import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { countMaildirMessages } from '../../bench/mbsync';
import { freshMpopStore, MPOP_ACCOUNT, mpopConfig } from '../../bench/mpop';
import type { BatchRecord } from '../../bench/sync-timeline';
import { batchWaitMs, lastAck } from '../../bench/sync-timeline';

const input = {
  host: '127.0.0.1',
  port: 10995,
  servername: 'localhost',
  trustFile: '/tmp/lab dir/tls/cert.pem',
  user: 'alice',
  password: 'pa"ss #word',
  maildir: '/tmp/bench/maildir',
  uidlsFile: '/tmp/bench/uidls',
};

describe('mpop config', () => {
  const lines = mpopConfig(input).split('\n');

  it('defines the one account the command line names', () => {
    assert.ok(lines.includes(`account ${MPOP_ACCOUNT}`));
  });

  it('connects with implicit TLS (pop3s), trusting the lab certificate under its name', () => {
    for (const line of ['host "127.0.0.1"', 'port 10995', 'tls on', 'tls_starttls off', 'tls_trust_file "/tmp/lab dir/tls/cert.pem"', 'tls_host_override "localhost"']) {
      assert.ok(lines.includes(line), line);
    }
  });

  it('logs in with the password in the file, quoted literally (msmtp rules), never through a shell', () => {
    assert.ok(lines.includes('auth on'));
    assert.ok(lines.includes('user "alice"'));
    assert.ok(lines.includes('password "pa"ss #word"'));
    assert.ok(!lines.some((line) => line.startsWith('passwordeval')));
    assert.throws(() => mpopConfig({ ...input, password: 'a\nkeep off' }), /line breaks/);
  });

  it('leaves every message on the server and downloads all of them every run', () => {
    assert.ok(lines.includes('keep on'));
    assert.ok(lines.includes('only_new off'));
    assert.ok(!lines.some((line) => /^(killsize|skipsize|filter)\b/.test(line)));
  });

  it('delivers into the given Maildir and keeps its UIDLs beside it, not in the home directory', () => {
    assert.ok(lines.includes('delivery maildir "/tmp/bench/maildir"'));
    assert.ok(lines.includes('uidls_file "/tmp/bench/uidls"'));
  });
});

describe('mpop store', () => {
  it('starts each run from an empty Maildir (cur, new, tmp) and no UIDL file', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'heron-bench-mpop-'));
    try {
      const store = { maildir: path.join(root, 'maildir'), uidlsFile: path.join(root, 'uidls') };
      await freshMpopStore(store);
      await writeFile(path.join(store.maildir, 'new', '1.vm'), 'x');
      await writeFile(store.uidlsFile, 'x');
      assert.equal(await countMaildirMessages(store.maildir), 1);
      await freshMpopStore(store);
      assert.deepEqual((await readdir(store.maildir)).sort(), ['cur', 'new', 'tmp']);
      assert.equal(await countMaildirMessages(store.maildir), 0);
      await assert.rejects(stat(store.uidlsFile), { code: 'ENOENT' });
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe("Heron's stop (last batch)", () => {
  const record = (sentAt: number, ackedAt: number | null): BatchRecord => ({ sentAt, ackedAt, folderPath: 'INBOX', resetFolder: false, upsertUids: [], flagChangeUids: [], removedUids: [] });

  it('is the latest ack up to the end of the round, whatever order the acks were recorded in', () => {
    assert.equal(lastAck([record(0, 10), record(5, 30), record(8, 20)], 40), 30);
  });

  it('leaves out failed calls and acks after the round ended', () => {
    assert.equal(lastAck([record(0, 10), record(12, null), record(41, 45)], 40), 10);
  });

  it('is null when nothing was acknowledged', () => {
    assert.equal(lastAck([], 40), null);
    assert.equal(lastAck([record(0, null)], 40), null);
  });

  it("sums the store's waits, send to ack, of the calls acknowledged by then", () => {
    assert.equal(batchWaitMs([record(0, 10), record(12, null), record(15, 30), record(41, 45)], 40), 25);
    assert.equal(batchWaitMs([], 40), 0);
  });
});

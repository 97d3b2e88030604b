// The mbsync peer's pure parts: its private config (Host by name, IMAPS, CertificateFile, one folder), quoting, counting.

import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { countMaildirMessages, findExecutable, MBSYNC_CHANNEL, mbsyncConfig, mbsyncQuote } from '../../bench/mbsync';

const input = {
  host: 'localhost',
  port: 10993,
  user: 'alice',
  password: 'pa"ss\\word',
  certificateFile: '/tmp/lab/tls/cert.pem',
  folder: 'Bench',
  maildir: '/tmp/bench/maildir',
};

describe('mbsync config', () => {
  const lines = mbsyncConfig(input).split('\n');

  it('connects by name with implicit TLS, trusting the lab certificate (isync 1.4 spelling)', () => {
    for (const line of ['Host "localhost"', 'Port 10993', 'User "alice"', 'SSLType IMAPS', 'CertificateFile "/tmp/lab/tls/cert.pem"']) assert.ok(lines.includes(line), line);
  });

  it('escapes quotes and backslashes in the password', () => {
    assert.ok(lines.includes('Pass "pa\\"ss\\\\word"'));
    assert.equal(mbsyncQuote('Été 2024'), '"Été 2024"');
    assert.throws(() => mbsyncQuote('a\nb'), /line breaks/);
  });

  it('pulls exactly the one folder into a Maildir directory, creating it, with state inside it', () => {
    for (const line of [
      `Channel ${MBSYNC_CHANNEL}`, 'Far :heron-bench-far:', 'Near :heron-bench-near:', 'Patterns "Bench"', 'Create Near', 'Sync Pull', 'SyncState *',
      'Path "/tmp/bench/maildir/"', 'Inbox "/tmp/bench/maildir/INBOX"',
    ]) assert.ok(lines.includes(line), line);
  });
});

describe('mbsync helpers', () => {
  it('counts files in cur/ and new/ at any depth, not tmp/ or state files', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'heron-bench-maildir-'));
    try {
      for (const dir of ['Bench/cur', 'Bench/new', 'Bench/tmp', 'A/B/cur']) await mkdir(path.join(root, dir), { recursive: true });
      await writeFile(path.join(root, 'Bench/cur/1:2,S'), 'x');
      await writeFile(path.join(root, 'Bench/cur/2:2,'), 'x');
      await writeFile(path.join(root, 'Bench/new/3'), 'x');
      await writeFile(path.join(root, 'Bench/tmp/4'), 'x');
      await writeFile(path.join(root, 'Bench/.mbsyncstate'), 'x');
      await writeFile(path.join(root, 'A/B/cur/5'), 'x');
      assert.equal(await countMaildirMessages(root), 4);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('finds an executable on PATH and returns null when there is none', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'heron-bench-path-'));
    try {
      const tool = path.join(dir, 'fake-mbsync');
      await writeFile(tool, '#!/bin/sh\n');
      await chmod(tool, 0o755);
      await writeFile(path.join(dir, 'not-executable'), '');
      assert.equal(await findExecutable('fake-mbsync', `/nonexistent${path.delimiter}${dir}`), tool);
      assert.equal(await findExecutable('not-executable', dir), null);
      assert.equal(await findExecutable('fake-mbsync', '/nonexistent'), null);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

// The line reader under the POP3 client and the doctor, fed by hand on mocked timers: which waits restart as
// bytes arrive and which do not, and lines that cross chunk boundaries.

import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { HeronError } from '../../shared/errors';
import { LineReader } from '../../src-main/pop3/line-reader';

const WAIT_MS = 1000;

beforeEach(() => mock.timers.enable({ apis: ['setTimeout'] }));
afterEach(() => mock.timers.reset());

/** Lets settled promises run their callbacks (mocked timers do not move on their own). */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

function isTimeout(error: unknown): boolean {
  return error instanceof HeronError && error.code === 'timeout';
}

describe('LineReader', () => {
  it('lets a slow but moving dot-terminated reply run far past the wait, and times out once it stops', async () => {
    const reader = new LineReader();
    let settled: Buffer | Error | undefined;
    const reply = reader.readDotTerminated({ maxBytes: 1 << 20, idleMs: WAIT_MS, label: 'RETR 1' });
    reply.then((data) => (settled = data)).catch((error: Error) => (settled = error));
    for (let n = 0; n < 10; n++) {
      reader.push(Buffer.from(`line ${n}\r\n`));
      mock.timers.tick(WAIT_MS - 1);
      await turn();
      assert.equal(settled, undefined, `still reading after ${n + 1} chunks`);
    }
    reader.push(Buffer.from('.\r\n'));
    await turn();
    assert.equal(String(settled), Array.from({ length: 10 }, (_, n) => `line ${n}\r\n`).join(''));

    const stalled = reader.readDotTerminated({ maxBytes: 1 << 20, idleMs: WAIT_MS, label: 'RETR 2' });
    reader.push(Buffer.from('first line\r\n'));
    mock.timers.tick(WAIT_MS);
    await assert.rejects(stalled, isTimeout);
  });

  it('bounds a status line by one wait from the start, however the bytes trickle in', async () => {
    const reader = new LineReader();
    const line = reader.readLine(512, WAIT_MS);
    reader.push(Buffer.from('+OK'));
    mock.timers.tick(WAIT_MS / 2);
    reader.push(Buffer.from(' still'));
    mock.timers.tick(WAIT_MS / 2);
    await assert.rejects(line, isTimeout);
  });

  it('joins a line split over many chunks, splits many lines in one chunk, and strips CR only before LF', async () => {
    const reader = new LineReader();
    for (const piece of ['+O', 'K a\r', 'b\r', '\n-ERR c\n+OK d\r\n']) reader.push(Buffer.from(piece));
    assert.equal(String(await reader.readLine(512, WAIT_MS)), '+OK a\rb');
    assert.equal(String(await reader.readLine(512, WAIT_MS)), '-ERR c');
    assert.equal(String(await reader.readLine(512, WAIT_MS)), '+OK d');
    assert.equal(reader.pendingBytes, 0);
  });

  it('serves complete lines after the connection failed, then the failure', async () => {
    const reader = new LineReader();
    reader.push(Buffer.from('+OK bye\r\npartial'));
    reader.fail(new HeronError('connection-lost'));
    assert.equal(String(await reader.readLine(512, WAIT_MS)), '+OK bye');
    await assert.rejects(reader.readLine(512, WAIT_MS), (error) => error instanceof HeronError && error.code === 'connection-lost');
  });

  it('forgets unread bytes on discard()', async () => {
    const reader = new LineReader();
    reader.push(Buffer.from('+OK injected\r\n'));
    reader.discard();
    reader.push(Buffer.from('+OK real\r\n'));
    assert.equal(String(await reader.readLine(512, WAIT_MS)), '+OK real');
  });
});

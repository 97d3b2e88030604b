// What the reader says about a sender (display-name tricks, trusted servers, the per-sender key) and how it offers attachments.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AccountSummary } from '../../shared/model';
import { base64ToBytes, formatSize, openableType, safeFileName } from '../../src-renderer/features/reader/attachments';
import { addressInDisplayName, authSummary, remoteContentKey, senderWarnings } from '../../src-renderer/features/reader/sender';

const account = { id: 'a1', incoming: { host: 'imap.heron.test' } } as AccountSummary;

describe('sender warnings', () => {
  it('flags a display name that shows another address (Mailsploit style)', () => {
    assert.equal(addressInDisplayName({ name: 'security@bank.example', address: 'attacker@evil.test' }), 'security@bank.example');
    assert.equal(addressInDisplayName({ name: 'Bank <security@bank.example>', address: 'attacker@evil.test' }), 'security@bank.example');
    assert.equal(addressInDisplayName({ name: 'security\uff20bank.example', address: 'attacker@evil.test' }), 'security@bank.example', 'fullwidth @');
    assert.equal(addressInDisplayName({ name: 'Alice@Example.test', address: 'alice@example.test' }), null, 'the same address is no trick');
    assert.equal(addressInDisplayName({ name: 'Alice Liddell', address: 'alice@example.test' }), null);
    assert.match(senderWarnings([{ name: 'security@bank.example', address: 'attacker@evil.test' }])[0] ?? '', /security@bank\.example.*attacker@evil\.test/);
  });

  it('flags more than one From address', () => {
    assert.equal(senderWarnings([{ name: '', address: 'a@x.example' }, { name: '', address: 'b@y.example' }]).length, 1);
    assert.deepEqual(senderWarnings([{ name: 'Alice', address: 'alice@example.test' }]), []);
  });

  it("trusts Authentication-Results only from the account's incoming server", () => {
    assert.equal(authSummary(['imap.heron.test; dmarc=pass'], account).dmarc, 'pass');
    assert.deepEqual(authSummary(['mx.evil.test; dmarc=pass'], account), { dmarc: 'absent', spf: 'absent', dkim: 'absent', ignored: 1 });
    assert.equal(authSummary(undefined, account).dmarc, 'absent', 'a body cached before the field existed');
  });

  it('keys the remote-content permission on the lower-cased real address', () => {
    assert.equal(remoteContentKey(' News@Bank.Example '), 'remote-content:news@bank.example');
  });
});

describe('attachments', () => {
  it('makes names safe to save under', () => {
    assert.equal(safeFileName('../../etc/passwd'), '_.._etc_passwd');
    assert.equal(safeFileName('C:\\Windows\\evil.exe'), 'C__Windows_evil.exe');
    assert.equal(safeFileName('invoice\u202efdp.exe'), 'invoicefdp.exe', 'a bidi override cannot disguise the extension');
    assert.equal(safeFileName('nul.txt'), '_nul.txt');
    assert.equal(safeFileName('report.pdf. . '), 'report.pdf');
    assert.equal(safeFileName('a\u0000b\r\nc'), 'abc');
    assert.equal(safeFileName(null), 'attachment');
    assert.equal(safeFileName('...'), 'attachment');
    const long = safeFileName(`${'x'.repeat(300)}.pdf`);
    assert.equal(long.length, 180);
    assert.ok(long.endsWith('.pdf'));
  });

  it('opens in a tab only types that cannot run script', () => {
    assert.equal(openableType('image/PNG'), 'image/png');
    assert.equal(openableType('application/pdf; name=x.pdf'), 'application/pdf');
    assert.equal(openableType('text/plain; charset=iso-8859-1'), 'text/plain;charset=utf-8');
    for (const type of ['text/html', 'image/svg+xml', 'application/xhtml+xml', 'text/xml', 'application/octet-stream', 'application/javascript']) assert.equal(openableType(type), null, type);
  });

  it('formats sizes and decodes base64', () => {
    assert.deepEqual([formatSize(512), formatSize(2048), formatSize(15 * 1024 * 1024)], ['512 B', '2.0 KB', '15 MB']);
    assert.deepEqual([...base64ToBytes(Buffer.from([0, 255, 10]).toString('base64'))], [0, 255, 10]);
  });
});

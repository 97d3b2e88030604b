// Changing an account's settings in the registry: validation before anything is saved, the protocol kept, and the pin's rule.

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { HeronError } from '../../shared/errors';
import { DEFAULT_POP3_OPTIONS, type IncomingSettings, type OutgoingSettings, type Pop3Options } from '../../shared/model';
import { applyAccountChanges, incomingChanged } from '../../src-main/engine/account-changes';
import { createAccountRegistry, toSummary, type AccountRecord } from '../../src-main/engine/accounts';

const incoming: IncomingSettings = { protocol: 'imap', host: 'imap.example.test', port: 993, security: 'tls', username: 'ann' };
const outgoing: OutgoingSettings = { host: 'smtp.example.test', port: 465, security: 'tls', username: 'ann' };
const pin = { fingerprint256: 'AA:BB', pem: '-----BEGIN CERTIFICATE-----' };
const record: AccountRecord = { id: 'a1', name: 'Ann', email: 'ann@example.test', incoming, outgoing, pinnedCertificate: pin, keepBodiesDays: 30, createdAt: 1 };

const invalid = (pattern: RegExp) => (e: unknown) => e instanceof HeronError && e.code === 'invalid-input' && pattern.test(e.message);

describe('applying account changes', () => {
  it('changes only what is given', () => {
    assert.deepEqual(applyAccountChanges(record, {}), record);
    assert.deepEqual(applyAccountChanges(record, { name: '  ' }), { ...record, name: 'ann@example.test' });
    assert.deepEqual(applyAccountChanges(record, { keepBodiesDays: null }), { ...record, keepBodiesDays: null });
  });

  it('takes new servers, and no outgoing server at all', () => {
    const starttls = { ...incoming, port: 143, security: 'starttls' as const };
    assert.deepEqual(applyAccountChanges(record, { incoming: starttls, outgoing: null }), { ...record, incoming: starttls, outgoing: null });
  });

  it('refuses invalid servers and days with invalid-input naming the problem', () => {
    assert.throws(() => applyAccountChanges(record, { incoming: { ...incoming, host: 'bad host!' } }), invalid(/Incoming host/));
    assert.throws(() => applyAccountChanges(record, { outgoing: { ...outgoing, port: 0 } }), invalid(/Outgoing port/));
    assert.throws(() => applyAccountChanges(record, { incoming: { ...incoming, username: ' ' } }), invalid(/username is empty/));
    assert.throws(() => applyAccountChanges(record, { keepBodiesDays: 0 }), invalid(/Days of mail/));
  });

  it('never turns an IMAP account into a POP3 one', () => {
    assert.throws(() => applyAccountChanges(record, { incoming: { ...incoming, protocol: 'pop3', port: 995 } }), invalid(/uses IMAP.*add the account again/));
  });

  it('keeps the pinned certificate on the same host (another port or security), in any letter case', () => {
    assert.equal(applyAccountChanges(record, { incoming: { ...incoming, host: 'IMAP.example.test', port: 143, security: 'starttls' } }).pinnedCertificate, pin);
  });

  it('does not carry the pin to a new host, where it would refuse a properly signed certificate', () => {
    assert.equal(applyAccountChanges(record, { incoming: { ...incoming, host: 'mail.example.test' } }).pinnedCertificate, null);
  });

  it('takes a pin given with the change, or none, whatever the host', () => {
    const other = { fingerprint256: 'CC:DD', pem: 'other' };
    assert.equal(applyAccountChanges(record, { incoming: { ...incoming, host: 'mail.example.test' }, pinnedCertificate: other }).pinnedCertificate, other);
    assert.equal(applyAccountChanges(record, { pinnedCertificate: null }).pinnedCertificate, null);
  });

  it('takes POP3 options for a POP3 account, keeping only their own fields', () => {
    const pop: AccountRecord = { ...record, incoming: { ...incoming, protocol: 'pop3', port: 995 } };
    const options: Pop3Options = { leaveOnServer: true, deleteAfterDays: 14, deleteWhenDeletedLocally: true, maxMessageBytes: 1_000_000 };
    assert.deepEqual(applyAccountChanges(pop, { pop3: { ...options, extra: 1 } as Pop3Options }).pop3, options);
    assert.deepEqual(applyAccountChanges(pop, { pop3: { ...options, deleteAfterDays: 0, maxMessageBytes: null } }).pop3, { ...options, deleteAfterDays: 0, maxMessageBytes: null });
  });

  it('refuses POP3 options out of bounds, of the wrong type, or for an IMAP account', () => {
    const pop: AccountRecord = { ...record, incoming: { ...incoming, protocol: 'pop3', port: 995 } };
    const bad = (over: Record<string, unknown>) => ({ pop3: { ...DEFAULT_POP3_OPTIONS, ...over } as Pop3Options });
    assert.throws(() => applyAccountChanges(pop, bad({ deleteAfterDays: -1 })), invalid(/Days before deleting/));
    assert.throws(() => applyAccountChanges(pop, bad({ deleteAfterDays: 1.5 })), invalid(/Days before deleting/));
    assert.throws(() => applyAccountChanges(pop, bad({ maxMessageBytes: 10 })), invalid(/size limit/));
    assert.throws(() => applyAccountChanges(pop, bad({ leaveOnServer: 'yes' })), invalid(/Leave messages/));
    assert.throws(() => applyAccountChanges(pop, { pop3: null as unknown as Pop3Options }), invalid(/missing/));
    assert.throws(() => applyAccountChanges(record, { pop3: DEFAULT_POP3_OPTIONS }), invalid(/only to POP3 accounts/));
  });

  it('shows a POP3 account saved before the options existed with the defaults, and an IMAP account with none', () => {
    const pop: AccountRecord = { ...record, incoming: { ...incoming, protocol: 'pop3', port: 995 } };
    assert.deepEqual(toSummary(pop, 'memory').pop3, DEFAULT_POP3_OPTIONS);
    assert.equal(toSummary(record, 'memory').pop3, null);
  });

  it('tells a changed incoming server from the same one', () => {
    assert.equal(incomingChanged(incoming, { ...incoming }), false);
    assert.equal(incomingChanged(incoming, { ...incoming, host: 'IMAP.Example.test' }), false);
    for (const change of [{ port: 143 }, { security: 'starttls' as const }, { username: 'ann2' }, { host: 'other.example.test' }, { protocol: 'pop3' as const }])
      assert.equal(incomingChanged(incoming, { ...incoming, ...change }), true, JSON.stringify(change));
  });
});

describe('the registry saving changes', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(path.join(os.tmpdir(), 'heron-changes-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('saves new servers for the next run to read', async () => {
    const registry = createAccountRegistry(dir);
    const added = await registry.add({ name: 'Ann', email: 'ann@example.test', incoming, outgoing, pinnedCertificate: pin, keepBodiesDays: 30 });
    const starttls = { ...incoming, port: 143, security: 'starttls' as const };
    const updated = await registry.update(added.id, { incoming: starttls, outgoing: null });
    assert.deepEqual(await createAccountRegistry(dir).get(added.id), updated);
    assert.deepEqual(updated.incoming, starttls);
    assert.equal(updated.outgoing, null);
    assert.deepEqual(updated.pinnedCertificate, pin);
  });

  it('saves nothing when a change is invalid', async () => {
    const registry = createAccountRegistry(dir);
    const added = await registry.add({ name: 'Ann', email: 'ann@example.test', incoming, outgoing, pinnedCertificate: pin, keepBodiesDays: 30 });
    await assert.rejects(registry.update(added.id, { name: 'New name', incoming: { ...incoming, port: 70_000 } }), invalid(/port/));
    await assert.rejects(registry.update(added.id, { incoming: { ...incoming, protocol: 'pop3' } }), invalid(/add the account again/));
    assert.deepEqual(await registry.get(added.id), added);
  });

  it('says not-found for an account that is gone', async () => {
    await assert.rejects(createAccountRegistry(dir).update('nobody', { name: 'x' }), (e: unknown) => e instanceof HeronError && e.code === 'not-found');
  });
});

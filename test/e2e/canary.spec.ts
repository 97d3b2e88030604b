// The canary (security.md A13, A14, C12): alice's password becomes CANARY-<random>, a person uses Heron with it (sync,
// read, search, send, the settings and their doctor), and afterwards Heron's data directory, its output and the whole
// Chromium profile of the browser (IndexedDB, Local Storage, caches, session files) are searched for that password as
// UTF-8, UTF-16LE and base64. Not remembered: it is nowhere. Remembered: it is only in passwords.json, mode 0600.

import { randomUUID } from 'node:crypto';
import { lstat, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, expect, test, type BrowserContext, type Page } from '@playwright/test';
import { ImapFlow } from 'imapflow';
import { startLab, type Lab } from '../lab/lab';
import { recordSecurityFigures, type SecurityFigure } from '../support/security-figures';
import { freePort, newDataDir, removeDataDir, startHeronWeb, type HeronWeb } from './heron-web';
import { addLabAccount, labUser } from './lab-account';

test.describe.configure({ mode: 'serial' });

const CANARY = `CANARY-${randomUUID()}`;
/** In the body of the message Heron caches: it must be found in the browser profile, or the scan proves nothing. */
const BODY_MARKER = `heron-body-marker-${randomUUID()}`;
const SUBJECT = 'Lighthouse keeping notes';
/** The one file browser mode writes a remembered password to (src-main/engine/secrets.ts). */
const SECRETS_FILE = 'passwords.json';

let lab: Lab;
let originalPassword = '';

interface Hit {
  file: string;
  encoding: string;
}

/**
 * The byte patterns the canary can take on disk: UTF-8, UTF-16LE (V8 and Chromium's two-byte strings), and base64
 * as part of a longer encoded string (AUTH PLAIN is base64 of "\0user\0password"): for each of the three byte
 * alignments, the characters that depend only on the canary's own bytes.
 */
function patterns(secret: string): { encoding: string; bytes: Buffer }[] {
  const utf8 = Buffer.from(secret, 'utf8');
  const found = [
    { encoding: 'UTF-8', bytes: utf8 },
    { encoding: 'UTF-16LE', bytes: Buffer.from(secret, 'utf16le') },
  ];
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), utf8]).toString('base64');
    const firstWholeGroup = offset === 0 ? 0 : 4;
    const endOfWholeGroups = Math.floor((offset + utf8.length) / 3) * 4;
    found.push({ encoding: `base64 (offset ${offset})`, bytes: Buffer.from(encoded.slice(firstWholeGroup, endOfWholeGroups), 'latin1') });
  }
  return found;
}

/** Every regular file under `dir` (symlinks are not followed: nothing Heron or Chromium writes needs them). */
async function filesUnder(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await filesUnder(full)));
    else if (entry.isFile()) files.push(full);
  }
  return files;
}

function hitsIn(name: string, content: Buffer, secret: string): Hit[] {
  return patterns(secret)
    .filter(({ bytes }) => content.includes(bytes))
    .map(({ encoding }) => ({ file: name, encoding }));
}

/** Scans files and in-memory texts (Heron's output); returns the hits and how many sources were read. */
async function scan(dirs: string[], texts: Record<string, string>, secret: string): Promise<{ hits: Hit[]; files: string[] }> {
  const files = (await Promise.all(dirs.map(filesUnder))).flat();
  const hits: Hit[] = [];
  for (const file of files) hits.push(...hitsIn(file, await readFile(file), secret));
  for (const [name, text] of Object.entries(texts)) hits.push(...hitsIn(name, Buffer.from(text, 'utf8'), secret));
  return { hits, files: [...files, ...Object.keys(texts)] };
}

/** A message for alice, from bob: the one Heron syncs, opens, finds and caches. */
async function appendMessage(): Promise<void> {
  const alice = labUser(lab);
  const client = new ImapFlow({ host: lab.host, port: lab.ports.imaps, secure: true, auth: { user: alice.name, pass: alice.password }, tls: { ca: [lab.caPem], servername: lab.servername }, logger: false });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const message = [
      'From: Bob <bob@maillab.test>',
      `To: ${alice.email}`,
      `Subject: ${SUBJECT}`,
      `Date: ${new Date().toUTCString()}`,
      `Message-ID: <${randomUUID()}@maillab.test>`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      `The lamp needs oil on Thursday. ${BODY_MARKER}`,
      '',
    ].join('\r\n');
    await client.append('INBOX', Buffer.from(message, 'utf8'));
  } finally {
    await client.logout();
  }
}

interface Session {
  heron: HeronWeb;
  context: BrowserContext;
  page: Page;
  browserDir: string;
  /** Everything the engine sent the page over the WebSocket (A14: never a password). */
  fromEngine: string[];
}

/** Browser-mode Heron with its own profile, and Chromium with a profile directory of its own that can be scanned. */
async function open(): Promise<Session> {
  const heron = await startHeronWeb({ port: await freePort(), dataDir: await newDataDir() });
  const browserDir = await mkdtemp(path.join(os.tmpdir(), 'heron-canary-chromium-'));
  const context = await chromium.launchPersistentContext(browserDir, { ...test.info().project.use.launchOptions, headless: true });
  const page = context.pages()[0] ?? (await context.newPage());
  const fromEngine: string[] = [];
  page.on('websocket', (socket) => socket.on('framereceived', ({ payload }) => fromEngine.push(typeof payload === 'string' ? payload : payload.toString('utf8'))));
  await page.goto(heron.url);
  return { heron, context, page, browserDir, fromEngine };
}

/** What a person does in a first session: add the account, read, search, write to bob, look at the settings. */
async function useHeron({ page }: Session, remember: boolean): Promise<void> {
  await addLabAccount(page, lab, { remember });
  const inbox = page.getByRole('listbox', { name: 'Messages in Inbox' });
  await inbox.getByRole('option', { name: new RegExp(SUBJECT) }).click();
  await expect(page.getByRole('article', { name: SUBJECT }).frameLocator('iframe[title="Message body"]').getByText(BODY_MARKER)).toBeVisible();

  const search = page.getByRole('searchbox', { name: 'Search mail' });
  await search.fill('Lighthouse');
  await expect(page.getByRole('region', { name: 'Search results' }).getByRole('option', { name: new RegExp(SUBJECT) })).toBeVisible();
  await search.fill('');

  await page.getByRole('button', { name: 'New message' }).click();
  const composer = page.locator('section.composer');
  const to = composer.getByRole('combobox', { name: 'To', exact: true });
  await to.fill('bob@maillab.test');
  await to.press('Enter');
  await composer.getByLabel('Subject').fill('Oil for the lamp');
  await composer.getByRole('textbox', { name: 'Message body' }).click();
  await page.keyboard.type('Thursday it is.');
  await composer.getByRole('button', { name: 'Send', exact: true }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Sent:' })).toBeVisible();

  // The settings, with the password typed again for the doctor, which logs in with it (its transcript must hide it).
  const pane = page.getByRole('navigation', { name: 'Accounts and folders' }).getByRole('region', { name: labUser(lab).email });
  await pane.getByRole('button', { name: 'Account settings' }).click();
  const dialog = page.getByRole('dialog', { name: `Account settings for ${labUser(lab).email}` });
  await dialog.getByLabel('New password').fill(CANARY);
  for (const server of ['incoming server', 'outgoing server']) {
    const doctor = dialog.getByRole('region', { name: `Connection doctor for the ${server}` });
    await doctor.getByRole('button', { name: `Run connection doctor for the ${server}` }).click();
    await expect(doctor.getByRole('list', { name: 'Doctor steps' })).toContainText('Passed: Login');
  }
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toBeHidden();
}

/** Closes the browser and stops Heron (both flush to disk), then scans everything they left. */
async function closeAndScan(session: Session) {
  await session.context.close();
  await session.heron.stop();
  const result = await scan([session.heron.dataDir, session.browserDir], { "Heron's output": session.heron.output() }, CANARY);
  const marker = await scan([session.browserDir], {}, BODY_MARKER);
  return { ...result, markerFiles: marker.hits.map((hit) => path.relative(session.browserDir, hit.file)) };
}

/** Closes and removes everything a session made (again after closeAndScan: both steps are idempotent). */
async function discard(session: Session): Promise<void> {
  await session.context.close();
  await session.heron.stop();
  await removeDataDir(session.heron.dataDir);
  await rm(session.browserDir, { recursive: true, force: true });
}

/** The figures for SECURITY.md, one pair per case; a case that stops before its scan says so instead of vanishing. */
const CASES = { forgotten: 'not remembered', remembered: 'remembered' } as const;
type Case = keyof typeof CASES;
const figures = new Map<string, SecurityFigure>(
  (Object.keys(CASES) as Case[]).flatMap((which) =>
    [scanFigureName(which), framesFigureName(which)].map((name) => [name, { area: 'hardening', name, tried: 0, bad: 0, outcome: 'not run: the test stopped before its scan' }] as const),
  ),
);

function scanFigureName(which: Case): string {
  return which === 'forgotten'
    ? 'A13/C12: canary password, not remembered: Heron profile, output and Chromium profile scanned (UTF-8, UTF-16LE, base64)'
    : `A13/A15: canary password, remembered: only in ${SECRETS_FILE} (mode 0600), scanned as above`;
}

function framesFigureName(which: Case): string {
  return `A14: engine-to-page WebSocket messages carrying the canary password (${CASES[which]})`;
}

function recordScan(which: Case, result: Pick<SecurityFigure, 'tried' | 'bad' | 'outcome'>): void {
  const name = scanFigureName(which);
  figures.set(name, { area: 'hardening', name, ...result });
}

const describeHits = (hits: Hit[]) => hits.map((hit) => `${hit.file} (${hit.encoding})`).join(', ');

/** Records how many engine-to-page messages carried the password; returns that number. */
function recordFrames(which: Case, session: Session): number {
  const leaking = session.fromEngine.filter((frame) => hitsIn('frame', Buffer.from(frame, 'utf8'), CANARY).length > 0).length;
  const name = framesFigureName(which);
  figures.set(name, { area: 'hardening', name, tried: session.fromEngine.length, bad: leaking, outcome: leaking === 0 ? 'none of them' : `${leaking} message(s) carried it` });
  return leaking;
}

test.beforeAll(async () => {
  lab = await startLab();
  originalPassword = labUser(lab).password;
  await lab.setPassword('alice', CANARY);
  await appendMessage();
});

test.afterAll(async () => {
  // Other specs log in as alice with her usual password.
  if (lab) await lab.setPassword('alice', originalPassword);
  await lab?.stop();
  await recordSecurityFigures('canary', [...figures.values()]);
});

test('the scan finds the canary in every encoding it looks for', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'heron-canary-control-'));
  try {
    const plain = Buffer.from(`\0alice\0${CANARY}`, 'utf8');
    const controls: Record<string, Buffer> = {
      'utf8.txt': Buffer.from(`{"password":"${CANARY}"}`, 'utf8'),
      'utf16.bin': Buffer.from(`xx${CANARY}yy`, 'utf16le'),
      ...Object.fromEntries([0, 1, 2].map((pad) => [`auth-plain-${pad}.log`, Buffer.from(`AUTH PLAIN ${Buffer.concat([Buffer.alloc(pad, 0x41), plain]).toString('base64')}\r\n`)])),
    };
    for (const [name, content] of Object.entries(controls)) await writeFile(path.join(dir, name), content);
    const { hits } = await scan([dir], {}, CANARY);
    for (const name of Object.keys(controls)) expect(hits.filter((hit) => path.basename(hit.file) === name), name).not.toHaveLength(0);
    expect(hits.filter((hit) => hit.encoding.startsWith('base64')).map((hit) => path.basename(hit.file)).sort()).toEqual(['auth-plain-0.log', 'auth-plain-1.log', 'auth-plain-2.log']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a password that is not remembered appears nowhere: profile, output, IndexedDB, Local Storage, caches', async () => {
  const session = await open();
  try {
    await useHeron(session, false);
    const { hits, files, markerFiles } = await closeAndScan(session);
    const leakingFrames = recordFrames('forgotten', session);
    recordScan('forgotten', {
      tried: files.length,
      bad: hits.length,
      outcome: hits.length === 0 ? `no hit in ${files.length} files` : `found in ${describeHits(hits)}`,
    });
    // The scan reached where the page keeps its data: the cached body is in Chromium's IndexedDB files.
    expect(markerFiles.some((file) => file.includes('IndexedDB'))).toBe(true);
    expect(hits).toEqual([]);
    expect(leakingFrames).toBe(0);
    expect(files).not.toContain(path.join(session.heron.dataDir, SECRETS_FILE));
  } finally {
    await discard(session);
  }
});

test('a remembered password is only in passwords.json, readable by the user alone', async () => {
  const session = await open();
  try {
    await useHeron(session, true);
    const { hits, files } = await closeAndScan(session);
    const leakingFrames = recordFrames('remembered', session);
    const secretsFile = path.join(session.heron.dataDir, SECRETS_FILE);
    const elsewhere = hits.filter((hit) => hit.file !== secretsFile);
    const mode = (await lstat(secretsFile)).mode & 0o777;
    recordScan('remembered', {
      tried: files.length,
      bad: elsewhere.length + (mode === 0o600 ? 0 : 1),
      outcome:
        elsewhere.length === 0 && mode === 0o600
          ? `only in ${SECRETS_FILE} (0600) of ${files.length} files`
          : `${SECRETS_FILE} has mode ${mode.toString(8)}; also found in ${describeHits(elsewhere) || 'no other file'}`,
    });
    expect(hits).toEqual([{ file: secretsFile, encoding: 'UTF-8' }]);
    expect(mode).toBe(0o600);
    expect(leakingFrames).toBe(0);
  } finally {
    await discard(session);
  }
});

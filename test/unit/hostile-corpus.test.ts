// The hostile corpus through the real path: parsed by the engine's parser in Node, then in Debian's Chromium sanitized
// by the reader's sanitizer and shown by the reader's MessageFrame (its sandbox, its CSP). XSS vectors from the public
// classes, every blns string in HTML contexts, and EFAIL-style multiparts: nothing may run, nothing may be fetched
// before consent, and the page around the frames (the app chrome) must stay as it was.

import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { simpleParser } from 'mailparser';
import type { Page, Request } from '@playwright/test';
import { parseMessage, type ParsedMessage } from '../../src-main/mime/parse-message';
import { HTML_PART_BREAK } from '../../shared/html-parts';
import { efailCases, type EfailCase } from '../fixtures/hostile/efail';
import { blnsHtmlVectors, vectorMessage, xssVectors, type HostileVector } from '../fixtures/hostile/vectors';
import { chromiumSkip, openComponentPage, REPOSITORY, type ComponentPage } from '../support/chromium-page';
import { recordSecurityFigures, type SecurityFigure } from '../support/security-figures';

/** Frames shown at once: enough to keep the run short, few enough that one page holds them easily. */
const BATCH = 100;
/** After every frame has loaded: time for what fires later (meta refresh, animations, lazy loads) to fire. */
const SETTLE_MS = 150;

/** How a batch is shown: as the reader shows it, or with layers taken away to see what each one stops. */
type Mode = 'reader' | 'sanitizer-only' | 'raw';

interface Shown {
  id: string;
  html: string | null;
  text: string | null;
  inlineParts: Record<string, string>;
}

interface Chrome {
  title: string;
  url: string;
  history: number;
  marker: string | null;
  children: string;
}

interface BatchResult {
  signals: string[];
  chrome: Chrome;
  /** Per frame, the document it was given (reader and sanitizer-only modes). */
  documents: string[];
}

/**
 * The test page: the reader's own modules, a marker standing for the app chrome, and a listener for the signals
 * vectors send. `show` puts one frame per message in the page, as the reader would, and resolves once all have loaded
 * and settled. Reader mode renders MessageFrame itself; the other modes drop layers (the CSP and the sandbox's ban on
 * scripts; then the sanitizer too) so the run also says what each layer stops on its own.
 */
const ENTRY_SOURCE = `
import { createElement } from 'react';
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import { MessageFrame } from '${REPOSITORY}/src-renderer/features/reader/MessageFrame.tsx';
import { buildFrameDocument } from '${REPOSITORY}/src-renderer/features/reader/frame-document.ts';
import { plainTextToHtml } from '${REPOSITORY}/src-renderer/features/reader/plain-text.ts';
import { sanitizeMessageHtml } from '${REPOSITORY}/src-renderer/features/reader/sanitize.ts';

const LINKS = { mode: 'desktop', openLinkBase: 'app://heron/open', linkToken: null };
document.title = 'Heron';
// Every frame inside the viewport: Chromium stops rendering (and so fetching for) cross-origin frames out of view.
document.head.insertAdjacentHTML('beforeend', '<style>body{margin:0}#frames,#other-frames{display:flex;flex-wrap:wrap}iframe{width:120px;height:60px;border:0}</style>');
document.body.insertAdjacentHTML('afterbegin', '<header id="heron-chrome"><h1>Heron</h1><nav aria-label="Folders">Inbox</nav></header><main id="frames"></main><div id="other-frames"></div>');
const root = createRoot(document.getElementById('frames'));
let signals = [];
window.addEventListener('message', (event) => signals.push(String(event.data)));

// What the reader's render() gives the frame: the sanitized HTML, or the plain text escaped.
function readerDocument(body, allowRemote) {
  if (body.html !== null) return buildFrameDocument(sanitizeMessageHtml(window, body.html, { inlineParts: body.inlineParts, allowRemote, links: LINKS }), allowRemote);
  return buildFrameDocument({ styles: [], bodyAttributes: [], content: plainTextToHtml(body.text ?? '', LINKS) }, false);
}

function loaded(frames) {
  return Promise.all(frames.map((frame) => new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }))));
}

window.chrome = () => ({
  title: document.title,
  url: location.href,
  history: history.length,
  marker: document.getElementById('heron-chrome')?.outerHTML ?? null,
  children: Array.from(document.body.children, (el) => el.id || el.localName).join(','),
});

window.show = async (bodies, mode, allowRemote, settleMs) => {
  let documents = [];
  let frames;
  if (mode === 'reader') {
    documents = bodies.map((body) => readerDocument(body, allowRemote));
    flushSync(() => root.render(documents.map((doc, i) => createElement(MessageFrame, { key: bodies[i].id, document: doc }))));
    frames = Array.from(document.querySelectorAll('#frames iframe'));
  } else {
    frames = bodies.map((body) => {
      let doc = body.html ?? body.text ?? '';
      if (mode === 'sanitizer-only') {
        const full = readerDocument(body, allowRemote);
        doc = full.replace(/^(<!doctype html><html><head>)<meta http-equiv="Content-Security-Policy" content="[^"]*">/, '$1');
        if (doc === full) throw new Error('the frame document no longer starts with its CSP');
        documents.push(doc);
      }
      const frame = document.createElement('iframe');
      frame.setAttribute('sandbox', 'allow-scripts');
      frame.srcdoc = doc;
      return frame;
    });
    document.getElementById('other-frames').replaceChildren(...frames);
  }
  await loaded(frames);
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  flushSync(() => root.render(null));
  document.getElementById('other-frames').replaceChildren();
  const result = { signals, chrome: window.chrome(), documents };
  signals = [];
  return result;
};

// Where a secret may be in a frame document: text the person reads, never an attribute, a style sheet or a comment.
window.secretPlaces = (doc, secret) => {
  const parsed = new DOMParser().parseFromString(doc, 'text/html');
  const places = [];
  const walker = parsed.createTreeWalker(parsed, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_COMMENT | NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.nodeType === Node.ELEMENT_NODE) {
      for (const attr of node.attributes) if (attr.value.includes(secret)) places.push(node.localName + '[' + attr.name + ']');
    } else if (node.nodeType === Node.COMMENT_NODE) {
      if (node.data.includes(secret)) places.push('comment');
    } else if (node.data.includes(secret)) {
      places.push(node.parentElement && ['style', 'script', 'title', 'textarea'].includes(node.parentElement.localName) ? node.parentElement.localName : 'text');
    }
  }
  return places;
};
`;

let opened: ComponentPage;
let page: Page;
let listener: http.Server;
let remote = '';
let chromeBefore: Chrome;
/** Every request the page made (outside data: URLs) and every hit on the listener, since the last reset. */
const requests: string[] = [];
const hits: string[] = [];
let dialogs = 0;
let popups = 0;
let armed = false;

function onRequest(request: Request): void {
  if (armed && !/^(data|about|blob):/.test(request.url())) requests.push(request.url());
}

async function parsed(id: string, source: Buffer): Promise<Shown> {
  const result: ParsedMessage = await parseMessage(source);
  return { id, html: result.html, text: result.text, inlineParts: result.inlineParts };
}

interface Outcome {
  /** Ids whose signal arrived. */
  ran: Set<string>;
  requests: string[];
  hits: string[];
  /** Batches after which the page around the frames differed from how it started. */
  chromeChanged: number;
  batches: number;
  documents: string[];
}

async function showAll(bodies: readonly Shown[], mode: Mode, allowRemote = false): Promise<Outcome> {
  const outcome: Outcome = { ran: new Set(), requests: [], hits: [], chromeChanged: 0, batches: 0, documents: [] };
  for (let start = 0; start < bodies.length; start += BATCH) {
    requests.length = 0;
    hits.length = 0;
    const batch = bodies.slice(start, start + BATCH);
    const result = await page.evaluate(
      ([b, m, a, s]) => (window as unknown as { show: (...args: unknown[]) => Promise<BatchResult> }).show(b, m, a, s),
      [batch, mode, allowRemote, SETTLE_MS] as const,
    );
    for (const signal of result.signals) outcome.ran.add(signal.replace(/^XSS-/, ''));
    outcome.requests.push(...requests);
    outcome.hits.push(...hits);
    outcome.documents.push(...result.documents);
    outcome.batches++;
    if (JSON.stringify(result.chrome) !== JSON.stringify(chromeBefore)) outcome.chromeChanged++;
  }
  return outcome;
}

/** The vector ids a list of URLs names (each vector fetches under /<id>). */
function idsIn(urls: readonly string[], ids: readonly string[]): Set<string> {
  return new Set(ids.filter((id) => urls.some((url) => url.includes(`/${id}`) || url.includes(`/${encodeURIComponent(id)}`))));
}

describe('hostile corpus through parse, sanitize and the sandboxed frame (in Chromium)', { skip: chromiumSkip }, () => {
  let vectors: HostileVector[];
  let naughty: HostileVector[];
  let shownVectors: Shown[];
  let shownNaughty: Shown[];
  let parseThrows = 0;
  const figures: SecurityFigure[] = [];

  before(async () => {
    listener = http.createServer((request, response) => {
      hits.push(request.url ?? '');
      response.writeHead(200, { 'Content-Type': 'image/png', 'Cache-Control': 'no-store' }).end();
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    remote = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
    vectors = xssVectors(remote);
    naughty = blnsHtmlVectors(remote);
    const parse = async (list: HostileVector[]) => {
      const out: Shown[] = [];
      for (const [index, vector] of list.entries()) {
        try {
          out.push(await parsed(vector.id, vectorMessage(vector, index % 2 === 0 ? 'html' : 'alternative')));
        } catch {
          parseThrows++;
        }
      }
      return out;
    };
    shownVectors = await parse(vectors);
    shownNaughty = await parse(naughty);

    opened = await openComponentPage(ENTRY_SOURCE);
    page = opened.page;
    page.on('request', onRequest);
    page.on('dialog', (dialog) => {
      dialogs++;
      void dialog.dismiss();
    });
    page.context().on('page', () => void popups++);
    await page.waitForFunction(() => typeof (window as unknown as { show?: unknown }).show === 'function');
    chromeBefore = await page.evaluate(() => (window as unknown as { chrome: () => Chrome }).chrome());
    armed = true;
  });

  after(async () => {
    await opened?.close();
    await new Promise((resolve) => listener?.close(resolve));
    await recordSecurityFigures('corpus', figures);
  });

  it('generates at least 500 distinct XSS vectors across every class, and every blns string in its HTML contexts', () => {
    assert.ok(vectors.length >= 500, `${vectors.length} vectors`);
    assert.equal(new Set(vectors.map((v) => v.id)).size, vectors.length);
    const families = new Set(vectors.map((v) => v.family));
    for (const family of ['script', 'event-handler', 'url-scheme', 'svg-mathml', 'mxss', 'css', 'meta-refresh', 'base', 'form', 'frame', 'embed', 'template-shadow', 'dangling-markup', 'dom-clobbering', 'image', 'link', 'ping', 'encoding']) {
      assert.ok(families.has(family as HostileVector['family']), family);
    }
    assert.ok(naughty.length >= 485 * 3, `${naughty.length} blns messages`);
    assert.equal(parseThrows, 0, 'parseMessage threw');
    assert.equal(shownVectors.length + shownNaughty.length, vectors.length + naughty.length);
  });

  it('the vectors are live: with every layer removed, the page sees them run and fetch', async () => {
    const raw = await showAll(shownVectors, 'raw');
    const fetched = idsIn([...raw.requests, ...raw.hits], vectors.map((v) => v.id));
    const live = new Set([...raw.ran, ...fetched]);
    // The two plainest vectors must show up, or the harness could not see an execution at all.
    assert.ok(raw.ran.has('script-001'), 'an inline <script> in a frame allowed scripts ran, and the page saw its signal');
    assert.ok(raw.ran.has('event-handler-001'), 'an <img onerror> ran');
    assert.ok(fetched.size > 0, 'some vector fetched from the listener');
    figures.push({
      area: 'corpus',
      name: 'XSS vectors that run or fetch with every defence removed (the corpus is live)',
      tried: vectors.length,
      bad: 0,
      outcome: `${live.size} of ${vectors.length} ran (${raw.ran.size}) or fetched (${fetched.size}) in a frame with scripts allowed, no sanitizer and no CSP`,
    });
  });

  it('XSS vectors as the reader shows them: nothing runs, nothing is fetched, the app chrome is untouched', async () => {
    const shown = await showAll(shownVectors, 'reader');
    const requested = [...shown.requests, ...shown.hits];
    figures.push(
      { area: 'corpus', name: 'XSS vectors through parse, sanitize and the sandboxed frame', tried: vectors.length, bad: shown.ran.size, outcome: shown.ran.size === 0 ? 'none ran' : `ran: ${[...shown.ran].join(', ')}` },
      { area: 'corpus', name: 'requests before consent while showing the XSS vectors', tried: vectors.length, bad: requested.length, outcome: requested.length === 0 ? 'no request left the page' : requested.slice(0, 5).join(', ') },
    );
    assert.deepEqual([...shown.ran], [], 'vectors that ran');
    assert.deepEqual(requested, [], 'requests before consent');
    assert.equal(shown.chromeChanged, 0, 'batches after which the app chrome had changed');
    assert.deepEqual([dialogs, popups], [0, 0], 'dialogs and popups');
  });

  it('blns strings in body text, attributes and URLs as the reader shows them: nothing runs, nothing is fetched', async () => {
    const shown = await showAll(shownNaughty, 'reader');
    const requested = [...shown.requests, ...shown.hits];
    figures.push({
      area: 'corpus',
      name: 'blns strings in HTML contexts through parse, sanitize and the sandboxed frame',
      tried: naughty.length,
      bad: shown.ran.size + requested.length,
      outcome: shown.ran.size + requested.length === 0 ? 'none ran or fetched' : `ran: ${[...shown.ran].slice(0, 5).join(', ')}; fetched: ${requested.slice(0, 5).join(', ')}`,
    });
    assert.deepEqual([...shown.ran], []);
    assert.deepEqual(requested, []);
    assert.equal(shown.chromeChanged, 0);
    assert.deepEqual([dialogs, popups], [0, 0]);
  });

  it('the sanitizer alone (no CSP, scripts allowed in the frame) already stops every XSS vector and every fetch', async () => {
    const shown = await showAll(shownVectors, 'sanitizer-only');
    const requested = [...shown.requests, ...shown.hits];
    figures.push({
      area: 'corpus',
      name: 'XSS vectors with the sanitizer as the only defence (frame allows scripts, no CSP)',
      tried: shown.documents.length,
      bad: shown.ran.size + requested.length,
      outcome: shown.ran.size + requested.length === 0 ? 'none ran or fetched' : `ran: ${[...shown.ran].slice(0, 5).join(', ')}; fetched: ${requested.slice(0, 5).join(', ')}`,
    });
    assert.deepEqual([...shown.ran], [], 'vectors that got past the sanitizer and ran');
    assert.deepEqual(requested, [], 'requests the sanitizer let through');
  });

  describe('EFAIL-style multipart exfiltration', () => {
    let cases: EfailCase[];
    let bodies: Shown[];

    before(async () => {
      cases = efailCases(remote);
      bodies = await Promise.all(cases.map((c) => parsed(c.id, c.message)));
    });

    it('mailparser alone joins the parts into one HTML string; the engine keeps each HTML part between breaks', async () => {
      const first = cases[0] as EfailCase;
      const joined = (await simpleParser(first.message)).html || '';
      assert.match(joined, new RegExp(`<img src="${remote}/${first.id}\\?<br/>\\n<p>${first.secret}</p>`), 'the unclosed URL takes in the secret');
      const kept = (bodies[0] as Shown).html ?? '';
      assert.equal(kept.split(HTML_PART_BREAK).filter((part) => part.includes(`${remote}/${first.id}?`) && part.includes(first.secret)).length, 0, kept);
    });

    it('no request before consent, none with the secret after it, and the secret only ever as text', async () => {
      const blocked = await showAll(bodies, 'reader', false);
      const allowed = await showAll(bodies, 'reader', true);
      const beforeConsent = [...blocked.requests, ...blocked.hits];
      const leaked = cases.filter((c) => [...allowed.requests, ...allowed.hits].some((url) => url.includes(c.secret)));
      const misplaced: string[] = [];
      for (const [index, c] of cases.entries()) {
        const places = await page.evaluate(([doc, secret]) => (window as unknown as { secretPlaces: (d: string, s: string) => string[] }).secretPlaces(doc, secret), [blocked.documents[index] as string, c.secret] as const);
        const wrong = places.filter((place) => place !== 'text');
        if (wrong.length > 0 || (c.secretShown && places.length === 0)) misplaced.push(`${c.id}: ${places.join(', ') || 'not shown'}`);
      }
      figures.push({
        area: 'corpus',
        name: 'EFAIL-style multiparts (an open URL or element in one part, the secret in the next)',
        tried: cases.length,
        bad: beforeConsent.length + leaked.length + misplaced.length + blocked.ran.size + allowed.ran.size,
        outcome:
          `${beforeConsent.length} requests before consent; after consent ${leaked.length} requests carried a secret; ` +
          `${misplaced.length} secrets outside the text`,
      });
      assert.deepEqual(beforeConsent, [], 'requests before consent');
      assert.deepEqual(leaked.map((c) => c.id), [], 'requests that carried the secret after consent');
      assert.deepEqual(misplaced, [], 'secrets in an attribute, style sheet or comment, or not shown at all');
      assert.deepEqual([...blocked.ran, ...allowed.ran], []);
      assert.equal(blocked.chromeChanged + allowed.chromeChanged, 0);
    });
  });
});

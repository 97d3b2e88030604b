// Search tokens: folding, word splitting across scripts, addresses, caps, and queries tokenized the same way as the index.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  bodyWords,
  foldText,
  headerWords,
  MAX_BODY_WORDS,
  MAX_HEADER_WORDS,
  MAX_WORD_LENGTH,
  queryWords,
} from '../../shared/search-tokens';

const header = (over: Partial<Parameters<typeof headerWords>[0]> = {}) => ({ subject: '', from: [], to: [], cc: [], ...over });

/** Whether a query finds a message with these tokens: every query word is a prefix of some token. */
function finds(tokens: string[], query: string): boolean {
  const words = queryWords(query);
  return words.length > 0 && words.every((word) => tokens.some((token) => token.startsWith(word)));
}

test('folding lower-cases and strips diacritics, so people can type without them', () => {
  assert.equal(foldText('Grüße aus Köln'), 'grusse aus koln');
  assert.equal(foldText('Crème Brûlée'), 'creme brulee');
  assert.equal(foldText('ÆSIR Œuvre Øresund Łódź'), 'aesir oeuvre oresund lodz');
  assert.equal(foldText('ΟΔΥΣΣΕΥΣ'), 'οδυσσευσ');
  assert.equal(foldText('ﬁle'), 'file');
  assert.equal(foldText('Ёлка'), 'елка');
});

test('"Grüße" in a subject is found by "grusse", "grüße" and "GRU"', () => {
  const tokens = headerWords(header({ subject: 'Herzliche Grüße' }));
  assert.ok(finds(tokens, 'grusse'));
  assert.ok(finds(tokens, 'grüße'));
  assert.ok(finds(tokens, 'GRU'));
  assert.ok(!finds(tokens, 'grut'));
});

test('words split on anything but letters and digits, in any script; one-letter words are dropped', () => {
  const tokens = headerWords(header({ subject: 'Re: [heron-dev] Q3 plan — v2.1, see a/b (Привет, мир!) 2024' }));
  for (const word of ['re', 'heron', 'dev', 'q3', 'plan', 'v2', 'see', 'привет', 'мир', '2024']) assert.ok(tokens.includes(word), word);
  for (const word of ['a', 'b', '1', 'v2.1', 're:']) assert.ok(!tokens.includes(word), word);
});

test('addresses are indexed whole, by local part and by domain, as well as by their words', () => {
  const tokens = headerWords(header({ from: [{ name: 'Ann Lee', address: 'Ann.Lee@Example.TEST' }], to: [{ name: '', address: 'team@lists.heron.test' }] }));
  for (const word of ['ann.lee@example.test', 'ann.lee', 'example.test', 'ann', 'lee', 'example', 'test', 'team@lists.heron.test', 'lists.heron.test', 'team'])
    assert.ok(tokens.includes(word), word);
  assert.ok(finds(tokens, 'ann.lee@exa'));
  assert.ok(finds(tokens, '@example.test'));
  assert.ok(finds(tokens, '<team@lists.heron.test>'));
  assert.ok(!finds(tokens, 'bob@example.test'));
});

test('addresses inside body text are found whole too', () => {
  const tokens = bodyWords('Write to support@heron.test, or call.', null);
  assert.ok(tokens.includes('support@heron.test'));
  assert.ok(tokens.includes('heron.test'));
  assert.ok(finds(tokens, 'support@her'));
});

test('Chinese and Japanese text without spaces is indexed as character pairs, so a word inside a run is found', () => {
  const tokens = bodyWords('会議の議事録を送ります。メールを確認してください', null);
  assert.ok(finds(tokens, '議事録'));
  assert.ok(finds(tokens, 'メール'));
  assert.ok(finds(tokens, '確認'));
  assert.ok(!finds(tokens, '議事メ'));
  // A lone ideograph is a word.
  assert.ok(headerWords(header({ subject: '件 Heron' })).includes('件'));
});

test('a query word that is a prefix of another is dropped, and pieces without letters give no words', () => {
  assert.deepEqual(queryWords('ann anna'), ['anna']);
  assert.deepEqual(queryWords('  , . - a '), []);
  assert.deepEqual(queryWords('Meeting   NOTES'), ['meeting', 'notes']);
});

test('long words are cut alike in the index and in queries, so they still match', () => {
  const long = 'x'.repeat(100);
  const tokens = bodyWords(`token ${long}`, null);
  assert.ok(tokens.every((t) => t.length <= MAX_WORD_LENGTH));
  assert.ok(finds(tokens, long));
});

test('a huge body gives at most MAX_BODY_WORDS words, and words already in the header are not repeated', () => {
  const text = Array.from({ length: 50_000 }, (_, i) => `word${i}`).join(' ');
  const tokens = bodyWords(text, null, new Set(['word0']));
  assert.equal(tokens.length, MAX_BODY_WORDS);
  assert.ok(!tokens.includes('word0'));
  assert.ok(tokens.includes('word1'));
});

test('a message to thousands of recipients gives at most MAX_HEADER_WORDS words', () => {
  const to = Array.from({ length: 2_000 }, (_, i) => ({ name: `Person ${i}`, address: `p${i}@example.test` }));
  assert.equal(headerWords(header({ subject: 'All hands', to })).length, MAX_HEADER_WORDS);
});

test('an HTML-only body is read without its tags, scripts and styles', () => {
  const tokens = bodyWords(null, '<style>.x{color:red}</style><p>Quarterly&nbsp;<b>report</b></p><script>var secret=1</script>');
  assert.ok(tokens.includes('quarterly'));
  assert.ok(tokens.includes('report'));
  for (const word of ['color', 'red', 'secret', 'var', 'nbsp', 'style']) assert.ok(!tokens.includes(word), word);
});

test('an address is read within RFC 5321 limits, so a huge run of letters costs linear time, not quadratic', () => {
  // A local part past 64 still gives its domain (the longer tokens are past MAX_WORD_LENGTH anyway).
  assert.ok(bodyWords(`mail ${'a'.repeat(70)}@example.com now`, null).includes('example.com'));
  assert.ok(bodyWords('write to ann.lee@example.com', null).includes('ann.lee@example.com'));
  // 200,000 letters with no "@": unbounded, this took minutes; it must simply come back with the run as one word.
  assert.deepEqual(bodyWords('x'.repeat(200_000), null).length, 1);
});

// The SECURITY.md figures table: grouped by area with totals, cells that cannot break the table, the block replaced
// between its markers only, and every bad figure found.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { badFigures, FIGURES_END, FIGURES_START, renderFigures, replaceFigures, type RecordedSuite } from '../../scripts/security-report';

const context = { generatedAt: new Date('2026-03-04T05:06:07Z'), commit: '`abc1234`' };
const at = new Date('2026-03-04T04:00:00Z');

const suites: RecordedSuite[] = [
  {
    suite: 'hostile-imap',
    recordedAt: at,
    figures: [
      { area: 'hostile-server', name: 'STARTTLS stripped', tried: 9, bad: 0, outcome: 'refused before LOGIN' },
      { area: 'hostile-server', name: 'PREAUTH greeting', tried: 3, bad: 0, outcome: 'closed' },
    ],
  },
  {
    suite: 'corpus-xss',
    recordedAt: at,
    figures: [{ area: 'corpus', name: 'XSS vectors | in the frame', tried: 1200, bad: 0, outcome: 'none ran\nnone fetched' }],
  },
  {
    suite: 'canary',
    recordedAt: at,
    figures: [{ area: 'hardening', name: 'canary scan', tried: 160, bad: 0, outcome: 'no hit' }],
  },
];

describe('renderFigures', () => {
  const block = renderFigures(suites, context);
  const lines = block.split('\n');

  it('says when, from which commit and from which suites', () => {
    assert.equal(lines[0], 'Generated 2026-03-04 05:06 UTC from commit `abc1234` by `scripts/security-report.ts`.');
    assert.match(block, /Recorded by: `canary` \(2026-03-04 04:00 UTC\), `corpus-xss` \(2026-03-04 04:00 UTC\), `hostile-imap` \(2026-03-04 04:00 UTC\)\./);
  });

  it('groups the rows by area, in a fixed order, each with its total of bad', () => {
    const headings = lines.filter((line) => line.startsWith('### '));
    assert.deepEqual(headings, ['### Hostile servers', '### Injected faults', '### Hostile input corpora', '### Electron hardening and secrets']);
    const hostile = block.slice(block.indexOf('### Hostile servers'), block.indexOf('### Injected faults'));
    assert.match(hostile, /\| Suite \| What was tried \| Tried \| Bad \| Outcome \|/);
    assert.match(hostile, /\| hostile-imap \| STARTTLS stripped \| 9 \| 0 \| refused before LOGIN \|/);
    assert.match(hostile, /\| \*\*All\*\* \| 2 figures \| \| \*\*0\*\* \| \|/);
  });

  it('says so for an area without figures', () => {
    const faults = block.slice(block.indexOf('### Injected faults'), block.indexOf('### Hostile input corpora'));
    assert.match(faults, /_No figures recorded in this area\._/);
    assert.doesNotMatch(faults, /\| Suite/);
  });

  it('keeps pipes and line breaks in a figure from breaking the table', () => {
    const row = lines.find((line) => line.startsWith('| corpus-xss'));
    assert.equal(row, '| corpus-xss | XSS vectors \\| in the frame | 1200 | 0 | none ran none fetched |');
  });

  it('asks for a run when nothing was recorded', () => {
    assert.match(renderFigures([], context), /No figures recorded yet: run `npm test`\./);
  });

  it('is the same for the same figures, whatever order the suites came in', () => {
    assert.equal(renderFigures([...suites].reverse(), context), block);
  });
});

describe('replaceFigures', () => {
  const document = `# Security\n\nIntro.\n\n${FIGURES_START}\nold table\n${FIGURES_END}\n\n## Reporting\n`;

  it('replaces only what is between the markers, keeping them', () => {
    const updated = replaceFigures(document, 'NEW');
    assert.equal(updated, `# Security\n\nIntro.\n\n${FIGURES_START}\nNEW\n${FIGURES_END}\n\n## Reporting\n`);
    assert.equal(replaceFigures(updated, 'NEW'), updated);
  });

  it('refuses a document without both markers in order', () => {
    assert.throws(() => replaceFigures('# Security\n', 'x'), /figures:start/);
    assert.throws(() => replaceFigures(`${FIGURES_END}\n${FIGURES_START}`, 'x'), /figures:start/);
  });

  it('finds the markers in the real SECURITY.md', () => {
    const real = readFileSync(new URL('../../SECURITY.md', import.meta.url), 'utf8');
    assert.doesNotThrow(() => replaceFigures(real, 'x'));
  });
});

describe('badFigures', () => {
  it('is empty when every figure is 0 bad', () => assert.deepEqual(badFigures(suites), []));

  it('names every figure with bad > 0', () => {
    const leaked: RecordedSuite = { suite: 'canary', recordedAt: at, figures: [{ area: 'hardening', name: 'scan', tried: 10, bad: 2, outcome: 'found' }] };
    assert.deepEqual(badFigures([...suites, leaked]), [{ suite: 'canary', figure: leaked.figures[0] }]);
    assert.match(renderFigures([...suites, leaked], context), /\| \*\*All\*\* \| 2 figures \| \| \*\*2\*\* \| \|/);
  });
});

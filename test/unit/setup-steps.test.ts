// Which wizard step comes next: discovery from the first step, "Configure manually" from anywhere, verify before saving,
// and "Back" never into a step that only lasts while the engine works.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { advance, FIRST_STEP, type SetupEvent, type SetupProgress } from '../../src-renderer/features/setup/setup-steps';

const walk = (...events: SetupEvent[]): SetupProgress => events.reduce(advance, FIRST_STEP);

describe('wizard steps', () => {
  it('goes account -> discovering -> results -> verify', () => {
    assert.equal(walk('find').step, 'discovering');
    assert.equal(walk('find', 'discovered').step, 'results');
    assert.equal(walk('find', 'discovered', 'check').step, 'verify');
  });

  it('offers manual configuration from every step', () => {
    assert.equal(walk('configure-manually').step, 'manual');
    assert.equal(walk('find', 'configure-manually').step, 'manual');
    assert.equal(walk('find', 'discovered', 'configure-manually').step, 'manual');
    assert.equal(walk('configure-manually', 'check', 'configure-manually').step, 'manual');
  });

  it('goes back past discovery and verification', () => {
    assert.deepEqual(walk('find', 'discovered', 'back'), FIRST_STEP);
    assert.equal(walk('find', 'configure-manually', 'back').step, 'account');
    assert.equal(walk('find', 'discovered', 'check', 'back').step, 'results');
    assert.equal(walk('find', 'discovered', 'configure-manually', 'back').step, 'results');
    assert.equal(walk('configure-manually', 'check', 'back').step, 'manual');
  });

  it('changing settings after a check returns to the manual step rather than stacking it', () => {
    const progress = walk('configure-manually', 'check', 'configure-manually');
    assert.deepEqual(progress, { step: 'manual', trail: ['account'] });
    assert.deepEqual(advance(progress, 'back'), FIRST_STEP);
  });

  it('ignores events that make no sense where the wizard is', () => {
    assert.deepEqual(walk('check'), FIRST_STEP);
    assert.deepEqual(walk('discovered'), FIRST_STEP);
    assert.deepEqual(walk('back'), FIRST_STEP);
    assert.equal(walk('find', 'check').step, 'discovering');
    assert.equal(walk('configure-manually', 'find').step, 'manual');
  });
});

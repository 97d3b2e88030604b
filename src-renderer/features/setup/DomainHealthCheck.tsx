// "Check sending domain": the SPF, DMARC and (for a typed selector) DKIM records of an address's domain, as advice that never blocks.

import { useId, useState, type FormEvent } from 'react';
import type { EngineApi } from '../../../shared/contract';
import { toHeronError, type HeronError } from '../../../shared/errors';
import type { DomainHealth } from '../../../shared/setup';
import { ErrorNote } from '../accounts/ErrorNote';
import { healthSections } from './domain-health';
import { emailDomain } from './setup-form';
import './domain-health.css';

type CheckState = { status: 'idle' } | { status: 'running' } | { status: 'done'; health: DomainHealth } | { status: 'failed'; error: HeronError };

function Report({ health }: { health: DomainHealth }) {
  return (
    <>
      {healthSections(health).map((section) => (
        <div key={section.title} className={`health-section ${section.tone}`} role="group" aria-label={section.title}>
          <h4>
            {section.title}: {section.verdict}
          </h4>
          {section.facts.length > 0 && (
            <dl>
              {section.facts.map(([term, value]) => (
                <div key={term}>
                  <dt>{term}</dt>
                  <dd>{value}</dd>
                </div>
              ))}
            </dl>
          )}
        </div>
      ))}
      {health.advice.length > 0 ? (
        <ul className="health-advice" aria-label="Advice">
          {health.advice.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      ) : (
        <p className="hint">Nothing to improve.</p>
      )}
    </>
  );
}

export function DomainHealthCheck({ engine, email }: { engine: EngineApi; email: string }) {
  const id = useId();
  const domain = emailDomain(email);
  const [selector, setSelector] = useState('');
  const [state, setState] = useState<CheckState>({ status: 'idle' });

  const check = async (event: FormEvent) => {
    event.preventDefault();
    setState({ status: 'running' });
    try {
      setState({ status: 'done', health: await engine.checkDomainHealth(domain, selector.trim() || null) });
    } catch (failure) {
      setState({ status: 'failed', error: toHeronError(failure) });
    }
  };

  return (
    <form className="domain-health" aria-labelledby={`${id}-title`} onSubmit={(event) => void check(event)}>
      <h3 id={`${id}-title`}>Sending domain</h3>
      <p className="hint">
        How receivers can tell that mail from {domain} is really yours: its SPF, DMARC and DKIM records in DNS. This is advice for whoever runs the domain;
        it changes nothing in Heron and never stops you from sending.
      </p>
      <div className="field">
        <label htmlFor={`${id}-selector`}>DKIM selector (optional)</label>
        <input id={`${id}-selector`} value={selector} spellCheck={false} autoComplete="off" aria-describedby={`${id}-selector-hint`} onChange={(e) => setSelector(e.target.value)} />
      </div>
      <p className="hint" id={`${id}-selector-hint`}>
        The s= value in the DKIM-Signature header of a message sent from {domain}. Without it, DKIM is not checked.
      </p>
      <div className="actions">
        <p className="visually-hidden" role="status">
          {state.status === 'running' ? `Checking ${domain}…` : state.status === 'done' ? `The check of ${domain} has finished.` : ''}
        </p>
        <button type="submit" disabled={state.status === 'running' || domain === ''}>
          {state.status === 'done' || state.status === 'failed' ? 'Check sending domain again' : 'Check sending domain'}
        </button>
      </div>
      {state.status === 'failed' && <ErrorNote error={state.error} />}
      {state.status === 'done' && (
        <div className="health-report" role="region" aria-label={`Sending domain health of ${state.health.domain}`}>
          <Report health={state.health} />
        </div>
      )}
    </form>
  );
}

// Every lookup discovery made, as it happened: source, what was asked, the outcome and how long it took.

import type { DiscoveryLogEntry } from '../../../shared/setup';
import { LOG_OUTCOME, LOG_SOURCE_LABELS } from './found-servers';

export function DiscoveryLog({ log }: { log: DiscoveryLogEntry[] }) {
  return (
    <details className="discovery-log" open>
      <summary>What Heron tried ({log.length} {log.length === 1 ? 'lookup' : 'lookups'})</summary>
      <ol aria-label="Discovery log">
        {log.map((entry, index) => (
          <li key={index} className={entry.outcome}>
            <span className="mark" aria-hidden="true">
              {LOG_OUTCOME[entry.outcome].mark}
            </span>
            <span className="visually-hidden">{LOG_OUTCOME[entry.outcome].words}: </span>
            <span className="source">{LOG_SOURCE_LABELS[entry.source]}</span> <code>{entry.what}</code> <span className="detail">{entry.detail}</span>{' '}
            <span className="ms">{Math.round(entry.ms)} ms</span>
          </li>
        ))}
      </ol>
    </details>
  );
}

// The account setup wizard: name, address, password -> find settings -> what was found -> really connect -> save.

import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import type { AppInfo, EngineApi } from '../../../shared/contract';
import { toHeronError, type HeronError } from '../../../shared/errors';
import type { IncomingSettings } from '../../../shared/model';
import type { DiscoveryResult } from '../../../shared/setup';
import { ErrorNote } from '../accounts/ErrorNote';
import { AccountStep } from './AccountStep';
import { ManualStep } from './ManualStep';
import { ResultsStep, type DiscoveryState, type FoundChoice } from './ResultsStep';
import { emailDomain, EMPTY_SETUP, incomingOf, outgoingOf, toAccountInput, withFound, type SetupForm } from './setup-form';
import { advance, FIRST_STEP, type SetupEvent, type SetupStep } from './setup-steps';
import { UnencryptedWarning } from './UnencryptedWarning';
import { acknowledgementKey, isAcknowledged, unencryptedServers } from './unencrypted';
import { addAccountLabel, canAddAccount, incomingSummary, outgoingSummary, startVerification, type Verification } from './verification';
import { VerifyStep } from './VerifyStep';
import './setup.css';

const TITLES: Record<SetupStep, string> = {
  account: 'Your account',
  discovering: 'Finding your settings',
  results: 'Your settings',
  manual: 'Server settings',
  verify: 'Checking the connection',
};

/** A certificate the person trusted, for the server that presented it: another host or port does not inherit it. */
interface Pin {
  server: string;
  fingerprint256: string;
}

const pinKey = (incoming: IncomingSettings) => `${incoming.host.toLowerCase()}:${incoming.port}`;

interface Props {
  engine: EngineApi;
  info: AppInfo;
  onAdded: () => void;
  onCancel?: (() => void) | undefined;
}

export function SetupWizard({ engine, info, onAdded, onCancel }: Props) {
  const formElement = useRef<HTMLFormElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const [form, setForm] = useState<SetupForm>(EMPTY_SETUP);
  const [progress, setProgress] = useState(FIRST_STEP);
  const [discovery, setDiscovery] = useState<DiscoveryState | null>(null);
  const [choice, setChoice] = useState<FoundChoice>({ incoming: 0, outgoing: 0 });
  const [acknowledged, setAcknowledged] = useState<string | null>(null);
  const [pin, setPin] = useState<Pin | null>(null);
  const [verification, setVerification] = useState<Verification | null>(null);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<HeronError | null>(null);
  // Each step change and each engine call gets a number: an answer for a step the person has left is dropped.
  const generation = useRef(0);
  const shownStep = useRef<SetupStep>(FIRST_STEP.step);

  const incoming = incomingOf(form);
  const outgoing = outgoingOf(form);
  const pinned = pin && pin.server === pinKey(incoming) ? pin.fingerprint256 : null;
  const unencrypted = unencryptedServers(incoming, outgoing);
  const warningAccepted = isAcknowledged(unencrypted, acknowledged);
  const step = progress.step;

  // A new step announces itself: focus goes to its heading (not on first render, where the page's own heading leads).
  useEffect(() => {
    if (shownStep.current === step) return;
    shownStep.current = step;
    heading.current?.focus();
  }, [step]);

  function go(event: SetupEvent) {
    generation.current++;
    setSaveError(null);
    setProgress((p) => advance(p, event));
  }

  /** The chosen found servers go into the form at once, so "Configure manually" and the checks start from them. */
  function chooseFound(result: DiscoveryResult, next: FoundChoice) {
    const found = result.incoming[next.incoming];
    setChoice(next);
    if (found) setForm((f) => withFound(f, found.settings, result.outgoing[next.outgoing]?.settings ?? null));
  }

  async function find() {
    go('find');
    const id = generation.current;
    setDiscovery({ status: 'running' });
    let outcome: DiscoveryState;
    try {
      const result = await engine.discoverSettings(form.email.trim());
      if (generation.current !== id) return;
      chooseFound(result, { incoming: 0, outgoing: 0 });
      outcome = { status: 'done', result };
    } catch (failure) {
      if (generation.current !== id) return;
      outcome = { status: 'failed', error: toHeronError(failure) };
    }
    setDiscovery(outcome);
    go('discovered');
  }

  async function verify(fingerprint256: string | null) {
    const id = ++generation.current;
    const password = form.password;
    setSaveError(null);
    setVerification(startVerification(outgoing !== null));
    const settle = (change: Partial<Verification>) => {
      if (generation.current === id) setVerification((v) => v && { ...v, ...change });
    };
    try {
      settle({ incoming: { status: 'ok', summary: incomingSummary(await engine.testIncoming(incoming, password, fingerprint256), incoming.host) } });
    } catch (failure) {
      // The outgoing server is not tried after a failure: the password goes out no more often than needed.
      settle({ incoming: { status: 'failed', error: toHeronError(failure) }, outgoing: { status: outgoing ? 'skipped' : 'none' } });
      return;
    }
    if (!outgoing) return;
    settle({ outgoing: { status: 'checking' } });
    try {
      settle({ outgoing: { status: 'ok', summary: outgoingSummary(await engine.testOutgoing(outgoing, password, fingerprint256), outgoing.host) } });
    } catch (failure) {
      settle({ outgoing: { status: 'failed', error: toHeronError(failure) } });
    }
  }

  function check() {
    go('check');
    void verify(pinned);
  }

  function trust(fingerprint256: string) {
    setPin({ server: pinKey(incoming), fingerprint256 });
    void verify(fingerprint256);
  }

  async function save() {
    setSaving(true);
    setSaveError(null);
    try {
      await engine.addAccount(toAccountInput(form, pinned));
      onAdded();
    } catch (failure) {
      const error = toHeronError(failure);
      // The certificate changed since the check: ask again, where the certificate question lives.
      if (error.code === 'certificate-untrusted') setVerification((v) => v && { ...v, incoming: { status: 'failed', error } });
      else setSaveError(error);
    } finally {
      setSaving(false);
    }
  }

  const foundSomething = discovery?.status === 'done' && discovery.result.incoming.length > 0;
  const showWarning = step === 'manual' || step === 'verify' || (step === 'results' && foundSomething);
  const canCheck = warningAccepted && (step === 'manual' || foundSomething);
  const canSave = !saving && warningAccepted && verification !== null && canAddAccount(verification);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (step === 'account') void find();
    else if ((step === 'results' || step === 'manual') && canCheck) check();
    else if (step === 'verify' && canSave) void save();
  };

  const configureManually = () => {
    // From the first step the address and password must be there, as for finding settings.
    if (step !== 'account' || formElement.current?.reportValidity()) go('configure-manually');
  };

  const back = progress.trail.length > 0 && (
    <button type="button" onClick={() => go('back')}>
      Back
    </button>
  );
  const manualLink = (label: string) => (
    <button type="button" className="link-button" onClick={configureManually}>
      {label}
    </button>
  );
  const warning = showWarning && (
    <UnencryptedWarning servers={unencrypted} acknowledged={warningAccepted} onAcknowledge={(yes) => setAcknowledged(yes ? acknowledgementKey(unencrypted) : null)} />
  );

  let body: ReactNode;
  let actions: ReactNode;
  switch (step) {
    case 'account':
      body = <AccountStep form={form} info={info} onChange={setForm} />;
      actions = (
        <>
          {onCancel && (
            <button type="button" onClick={onCancel}>
              Cancel
            </button>
          )}
          {manualLink('Configure manually')}
          <button type="submit">
            Find settings
          </button>
        </>
      );
      break;
    case 'discovering':
    case 'results':
      body = discovery && <ResultsStep domain={emailDomain(form.email)} discovery={discovery} choice={choice} onChoose={(next) => discovery.status === 'done' && chooseFound(discovery.result, next)} />;
      actions = (
        <>
          {back}
          {manualLink('Configure manually')}
          {foundSomething && step === 'results' && (
            <button type="submit" disabled={!canCheck}>
              Check connection
            </button>
          )}
        </>
      );
      break;
    case 'manual':
      body = <ManualStep form={form} onChange={setForm} />;
      actions = (
        <>
          {back}
          <button type="submit" disabled={!canCheck}>
            Check connection
          </button>
        </>
      );
      break;
    case 'verify':
      body = verification && (
        <VerifyStep engine={engine} incoming={incoming} outgoing={outgoing} password={form.password} pinnedFingerprint256={pinned} verification={verification} busy={saving} onTrust={trust} />
      );
      actions = (
        <>
          {manualLink('Change settings')}
          {verification && (verification.incoming.status === 'failed' || verification.outgoing.status === 'failed') && (
            <button type="button" onClick={() => void verify(pinned)}>
              Try again
            </button>
          )}
          <button type="submit" disabled={!canSave}>
            {saving ? 'Adding…' : verification ? addAccountLabel(verification) : 'Add account'}
          </button>
        </>
      );
      break;
  }

  return (
    <form ref={formElement} className="account-form setup-wizard" aria-label="Add account" onSubmit={onSubmit}>
      <h2>Add account</h2>
      <h3 ref={heading} tabIndex={-1}>
        {TITLES[step]}
      </h3>
      {body}
      {warning}
      {saveError && <ErrorNote error={saveError} />}
      {/* Keyed by step: a clicked button must not live on as the next step's submit button, whose default action would then submit. */}
      <div className="actions" key={step}>
        {actions}
      </div>
    </form>
  );
}

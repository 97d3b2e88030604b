// The reader: one message's header, its body in the sandboxed frame (remote content blocked until allowed), attachments and source; for a POP3 message kept in part, the way to the rest.

import { useLiveQuery } from 'dexie-react-hooks';
import { useMemo, useState } from 'react';
import type { AppInfo, EngineApi } from '../../../shared/contract';
import { toHeronError, type HeronError } from '../../../shared/errors';
import type { AccountSummary, Address, MessageBody, MessageSource } from '../../../shared/model';
import type { HeronDb } from '../../store/db';
import type { MessageRef } from '../compose/compose-start';
import type { ComposeKind } from '../compose/reply';
import { ErrorNote } from '../accounts/ErrorNote';
import { Attachments } from './Attachments';
import { buildFrameDocument } from './frame-document';
import type { LinkPolicy } from './link-target';
import { MessageDate } from './MessageDate';
import { MessageFrame } from './MessageFrame';
import { PartialMessageBar } from './PartialMessageBar';
import { plainTextToHtml } from './plain-text';
import { RemoteContentBar } from './RemoteContentBar';
import { allowRemoteForSender, forgetRemoteForSender, useSenderAllowsRemote } from './remote-consent';
import { sanitizeMessageHtml } from './sanitize';
import { SenderLine } from './SenderLine';
import { authSummary, normalizeAddress, trustedAuthservIds } from './sender';
import { SourceView } from './SourceView';
import { useMessageBody } from './use-body';
import './reader.css';

export interface ReaderProps {
  db: HeronDb;
  engine: EngineApi;
  info: AppInfo;
  account: AccountSummary;
  folderPath: string;
  uid: number;
  onCompose: (kind: ComposeKind, message: MessageRef) => void;
  onEditDraft: (message: MessageRef) => void;
}

interface Rendered {
  document: string;
  remote: number;
  forms: number;
  blockedLinks: number;
}

function addressList(addresses: readonly Address[]): string {
  return addresses.map((a) => (a.name ? `${a.name} <${a.address}>` : a.address)).join(', ');
}

function render(body: MessageBody, allowRemote: boolean, links: LinkPolicy): Rendered {
  if (body.html !== null) {
    const clean = sanitizeMessageHtml(window, body.html, { inlineParts: body.inlineParts, allowRemote, links });
    return { document: buildFrameDocument(clean, allowRemote), remote: clean.remote, forms: clean.forms, blockedLinks: clean.blockedLinks };
  }
  const content = plainTextToHtml(body.text ?? '', links);
  return { document: buildFrameDocument({ styles: [], bodyAttributes: [], content }, false), remote: 0, forms: 0, blockedLinks: 0 };
}

type SourceState = null | 'loading' | MessageSource | HeronError;

export function Reader({ db, engine, info, account, folderPath, uid, onCompose, onEditDraft }: ReaderProps) {
  const found = useLiveQuery(() => db.messages.get([account.id, folderPath, uid]).then((header) => ({ header })), [db, account.id, folderPath, uid]);
  const header = found?.header;
  const body = useMessageBody(db, engine, account.id, folderPath, uid);
  const readyBody = body.status === 'ready' ? body.body : null;
  const senderAddress = header?.from[0]?.address ? normalizeAddress(header.from[0].address) : null;
  const senderAllows = useSenderAllowsRemote(db, senderAddress);
  const [showOnce, setShowOnce] = useState(false);
  const [source, setSource] = useState<SourceState>(null);

  const auth = useMemo(() => authSummary(readyBody?.authResults, account), [readyBody, account]);
  // A sender whose domain says "not us" (DMARC fail) does not inherit the real sender's permission.
  const senderAllowed = senderAllows === true && auth.dmarc !== 'fail';
  const allowRemote = showOnce || senderAllowed;
  const links = useMemo<LinkPolicy>(
    // app://heron/open in the desktop app (read by the shell, never loaded), the engine's page in browser mode.
    () => ({ mode: info.mode, openLinkBase: `${window.location.origin}/open`, linkToken: info.linkToken ?? null }),
    [info.mode, info.linkToken],
  );
  const rendered = useMemo(() => (readyBody ? render(readyBody, allowRemote, links) : null), [readyBody, allowRemote, links]);

  const viewSource = () => {
    setSource('loading');
    engine.fetchSource(account.id, folderPath, uid).then(setSource, (error: unknown) => setSource(toHeronError(error)));
  };

  if (found && !header) {
    return (
      <article className="reader" aria-label="Message">
        <p className="reader-note">This message is no longer in the folder.</p>
      </article>
    );
  }
  const subject = header ? header.subject.trim() || '(no subject)' : '';
  const ref: MessageRef = { accountId: account.id, folderPath, uid };
  const attachments = readyBody ? readyBody.attachments.filter((a) => !(a.inline && a.contentId !== null && a.contentId in readyBody.inlineParts)) : [];

  return (
    <article className="reader" aria-label={subject || 'Message'}>
      {header && (
        <header className="reader-header">
          <h2 className="reader-subject">{subject}</h2>
          <SenderLine from={header.from} auth={auth} checkedBy={trustedAuthservIds(account).join(', ')} />
          {header.to.length > 0 && (
            <p className="reader-recipients">
              <span className="label">To</span> {addressList(header.to)}
            </p>
          )}
          {header.cc.length > 0 && (
            <p className="reader-recipients">
              <span className="label">Cc</span> {addressList(header.cc)}
            </p>
          )}
          <p className="reader-date">
            <MessageDate date={header.date} />
          </p>
          <div className="reader-tools">
            {header.flags.includes('\\Draft') ? (
              <button type="button" onClick={() => onEditDraft(ref)}>
                Edit draft
              </button>
            ) : (
              <>
                <button type="button" onClick={() => onCompose('reply', ref)}>
                  Reply
                </button>
                <button type="button" onClick={() => onCompose('reply-all', ref)}>
                  Reply all
                </button>
                <button type="button" onClick={() => onCompose('forward', ref)}>
                  Forward
                </button>
              </>
            )}
            <button type="button" onClick={viewSource} disabled={source === 'loading'}>
              View source
            </button>
          </div>
        </header>
      )}
      <PartialMessageBar db={db} engine={engine} account={account} folderPath={folderPath} uid={uid} />
      {source instanceof Error && <ErrorNote error={source} />}
      {source !== null && source !== 'loading' && !(source instanceof Error) && <SourceView source={source} onClose={() => setSource(null)} />}
      {body.status === 'loading' && <p className="reader-note">Loading the message…</p>}
      {body.status === 'error' && (
        <div className="reader-error">
          <ErrorNote error={body.error} />
          <button type="button" onClick={body.retry}>
            Try again
          </button>
        </div>
      )}
      {readyBody && rendered && (
        <>
          {readyBody.parseError && <p className="reader-note">Heron could not read all of this message: {readyBody.parseError}</p>}
          {rendered.forms > 0 && <p className="reader-note">This message contained a form. Heron removed it: never enter passwords or card numbers into a message.</p>}
          <RemoteContentBar
            remote={rendered.remote}
            shownOnce={showOnce}
            senderAllowed={senderAllowed}
            senderAddress={auth.dmarc === 'fail' ? null : senderAddress}
            onShowOnce={() => setShowOnce(true)}
            onAllowSender={(address) => void allowRemoteForSender(db, address)}
            onForgetSender={(address) => void forgetRemoteForSender(db, address)}
          />
          <MessageFrame document={rendered.document} />
          <Attachments engine={engine} mode={info.mode} accountId={account.id} folderPath={folderPath} uid={uid} attachments={attachments} />
        </>
      )}
    </article>
  );
}

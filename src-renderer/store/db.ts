// The Heron store: one Dexie database per origin, with a second connection to it that commits with strict durability.

import { Dexie, type DexieOptions, type Table } from 'dexie';
import type { AccountSummary, PopMessage, SyncCursor } from '../../shared/model';
import type {
  AttachmentRow,
  BodyRow,
  ContactRow,
  DraftRow,
  DroppedChangeRow,
  FolderRow,
  MessageRow,
  OutboxRow,
  PendingChangeRow,
  SearchTermRow,
  SettingRow,
  SourceRow,
  ThreadLinkRow,
  ThreadRow,
  UidCounterRow,
} from './rows';
import { declareSchema } from './schema';

export type FolderKey = [accountId: string, path: string];
export type MessageKey = [accountId: string, folderPath: string, uid: number];
export type AttachmentKey = [accountId: string, folderPath: string, uid: number, partId: string];
export type ThreadKey = [accountId: string, threadId: string];
export type CursorKey = [accountId: string, folderPath: string];
export type ThreadLinkKey = [accountId: string, messageId: string];
export type SearchTermKey = [accountId: string, folderPath: string, word: string, seg: number];
export type ContactKey = [accountId: string, key: string];
export type PopMessageKey = [accountId: string, uidl: string];

export type Durability = 'default' | 'strict' | 'relaxed';

export interface HeronDbOptions {
  /**
   * The IndexedDB factory; defaults to the browser's. Node tests pass fake-indexeddb's explicitly (and, to use
   * liveQuery there, set Dexie.dependencies too: Dexie's live queries stay silent without a global IndexedDB).
   */
  indexedDB?: DexieOptions['indexedDB'];
  IDBKeyRange?: DexieOptions['IDBKeyRange'];
  /** The durability hint every read-write transaction of this connection carries. */
  durability?: Durability;
}

/** The database name the app uses; tests pass their own unique names. */
export const HERON_DB_NAME = 'heron';

export class HeronDb extends Dexie {
  /** Display data only: the engine keeps passwords and tokens, and putAccounts copies only AccountSummary fields. */
  declare readonly accounts: Table<AccountSummary, string>;
  declare readonly folders: Table<FolderRow, FolderKey>;
  declare readonly messages: Table<MessageRow, MessageKey>;
  declare readonly bodies: Table<BodyRow, MessageKey>;
  declare readonly attachments: Table<AttachmentRow, AttachmentKey>;
  declare readonly threads: Table<ThreadRow, ThreadKey>;
  declare readonly threadLinks: Table<ThreadLinkRow, ThreadLinkKey>;
  declare readonly syncCursors: Table<SyncCursor, CursorKey>;
  declare readonly outbox: Table<OutboxRow, string>;
  declare readonly drafts: Table<DraftRow, string>;
  declare readonly settings: Table<SettingRow, string>;
  declare readonly pendingChanges: Table<PendingChangeRow, string>;
  declare readonly searchTerms: Table<SearchTermRow, SearchTermKey>;
  declare readonly droppedChanges: Table<DroppedChangeRow, string>;
  declare readonly contacts: Table<ContactRow, ContactKey>;
  declare readonly popMessages: Table<PopMessage, PopMessageKey>;
  declare readonly sources: Table<SourceRow, MessageKey>;
  declare readonly uidCounters: Table<UidCounterRow, string>;

  readonly durability: Durability;
  private readonly connectOptions: HeronDbOptions;
  private strictDb: HeronDb | null = null;

  constructor(name: string = HERON_DB_NAME, options: HeronDbOptions = {}) {
    const dexieOptions: DexieOptions = { chromeTransactionDurability: options.durability ?? 'default' };
    if (options.indexedDB) dexieOptions.indexedDB = options.indexedDB;
    if (options.IDBKeyRange) dexieOptions.IDBKeyRange = options.IDBKeyRange;
    super(name, dexieOptions);
    this.durability = options.durability ?? 'default';
    this.connectOptions = options;
    declareSchema(this);
  }

  /**
   * The connection for commits the engine will act on irreversibly (POP3 DELE). Dexie 4.4 sets
   * durability per Dexie instance, not per transaction, so this is a second connection to the same
   * database. Live queries still see its writes: Dexie announces mutations by database name, not by
   * instance.
   */
  strictConnection(): HeronDb {
    if (this.durability === 'strict') return this;
    this.strictDb ??= new HeronDb(this.name, { ...this.connectOptions, durability: 'strict' });
    return this.strictDb;
  }

  /** Whether the strict connection has been created (tests use it to see which path a batch took). */
  hasStrictConnection(): boolean {
    return this.strictDb !== null;
  }

  override close(closeOptions?: { disableAutoOpen: boolean }): void {
    this.strictDb?.close(closeOptions);
    super.close(closeOptions);
  }
}

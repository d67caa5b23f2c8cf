/**
 * Admins only: terminal credentials (issue one for a new till, its token shown once; revoke),
 * the store mapping of installs with its history, and the users (add with a role, disable,
 * reset a password). The collector refuses all of it to any other role; the page only hides it.
 */
import { useCallback, useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import {
  OFFICE_ROLES,
  type AssignmentRow,
  type CredentialRow,
  type IssuedCredential,
  type Me,
  type OfficeRole,
  type UserRow,
} from '../../shared/head-office';
import { dateTime } from '../src/kit/date-time';
import { StaticTable } from '../src/kit/table/StaticTable';
import { columns } from './columns';
import { officeApi } from './office-api';

type Note = { kind: 'ok' | 'error'; text: string } | undefined;

function NoteLine({ note }: { note: Note }) {
  if (!note) return null;
  return note.kind === 'ok' ? (
    <p className="ho-ok" role="status">
      ✓ {note.text}
    </p>
  ) : (
    <p className="ho-error" role="alert">
      {note.text}
    </p>
  );
}

function Panel({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section className="ho-panel" aria-labelledby={id}>
      <h2 id={id} className="ho-h2">
        {title}
      </h2>
      {children}
    </section>
  );
}

/** Runs an admin action; its refusal or failure becomes the panel's note. */
function useAction(onError: (err: unknown) => void, setNote: (n: Note) => void) {
  const { t } = useTranslation();
  return useCallback(
    async (work: () => Promise<string | undefined>) => {
      try {
        const ok = await work();
        setNote(ok ? { kind: 'ok', text: ok } : undefined);
      } catch (err) {
        onError(err);
        setNote({
          kind: 'error',
          text: t('headOffice.admin.refused', { message: (err as Error).message }),
        });
      }
    },
    [onError, setNote, t],
  );
}

function Credentials({ onError }: { onError: (err: unknown) => void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [rows, setRows] = useState<CredentialRow[] | undefined>();
  const [store, setStore] = useState('');
  const [terminal, setTerminal] = useState('');
  const [issued, setIssued] = useState<
    (IssuedCredential & { store: string; terminal: string }) | undefined
  >();
  const [note, setNote] = useState<Note>();
  const act = useAction(onError, setNote);
  const reload = useCallback(() => officeApi.credentials().then(setRows, onError), [onError]);
  useEffect(() => void reload(), [reload]);

  const issue = (e: FormEvent) => {
    e.preventDefault();
    void act(async () => {
      const c = await officeApi.issueCredential(store, terminal);
      setIssued({ ...c, store: store.trim(), terminal: terminal.trim() });
      setStore('');
      setTerminal('');
      await reload();
      return undefined;
    });
  };
  const revoke = (c: CredentialRow) => {
    if (!window.confirm(t('headOffice.admin.credentials.confirmRevoke', c))) return;
    void act(async () => {
      await officeApi.revokeCredential(c.id);
      await reload();
      return t('headOffice.admin.credentials.revokedNote', { id: c.id });
    });
  };
  const when = (ms: number | null) => (ms === null ? '—' : dateTime(ms, lang, 'Asia/Shanghai'));
  const cols = columns<CredentialRow>([
    {
      id: 'id',
      header: t('headOffice.admin.credentials.id'),
      cell: (r) => <span className="mono">{r.id}</span>,
    },
    { id: 'store', header: t('headOffice.admin.credentials.store'), cell: (r) => r.store },
    { id: 'terminal', header: t('headOffice.admin.credentials.terminal'), cell: (r) => r.terminal },
    {
      id: 'issued',
      header: t('headOffice.admin.credentials.issuedAt'),
      cell: (r) => when(r.issued_at),
    },
    {
      id: 'used',
      header: t('headOffice.admin.credentials.lastUsed'),
      cell: (r) => when(r.last_used_at),
    },
    {
      id: 'state',
      header: t('headOffice.admin.credentials.state'),
      cell: (r) =>
        r.revoked_at !== null ? (
          <span className="ho-badge">
            {t('headOffice.admin.credentials.revoked', { time: when(r.revoked_at) })}
          </span>
        ) : r.install_id === null ? (
          <span className="ho-badge ho-badge--warn">
            ○ {t('headOffice.admin.credentials.unused')}
          </span>
        ) : (
          <span className="ho-badge ho-badge--ok">
            ✓ {t('headOffice.admin.credentials.active')}
          </span>
        ),
    },
    {
      id: 'actions',
      header: '',
      cell: (r) =>
        r.revoked_at === null && (
          <button type="button" className="ho-danger" onClick={() => revoke(r)}>
            {t('headOffice.admin.credentials.revoke')}
          </button>
        ),
    },
  ]);
  return (
    <Panel id="ho-admin-credentials" title={t('headOffice.admin.credentials.heading')}>
      <p className="ho-hint">{t('headOffice.admin.credentials.intro')}</p>
      <form className="ho-filters" onSubmit={issue}>
        <label>
          {t('headOffice.admin.credentials.store')}
          <input value={store} onChange={(e) => setStore(e.target.value)} required maxLength={64} />
        </label>
        <label>
          {t('headOffice.admin.credentials.terminal')}
          <input
            value={terminal}
            onChange={(e) => setTerminal(e.target.value)}
            required
            maxLength={64}
          />
        </label>
        <button type="submit" className="ho-primary">
          {t('headOffice.admin.credentials.issue')}
        </button>
      </form>
      {issued && (
        <div className="ho-once" role="status" data-testid="ho-issued">
          <p>{t('headOffice.admin.credentials.issued', issued)}</p>
          <label>
            {t('headOffice.admin.credentials.tokenLabel')}
            <input
              className="mono ho-token"
              readOnly
              value={issued.token}
              onFocus={(e) => e.target.select()}
              data-testid="ho-issued-token"
            />
          </label>
          <button type="button" onClick={() => setIssued(undefined)}>
            {t('headOffice.admin.credentials.done')}
          </button>
        </div>
      )}
      <NoteLine note={note} />
      {rows && rows.length === 0 && (
        <p className="ho-note">{t('headOffice.admin.credentials.none')}</p>
      )}
      {rows && rows.length > 0 && (
        <div className="ho-table">
          <StaticTable
            columns={cols}
            data={rows}
            rowId={(r) => r.id}
            testId="ho-credentials"
            caption={t('headOffice.admin.credentials.heading')}
          />
        </div>
      )}
    </Panel>
  );
}

interface Mapped {
  current: AssignmentRow;
  history: AssignmentRow[];
}

function Mapping({ onError }: { onError: (err: unknown) => void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [rows, setRows] = useState<Mapped[] | undefined>();
  const [editing, setEditing] = useState<{ install: string; store: string; terminal: string }>();
  const [note, setNote] = useState<Note>();
  const act = useAction(onError, setNote);
  const reload = useCallback(
    () =>
      officeApi.assignments().then((all) => {
        // The collector lists each install's current row first, then its history.
        const by = new Map<string, Mapped>();
        for (const a of all) {
          const m = by.get(a.install_id);
          if (!m) by.set(a.install_id, { current: a, history: [] });
          else m.history.push(a);
        }
        setRows(
          [...by.values()].sort((a, b) =>
            `${a.current.store}/${a.current.terminal}`.localeCompare(
              `${b.current.store}/${b.current.terminal}`,
              lang,
            ),
          ),
        );
      }, onError),
    [onError, lang],
  );
  useEffect(() => void reload(), [reload]);
  const when = (ms: number) => dateTime(ms, lang, 'Asia/Shanghai');
  const save = (e: FormEvent) => {
    e.preventDefault();
    if (!editing) return;
    void act(async () => {
      await officeApi.assign(editing.install, editing.store, editing.terminal);
      setEditing(undefined);
      await reload();
      return t('headOffice.admin.mapping.saved', {
        install: editing.install.slice(0, 8),
        store: editing.store.trim(),
        terminal: editing.terminal.trim(),
      });
    });
  };
  const isEditing = (r: Mapped) => editing?.install === r.current.install_id;
  const cols = columns<Mapped>([
    {
      id: 'install',
      header: t('headOffice.admin.mapping.install'),
      cell: (r) => (
        <span className="mono" title={r.current.install_id}>
          {r.current.install_id.slice(0, 8)}
        </span>
      ),
    },
    {
      id: 'store',
      header: t('headOffice.admin.mapping.store'),
      cell: (r) =>
        isEditing(r) ? (
          <input
            form="ho-mapping-edit"
            aria-label={t('headOffice.admin.mapping.store')}
            value={editing!.store}
            onChange={(e) => setEditing({ ...editing!, store: e.target.value })}
            required
            maxLength={64}
          />
        ) : (
          r.current.store
        ),
    },
    {
      id: 'terminal',
      header: t('headOffice.admin.mapping.terminal'),
      cell: (r) =>
        isEditing(r) ? (
          <input
            form="ho-mapping-edit"
            aria-label={t('headOffice.admin.mapping.terminal')}
            value={editing!.terminal}
            onChange={(e) => setEditing({ ...editing!, terminal: e.target.value })}
            required
            maxLength={64}
          />
        ) : (
          r.current.terminal
        ),
    },
    {
      id: 'since',
      header: t('headOffice.admin.mapping.since'),
      cell: (r) => when(r.current.valid_from),
    },
    {
      id: 'history',
      header: t('headOffice.admin.mapping.history'),
      cell: (r) =>
        r.history.length === 0 ? (
          '—'
        ) : (
          <ul className="ho-why ho-hint">
            {r.history.map((h) => (
              <li key={h.valid_from}>
                {t('headOffice.admin.mapping.historyRow', {
                  store: h.store,
                  terminal: h.terminal,
                  time: h.valid_to === null ? '—' : when(h.valid_to),
                })}
              </li>
            ))}
          </ul>
        ),
    },
    {
      id: 'actions',
      header: '',
      cell: (r) =>
        isEditing(r) ? (
          <span className="ho-states">
            <button type="submit" form="ho-mapping-edit" className="ho-primary">
              {t('headOffice.admin.mapping.save')}
            </button>
            <button type="button" onClick={() => setEditing(undefined)}>
              {t('headOffice.admin.mapping.cancel')}
            </button>
          </span>
        ) : (
          <button
            type="button"
            onClick={() =>
              setEditing({
                install: r.current.install_id,
                store: r.current.store,
                terminal: r.current.terminal,
              })
            }
          >
            {t('headOffice.admin.mapping.move')}
          </button>
        ),
    },
  ]);
  return (
    <Panel id="ho-admin-mapping" title={t('headOffice.admin.mapping.heading')}>
      <p className="ho-hint">{t('headOffice.admin.mapping.intro')}</p>
      <form id="ho-mapping-edit" onSubmit={save} />
      <NoteLine note={note} />
      {rows && rows.length === 0 && <p className="ho-note">{t('headOffice.admin.mapping.none')}</p>}
      {rows && rows.length > 0 && (
        <div className="ho-table">
          <StaticTable
            columns={cols}
            data={rows}
            rowId={(r) => r.current.install_id}
            testId="ho-mapping"
            caption={t('headOffice.admin.mapping.heading')}
          />
        </div>
      )}
    </Panel>
  );
}

function Users({ me, onError }: { me: Me; onError: (err: unknown) => void }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [rows, setRows] = useState<UserRow[] | undefined>();
  const [name, setName] = useState('');
  const [role, setRole] = useState<OfficeRole>('viewer');
  const [password, setPassword] = useState('');
  const [resetting, setResetting] = useState<{ name: string; password: string }>();
  const [note, setNote] = useState<Note>();
  const act = useAction(onError, setNote);
  const reload = useCallback(() => officeApi.users().then(setRows, onError), [onError]);
  useEffect(() => void reload(), [reload]);
  const when = (ms: number) => dateTime(ms, lang, 'Asia/Shanghai');
  const roleName = (r: OfficeRole) => t(`headOffice.roles.${r}`);

  const add = (e: FormEvent) => {
    e.preventDefault();
    void act(async () => {
      const u = await officeApi.addUser(name, role, password);
      setName('');
      setPassword('');
      await reload();
      return t('headOffice.admin.users.added', { name: u.name, role: roleName(u.role) });
    });
  };
  const disable = (u: UserRow) => {
    if (!window.confirm(t('headOffice.admin.users.confirmDisable', { name: u.name }))) return;
    void act(async () => {
      await officeApi.disableUser(u.name);
      await reload();
      return t('headOffice.admin.users.disabledNote', { name: u.name });
    });
  };
  const reset = (e: FormEvent) => {
    e.preventDefault();
    if (!resetting) return;
    void act(async () => {
      await officeApi.resetPassword(resetting.name, resetting.password);
      setResetting(undefined);
      return t('headOffice.admin.users.resetNote', { name: resetting.name });
    });
  };
  const cols = columns<UserRow>([
    {
      id: 'name',
      header: t('headOffice.admin.users.name'),
      cell: (u) => (
        <>
          {u.name}
          {u.name === me.name && (
            <span className="ho-hint"> · {t('headOffice.admin.users.you')}</span>
          )}
        </>
      ),
    },
    { id: 'role', header: t('headOffice.admin.users.role'), cell: (u) => roleName(u.role) },
    { id: 'created', header: t('headOffice.admin.users.created'), cell: (u) => when(u.created_at) },
    {
      id: 'state',
      header: t('headOffice.admin.users.state'),
      cell: (u) =>
        u.disabled_at === null ? (
          <span className="ho-badge ho-badge--ok">✓ {t('headOffice.admin.users.enabled')}</span>
        ) : (
          <span className="ho-badge">
            {t('headOffice.admin.users.disabled', { time: when(u.disabled_at) })}
          </span>
        ),
    },
    {
      id: 'actions',
      header: '',
      cell: (u) =>
        resetting?.name === u.name ? (
          <span className="ho-states">
            <input
              form="ho-reset"
              type="password"
              autoComplete="new-password"
              aria-label={t('headOffice.admin.users.newPassword', { name: u.name })}
              placeholder={t('headOffice.admin.users.newPassword', { name: u.name })}
              value={resetting.password}
              onChange={(e) => setResetting({ name: u.name, password: e.target.value })}
              minLength={10}
              maxLength={200}
              required
              autoFocus
            />
            <button type="submit" form="ho-reset" className="ho-primary">
              {t('headOffice.admin.users.resetSave')}
            </button>
            <button type="button" onClick={() => setResetting(undefined)}>
              {t('headOffice.admin.mapping.cancel')}
            </button>
          </span>
        ) : (
          u.disabled_at === null && (
            <span className="ho-states">
              <button type="button" onClick={() => setResetting({ name: u.name, password: '' })}>
                {t('headOffice.admin.users.reset')}
              </button>
              {u.name !== me.name && (
                <button type="button" className="ho-danger" onClick={() => disable(u)}>
                  {t('headOffice.admin.users.disable')}
                </button>
              )}
            </span>
          )
        ),
    },
  ]);
  return (
    <Panel id="ho-admin-users" title={t('headOffice.admin.users.heading')}>
      <form className="ho-filters" onSubmit={add}>
        <label>
          {t('headOffice.admin.users.name')}
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
            maxLength={64}
            autoComplete="off"
          />
        </label>
        <label>
          {t('headOffice.admin.users.role')}
          <select value={role} onChange={(e) => setRole(e.target.value as OfficeRole)}>
            {OFFICE_ROLES.map((r) => (
              <option key={r} value={r}>
                {roleName(r)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('headOffice.admin.users.password')}
          <input
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            minLength={10}
            maxLength={200}
            required
          />
        </label>
        <button type="submit" className="ho-primary">
          {t('headOffice.admin.users.add')}
        </button>
      </form>
      <form id="ho-reset" onSubmit={reset} />
      <NoteLine note={note} />
      {rows && (
        <div className="ho-table">
          <StaticTable
            columns={cols}
            data={rows}
            rowId={(u) => u.name}
            testId="ho-users"
            caption={t('headOffice.admin.users.heading')}
          />
        </div>
      )}
    </Panel>
  );
}

export function AdminSection({ me, onError }: { me: Me; onError: (err: unknown) => void }) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="ho-admin-title" className="ho-admin">
      <h1 id="ho-admin-title" className="sr-only">
        {t('headOffice.nav.admin')}
      </h1>
      <Credentials onError={onError} />
      <Mapping onError={onError} />
      <Users me={me} onError={onError} />
    </section>
  );
}

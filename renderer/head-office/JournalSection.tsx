/** The chain-wide journal: filters, newest first, older pages on demand, CSV for auditors. */
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { roleAtLeast, type JournalQuery, type JournalRow, type Me } from '../../shared/head-office';
import { AUDIT_OUTCOMES } from '../../shared/audit';
import { actionName, OUTCOME_ICON, outcomeName } from '../src/areas/audit-review/review-text';
import { dateTime } from '../src/kit/date-time';
import { StaticTable } from '../src/kit/table/StaticTable';
import { columns } from './columns';
import { journalParams, officeApi } from './office-api';

const ZONE = 'Asia/Shanghai';
const dayStart = (day: string) => Date.parse(`${day}T00:00:00+08:00`);

interface Filters {
  store: string;
  terminal: string;
  operator: string;
  card: string;
  code: string;
  outcome: string;
  fromDay: string;
  toDay: string;
}
const EMPTY: Filters = {
  store: '',
  terminal: '',
  operator: '',
  card: '',
  code: '',
  outcome: '',
  fromDay: '',
  toDay: '',
};

function toQuery(f: Filters): Partial<JournalQuery> {
  return {
    store: f.store.trim() || undefined,
    terminal: f.terminal.trim() || undefined,
    operator: f.operator.trim() || undefined,
    card: f.card.trim() || undefined,
    code: f.code.trim() || undefined,
    outcome: f.outcome || undefined,
    from: f.fromDay ? dayStart(f.fromDay) : undefined,
    to: f.toDay ? dayStart(f.toDay) + 86_400_000 : undefined,
  };
}

export function JournalSection({ me, onError }: { me: Me; onError: (err: unknown) => void }) {
  const { t, i18n } = useTranslation();
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [applied, setApplied] = useState<Filters>(EMPTY);
  const [rows, setRows] = useState<JournalRow[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [masked, setMasked] = useState(false);
  const [state, setState] = useState<'loading' | 'ready' | { error: string }>('loading');

  const fetchPage = (f: Filters, cursor?: string) => {
    void officeApi.journal({ ...toQuery(f), limit: 100, ...(cursor ? { cursor } : {}) }).then(
      (page) => {
        setRows((old) => (cursor ? [...old, ...page.rows] : page.rows));
        setNext(page.next);
        setMasked(page.masked);
        setState('ready');
      },
      (err: unknown) => {
        onError(err);
        setState({ error: (err as Error).message });
      },
    );
  };
  const load = (f: Filters, cursor?: string) => {
    setState('loading');
    fetchPage(f, cursor);
  };
  // eslint-disable-next-line react-hooks/exhaustive-deps -- the first page once
  useEffect(() => fetchPage(EMPTY), []);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setApplied(draft);
    load(draft);
  };
  const field = (key: keyof Filters, label: string, extra: { placeholder?: string } = {}) => (
    <label>
      {label}
      <input
        value={draft[key]}
        onChange={(e) => setDraft({ ...draft, [key]: e.target.value })}
        {...extra}
      />
    </label>
  );
  const lang = i18n.language;
  const cols = useMemo(
    () =>
      columns<JournalRow>([
        {
          id: 'time',
          header: t('headOffice.journal.time'),
          cell: (r) => (
            <span className="ho-nowrap">{dateTime(r.ts, lang, ZONE, { seconds: true })}</span>
          ),
        },
        { id: 'store', header: t('headOffice.journal.store'), cell: (r) => r.store },
        { id: 'terminal', header: t('headOffice.journal.terminal'), cell: (r) => r.terminal },
        {
          id: 'operator',
          header: t('headOffice.journal.operator'),
          cell: (r) => <span className="mono">{r.operator_id}</span>,
        },
        {
          id: 'action',
          header: t('headOffice.journal.action'),
          cell: (r) => actionName(r.action, t),
        },
        {
          id: 'code',
          header: t('headOffice.journal.code'),
          cell: (r) => <span className="mono">{r.code}</span>,
        },
        {
          id: 'card',
          header: t('headOffice.journal.card'),
          cell: (r) => <span className="mono ho-wrap">{r.card_id}</span>,
        },
        {
          id: 'outcome',
          header: t('headOffice.journal.outcome'),
          cell: (r) => (
            <span className={`ho-badge ho-badge--${r.outcome}`}>
              <span aria-hidden="true">{OUTCOME_ICON[r.outcome] ?? '·'} </span>
              {outcomeName(r.outcome, t)}
            </span>
          ),
        },
        {
          id: 'chain',
          header: t('headOffice.journal.chain'),
          cell: (r) =>
            r.chain_ok ? (
              t('headOffice.journal.chainOk')
            ) : (
              <span className="ho-badge ho-badge--bad">
                ⚠ {t('headOffice.journal.chainBroken')}
              </span>
            ),
        },
      ]),
    [t, lang],
  );

  return (
    <section aria-labelledby="ho-journal-title">
      <h1 id="ho-journal-title" className="sr-only">
        {t('headOffice.nav.journal')}
      </h1>
      <form className="ho-filters" onSubmit={submit}>
        {field('store', t('headOffice.journal.store'))}
        {field('terminal', t('headOffice.journal.terminal'))}
        {field('operator', t('headOffice.journal.operator'))}
        {field('card', t('headOffice.journal.card'))}
        {field('code', t('headOffice.journal.code'), {
          placeholder: roleAtLeast(me.role, 'auditor')
            ? t('headOffice.journal.codeHint')
            : t('headOffice.journal.codeHintMasked'),
        })}
        <label>
          {t('headOffice.journal.outcome')}
          <select
            value={draft.outcome}
            onChange={(e) => setDraft({ ...draft, outcome: e.target.value })}
          >
            <option value="">{t('headOffice.common.any')}</option>
            {AUDIT_OUTCOMES.map((o) => (
              <option key={o} value={o}>
                {outcomeName(o, t)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('headOffice.common.from')}
          <input
            type="date"
            value={draft.fromDay}
            onChange={(e) => setDraft({ ...draft, fromDay: e.target.value })}
          />
        </label>
        <label>
          {t('headOffice.common.to')}
          <input
            type="date"
            value={draft.toDay}
            onChange={(e) => setDraft({ ...draft, toDay: e.target.value })}
          />
        </label>
        <button type="submit" className="ho-primary">
          {t('headOffice.common.apply')}
        </button>
        {roleAtLeast(me.role, 'auditor') && (
          <a
            className="ho-button"
            href={`/office/api/journal.csv?${journalParams(toQuery(applied))}`}
            download
          >
            {t('headOffice.journal.export')}
          </a>
        )}
      </form>
      {masked && <p className="ho-note">{t('headOffice.journal.masked')}</p>}
      {typeof state === 'object' && (
        <p className="ho-error" role="alert">
          {t('headOffice.common.failed', { message: state.error })}
        </p>
      )}
      <p className="ho-note" aria-live="polite">
        {t('headOffice.journal.shown', { count: rows.length })}
      </p>
      <div className="ho-table">
        <StaticTable
          columns={cols}
          data={rows}
          rowId={(r) => `${r.install_id}:${r.seq}`}
          testId="ho-journal"
          caption={t('headOffice.nav.journal')}
        />
      </div>
      {state === 'loading' && <p className="ho-note">{t('headOffice.common.loading')}</p>}
      {state === 'ready' &&
        (next ? (
          <button type="button" onClick={() => load(applied, next)}>
            {t('headOffice.journal.more')}
          </button>
        ) : (
          <p className="ho-note">{t('headOffice.journal.end')}</p>
        ))}
    </section>
  );
}

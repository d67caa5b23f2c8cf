/**
 * The terminals: which are behind (records they hold that head office has not received, or not
 * heard from lately, or never) and which have chain alerts; each one's last shipment.
 */
import type { TFunction } from 'i18next';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TerminalRow } from '../../shared/head-office';
import { dateTime } from '../src/kit/date-time';
import { StaticTable } from '../src/kit/table/StaticTable';
import { columns } from './columns';
import { officeApi } from './office-api';

const ALERT_KINDS = ['bad_hash', 'broken_link', 'gap', 'rewritten'];

/** The collector's "gap at record 8" in the reader's language. */
function flagReason(reason: string, t: TFunction): string {
  const m = /^([a-z_]+) at record (\d+)$/.exec(reason);
  if (!m || !ALERT_KINDS.includes(m[1]!)) return reason;
  return t(`headOffice.terminals.alertKinds.${m[1]}`, { seq: m[2] });
}

export function TerminalsSection({ onError }: { onError: (err: unknown) => void }) {
  const { t, i18n } = useTranslation();
  const [rows, setRows] = useState<TerminalRow[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    officeApi.terminals().then(setRows, (err: unknown) => {
      onError(err);
      setError((err as Error).message);
    });
  }, [onError]);
  const lang = i18n.language;
  const cols = useMemo(
    () =>
      columns<TerminalRow>([
        { id: 'store', header: t('headOffice.terminals.store'), cell: (r) => r.store },
        { id: 'terminal', header: t('headOffice.terminals.terminal'), cell: (r) => r.terminal },
        {
          id: 'state',
          header: t('headOffice.terminals.state'),
          cell: (r) => (
            <span className="ho-states">
              {r.install_id === null ? (
                <span className="ho-badge ho-badge--warn">
                  ○ {t('headOffice.terminals.notStarted')}
                </span>
              ) : r.behind ? (
                <>
                  <span className="ho-badge ho-badge--warn">
                    △{' '}
                    {(r.records_behind ?? 0) > 0
                      ? t('headOffice.terminals.recordsBehind', {
                          count: r.records_behind ?? 0,
                        })
                      : t('headOffice.terminals.behind')}
                  </span>
                  {/* Behind with nothing known missing: not heard from lately. */}
                  {r.last_seen_at !== null && !((r.records_behind ?? 0) > 0) && (
                    <span className="ho-hint">
                      {t('headOffice.terminals.quiet', {
                        time: dateTime(r.last_seen_at, lang, 'Asia/Shanghai'),
                      })}
                    </span>
                  )}
                </>
              ) : (
                <span className="ho-badge ho-badge--ok">✓ {t('headOffice.terminals.ok')}</span>
              )}
              {r.alerts > 0 && (
                <span className="ho-badge ho-badge--bad">
                  ⚠ {t('headOffice.terminals.alerts', { count: r.alerts })}
                </span>
              )}
              {r.flag_reason && (
                <span className="ho-hint">
                  {t('headOffice.terminals.flagReason', { reason: flagReason(r.flag_reason, t) })}
                </span>
              )}
            </span>
          ),
        },
        {
          id: 'lastPush',
          header: t('headOffice.terminals.lastPush'),
          cell: (r) =>
            r.last_push_at === null
              ? t('headOffice.terminals.never')
              : dateTime(r.last_push_at, lang, 'Asia/Shanghai'),
        },
        {
          id: 'records',
          header: t('headOffice.terminals.records'),
          cell: (r) => r.head_seq.toLocaleString(lang),
        },
        {
          id: 'install',
          header: t('headOffice.terminals.install'),
          cell: (r) => <span className="mono ho-hint">{r.install_id?.slice(0, 8) ?? '—'}</span>,
        },
      ]),
    [t, lang],
  );
  const behind = rows?.filter((r) => r.behind).length ?? 0;
  const flagged = rows?.filter((r) => r.alerts > 0).length ?? 0;
  // Those that need someone first.
  const sorted = useMemo(
    () =>
      [...(rows ?? [])].sort(
        (a, b) =>
          Number(b.alerts > 0) - Number(a.alerts > 0) || Number(b.behind) - Number(a.behind),
      ),
    [rows],
  );
  return (
    <section aria-labelledby="ho-terminals-title">
      <h1 id="ho-terminals-title" className="sr-only">
        {t('headOffice.nav.terminals')}
      </h1>
      {error && (
        <p className="ho-error" role="alert">
          {t('headOffice.common.failed', { message: error })}
        </p>
      )}
      {!rows && !error && <p className="ho-note">{t('headOffice.common.loading')}</p>}
      {rows && (
        <>
          <p className="ho-lead" data-testid="ho-terminals-lead">
            {behind + flagged === 0
              ? t('headOffice.terminals.allGood')
              : t('headOffice.terminals.attention', { behind, flagged })}
          </p>
          <div className="ho-table">
            <StaticTable
              columns={cols}
              data={sorted}
              rowId={(r) => r.install_id ?? `${r.store}/${r.terminal}`}
              testId="ho-terminals"
              caption={t('headOffice.nav.terminals')}
              numeric={['records']}
            />
          </div>
        </>
      )}
    </section>
  );
}

/**
 * Audit review (issue 10): the journal, one record, a summary of a range, and the chain check,
 * over the terminal's audit log. The view and its filters live in the location
 * (`#/audit?view=record&id=123&range=yesterday&op=ann`), so Back returns to the filtered
 * journal. What an operator may see is decided by the host (a cashier: own records of the
 * shift); the screens only show it.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ErrorInfo } from '../../../../shared/errors';
import type { ReviewInfo } from '../../../../shared/ops/audit-review';
import { api } from '../../api';
import { scanBus } from '../../scan/scan-bus';
import { navigate, routeHref, useRoute } from '../../shell/route';
import { useTerminal } from '../../shell/terminal-context';
import { JournalView } from './JournalView';
import { readParams, readView, writeParams, type ReviewParams, type View } from './params';
import { RecordView } from './RecordView';
import { ReviewContext, type Review } from './review-context';
import { SummaryView } from './SummaryView';
import { VerifyView } from './VerifyView';
import './audit-review.css';
import { caught, ErrorNotice } from '../../kit/errors/ErrorNotice';

function currentQuery(): URLSearchParams {
  return new URLSearchParams(location.hash.split('?')[1] ?? '');
}

function queryFor(view: View, params: ReviewParams, extra?: Record<string, string>) {
  return { view: view === 'journal' ? undefined : view, ...writeParams(params), ...extra };
}

function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 60_000);
    return () => window.clearInterval(timer);
  }, []);
  return now;
}

export function AuditScreen() {
  const { t } = useTranslation();
  const { session } = useTerminal();
  const [route] = useRoute();
  const now = useNow();
  const operatorId = session.operator?.id;
  const [loaded, setLoaded] = useState<{ for?: string; info?: ReviewInfo; error?: ErrorInfo }>({});

  useEffect(() => {
    let live = true;
    api.reviewInfo({}).then(
      (info) => live && setLoaded({ for: operatorId, info }),
      (err: unknown) =>
        live &&
        setLoaded({
          for: operatorId,
          error: caught(err),
        }),
    );
    return () => {
      live = false;
    };
  }, [operatorId]);

  const update = useCallback((patch: Partial<ReviewParams>, view?: View) => {
    const q = currentQuery();
    const next = { ...readParams(q), ...patch };
    const query = queryFor(view ?? readView(q), next);
    if (routeHref('audit', query) === location.hash) return;
    navigate('audit', query);
  }, []);

  // A coupon scanned here finds its records (any day, for a supervisor).
  useEffect(
    () =>
      scanBus.listen((code) =>
        update(
          {
            code,
            range: 'all',
            operator: undefined,
            actions: [],
            outcomes: [],
            card: undefined,
            text: undefined,
          },
          'journal',
        ),
      ),
    [update],
  );

  const info = loaded.for === operatorId ? loaded.info : undefined;
  const view = readView(route.params);
  const params = readParams(route.params);
  const paramsKey = JSON.stringify(params);

  const review = useMemo<Review | undefined>(() => {
    if (!info) return undefined;
    const p = JSON.parse(paramsKey) as ReviewParams;
    const names = new Map(info.operators.map((o) => [o.id, o.name]));
    return {
      info,
      source: api,
      params: p,
      now,
      update,
      href: (v, extra) => routeHref('audit', queryFor(v, p, extra)),
      operatorName: (id) => (id === null ? '' : (names.get(id) ?? id)),
    };
  }, [info, paramsKey, now, update]);

  if (loaded.error && loaded.for === operatorId) {
    return <ErrorNotice error={loaded.error} look="line" />;
  }
  if (!review) return <p className="muted">{t('review.journal.loading')}</p>;

  const supervisor = !review.info.scope.own;
  const tabs: View[] = supervisor ? ['journal', 'summary', 'verify'] : ['journal', 'summary'];
  return (
    <ReviewContext.Provider value={review}>
      <section className="audit">
        <header className="audit-head">
          <h1>{t('review.title')}</h1>
          <nav className="audit-tabs" aria-label={t('review.nav.label')}>
            {tabs.map((v) => (
              <a
                key={v}
                href={review.href(v)}
                aria-current={
                  view === v || (v === 'journal' && view === 'record') ? 'page' : undefined
                }
              >
                {t(`review.nav.${v}`)}
              </a>
            ))}
          </nav>
        </header>
        {view === 'record' ? (
          <RecordView id={Number(route.params.get('id'))} />
        ) : view === 'summary' ? (
          <SummaryView />
        ) : view === 'verify' ? (
          <VerifyView />
        ) : (
          <JournalView />
        )}
      </section>
    </ReviewContext.Provider>
  );
}

/**
 * The manager's back office (issue 11) at `#/office?view=…`: the merchant's cards by status and
 * each card's details with its actions (edit, stock, custom code, delete), a customer's
 * coupons by openid, and the four statistics reports. Every view is a place in the address,
 * so Back, Forward and reload work.
 */
import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { routeHref, useRoute } from '../../shell/route';
import { CardDetails, parseAction } from './CardDetails';
import { CardsList, parseStatuses } from './CardsList';
import { CustomerCoupons } from './CustomerCoupons';
import { parseReport } from './reports';
import './back-office.css';

// The charts library is large: it loads when the statistics are first opened, not at start-up.
const Statistics = lazy(() => import('./Statistics'));

const SECTIONS = ['cards', 'customer', 'stats'] as const;

export function BackOfficeScreen() {
  const { t } = useTranslation();
  const [route] = useRoute();
  const p = route.params;
  const view = p.get('view') ?? 'cards';
  const section =
    view === 'card' ? 'cards' : (SECTIONS as readonly string[]).includes(view) ? view : 'cards';
  const cardId = p.get('id');

  let body;
  if (view === 'card' && cardId)
    body = <CardDetails cardId={cardId} action={parseAction(p.get('action'))} />;
  else if (view === 'customer')
    body = <CustomerCoupons openid={p.get('openid') ?? ''} cardId={p.get('card') ?? ''} />;
  else if (view === 'stats')
    body = (
      <Suspense fallback={<p className="muted">{t('office.loadingShort')}</p>}>
        <Statistics report={parseReport(p.get('report'))} />
      </Suspense>
    );
  else body = <CardsList statuses={parseStatuses(p.get('status'))} />;

  return (
    <div className="side-layout office">
      <nav className="side-nav" aria-label={t('office.navLabel')}>
        <h1>{t('office.title')}</h1>
        <ul>
          {SECTIONS.map((s) => (
            <li key={s}>
              <a
                href={routeHref('office', { view: s })}
                aria-current={s === section ? 'page' : undefined}
              >
                {t(`office.sections.${s}`)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <div className="office-body">{body}</div>
    </div>
  );
}

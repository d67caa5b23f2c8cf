/**
 * A customer's coupons (card/user/getcardlist) by openid, optionally of one card, each with the
 * counter's verdict on demand, and whether a friend's shared coupon is among them.
 */
import { useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ErrorInfo } from '../../../../shared/errors';
import type { Verdict } from '../../../../shared/verdict';
import { api } from '../../api';
import { VerdictPanel } from '../../kit/verdict/VerdictPanel';
import { navigate } from '../../shell/route';
import { useCardIds } from './card-ids';
import { summaryOf, useSummaries } from './card-summaries';
import { cardHref, ErrorLine, Swatch, TypeLabel } from './common';
import { caught } from '../../kit/errors/ErrorNotice';

interface Item {
  code: string;
  cardId: string;
}

type VerdictState = { loading: true } | { verdict: Verdict } | { error: ErrorInfo };

const NO_STATUSES = [] as const;

export function CustomerCoupons({
  openid: initialOpenid,
  cardId: initialCard,
}: {
  openid: string;
  cardId: string;
}) {
  const { t } = useTranslation();
  const [openid, setOpenid] = useState(initialOpenid);
  const [cardId, setCardId] = useState(initialCard);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo>();
  const [result, setResult] = useState<{ openid: string; items: Item[]; hasShareCard: boolean }>();
  const [verdicts, setVerdicts] = useState<Record<string, VerdictState>>({});
  const all = useCardIds(NO_STATUSES);
  const resultIds = useMemo(() => [...new Set(result?.items.map((i) => i.cardId) ?? [])], [result]);
  useSummaries(all.ids);
  useSummaries(resultIds);

  async function search(e?: FormEvent) {
    e?.preventDefault();
    const id = openid.trim();
    if (!id) return;
    setBusy(true);
    setError(undefined);
    setVerdicts({});
    navigate('office', { view: 'customer', openid: id, card: cardId || undefined }, true);
    try {
      const r = await api.officeUserCards({ openid: id, ...(cardId ? { cardId } : {}) });
      setResult({ openid: id, ...r });
    } catch (err) {
      setResult(undefined);
      setError(caught(err));
    } finally {
      setBusy(false);
    }
  }

  async function check(item: Item) {
    setVerdicts((v) => ({ ...v, [item.code]: { loading: true } }));
    try {
      const verdict = await api.officeCodeVerdict({ code: item.code, cardId: item.cardId });
      setVerdicts((v) => ({ ...v, [item.code]: { verdict } }));
    } catch (err) {
      setVerdicts((v) => ({ ...v, [item.code]: { error: caught(err) } }));
    }
  }

  const titled = all.ids
    .map((id) => summaryOf(id)?.summary)
    .filter((s) => s !== undefined)
    .sort((a, b) => a.title.localeCompare(b.title));

  return (
    <section className="office-section" aria-labelledby="customer-title">
      <h2 id="customer-title">{t('office.customer.title')}</h2>
      <p className="muted">{t('office.customer.intro')}</p>
      <form className="row customer-form" onSubmit={(e) => void search(e)}>
        <div className="field field--wide grow">
          <label htmlFor="customer-openid">{t('office.customer.openid')}</label>
          <input
            id="customer-openid"
            className="mono"
            autoComplete="off"
            maxLength={64}
            value={openid}
            onChange={(e) => setOpenid(e.target.value)}
          />
        </div>
        <div className="field field--wide grow">
          <label htmlFor="customer-card">{t('office.customer.card')}</label>
          <select id="customer-card" value={cardId} onChange={(e) => setCardId(e.target.value)}>
            <option value="">{t('office.customer.anyCard')}</option>
            {titled.map((s) => (
              <option key={s.cardId} value={s.cardId} data-merchant>
                {s.title} · {t(`office.cardType.${s.cardType}`)}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="align-end" disabled={busy || !openid.trim()}>
          {busy ? t('office.loadingShort') : t('office.customer.search')}
        </button>
      </form>
      {error && <ErrorLine error={error} />}
      {result && (
        <div className="customer-result" data-testid="customer-result">
          <p data-testid="customer-summary">
            {t('office.customer.count', { count: result.items.length })}{' '}
            <span
              className={`share-flag ${result.hasShareCard ? 'yes' : 'no'}`}
              data-testid="has-share-card"
              data-value={String(result.hasShareCard)}
            >
              {result.hasShareCard ? t('office.customer.shareYes') : t('office.customer.shareNo')}
            </span>
          </p>
          {result.items.length > 0 && (
            <div className="row">
              <button
                type="button"
                className="secondary"
                onClick={() => {
                  for (const item of result.items) if (!verdicts[item.code]) void check(item);
                }}
              >
                {t('office.customer.checkAll')}
              </button>
            </div>
          )}
          <ul className="coupon-list">
            {result.items.map((item) => {
              const s = summaryOf(item.cardId)?.summary;
              const v = verdicts[item.code];
              return (
                <li
                  key={`${item.cardId}:${item.code}`}
                  className="coupon-item"
                  data-testid="customer-code"
                  data-code={item.code}
                >
                  <div className="coupon-line">
                    <Swatch color={s?.color} />
                    <span className="mono coupon-code">{item.code}</span>
                    <a href={cardHref(item.cardId)} className="coupon-card">
                      {s ? s.title : <span className="mono">{item.cardId}</span>}
                    </a>
                    {s && <TypeLabel type={s.cardType} />}
                    <span className="spacer" />
                    <button
                      type="button"
                      className="secondary"
                      disabled={v && 'loading' in v}
                      onClick={() => void check(item)}
                    >
                      {v && 'loading' in v
                        ? t('office.loadingShort')
                        : v
                          ? t('office.customer.recheck')
                          : t('office.customer.check')}
                    </button>
                  </div>
                  {v && 'verdict' in v && (
                    <div className="compact-verdict" data-testid="customer-verdict">
                      <VerdictPanel
                        verdict={v.verdict}
                        checkOnly
                        size="compact"
                        {...(v.verdict.kind === 'redeemable'
                          ? { hint: t('office.customer.redeemableHint') }
                          : {})}
                      />
                    </div>
                  )}
                  {v && 'error' in v && <ErrorLine error={v.error} />}
                </li>
              );
            })}
          </ul>
        </div>
      )}
    </section>
  );
}

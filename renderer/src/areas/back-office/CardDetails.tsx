/**
 * One card, all of card/get in readable form: what it is worth and the type's own fields, its
 * validity rule, weekday limits, stores, stock, what customers see, and the raw JSON. The
 * actions (edit, stock, custom code, delete) open below it, on the same page.
 */
import { useEffect, useState, type ReactNode } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import type { ErrorInfo } from '../../../../shared/errors';
import { cardValue } from '../../../../shared/verdict';
import { cardBody, type Card, type TimeLimit } from '../../../../shared/wechat/card';
import { api } from '../../api';
import { money, valueText } from '../../kit/verdict/verdict-text';
import { routeHref } from '../../shell/route';
import { forgetCardIds } from './card-ids';
import { putCard } from './card-summaries';
import { cardHref, ErrorLine, Row, StatusBadge, Swatch, TypeLabel, useFormat } from './common';
import { AcceptCodesPanel } from './AcceptCodesPanel';
import { CustomCodePanel } from './CustomCodePanel';
import { DeletePanel } from './DeletePanel';
import { EditCardPanel } from './EditCardPanel';
import { StockPanel } from './StockPanel';
import { caught } from '../../kit/errors/ErrorNotice';

type CardAction = 'edit' | 'stock' | 'code' | 'delete';
const ACTIONS: readonly CardAction[] = ['edit', 'stock', 'code', 'delete'];

export function parseAction(value: string | null): CardAction | undefined {
  return (ACTIONS as readonly (string | null)[]).includes(value)
    ? (value as CardAction)
    : undefined;
}

export function CardDetails({
  cardId,
  action,
}: {
  cardId: string;
  action?: CardAction | undefined;
}) {
  const { t } = useTranslation();
  const [card, setCard] = useState<Card>();
  const [codesAccepted, setCodesAccepted] = useState(false);
  const [error, setError] = useState<ErrorInfo>();
  const [loadedFor, setLoadedFor] = useState('');

  useEffect(() => {
    let live = true;
    api.officeGetCard({ cardId }).then(
      (r) => {
        if (!live) return;
        setCard(r.card);
        setCodesAccepted(r.codesAccepted);
        setError(undefined);
        setLoadedFor(cardId);
        putCard(r.card);
      },
      (err: unknown) => {
        if (!live) return;
        setError(caught(err));
        setLoadedFor(cardId);
      },
    );
    return () => {
      live = false;
    };
  }, [cardId]);

  const changed = (next: Card) => {
    // A new status moves the card between the status lists: they are read again when shown.
    if (card && cardBody(card).base_info.status !== cardBody(next).base_info.status)
      forgetCardIds();
    setCard(next);
    putCard(next);
  };

  const current = loadedFor === cardId ? card : undefined;
  return (
    <section className="office-section card-details" aria-labelledby="card-title">
      <p>
        <a href={routeHref('office', { view: 'cards' })}>← {t('office.details.back')}</a>
      </p>
      {loadedFor === cardId && error && <ErrorLine error={error} />}
      {!current && !error && <p className="muted">{t('office.details.loading')}</p>}
      {current && (
        <CardView
          card={current}
          action={action}
          onChanged={changed}
          codesAccepted={codesAccepted}
        />
      )}
    </section>
  );
}

function CardView({
  card,
  action,
  onChanged,
  codesAccepted,
}: {
  card: Card;
  action?: CardAction | undefined;
  onChanged: (card: Card) => void;
  codesAccepted: boolean;
}) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const body = cardBody(card);
  const b = body.base_info;
  const deleted = b.status === 'CARD_STATUS_DELETE';
  const value = cardValue(card);
  const yesNo = (v: boolean | undefined) =>
    v === undefined ? undefined : v ? t('office.yes') : t('office.no');

  return (
    <>
      <header className="card-head">
        <span className="card-head-swatch">
          <Swatch color={b.color} />
        </span>
        <div className="card-head-text">
          <h2 id="card-title" data-testid="card-title" data-merchant="">
            {b.title}
          </h2>
          <p className="muted">
            <span data-merchant="">{b.brand_name}</span> · <TypeLabel type={card.card_type} /> ·{' '}
            <span className="mono" data-testid="card-id">
              {b.id}
            </span>
          </p>
        </div>
        <span data-testid="card-status">
          <StatusBadge status={b.status} />
        </span>
      </header>
      {b.status === 'CARD_STATUS_NOT_VERIFY' && (
        <p className="office-note warn" data-testid="review-note">
          {t('office.details.underReview')}
        </p>
      )}
      {deleted && (
        <p className="office-note" data-testid="deleted-note">
          {t('office.details.deletedNote')}
        </p>
      )}
      {b.use_custom_code && !action && (
        <AcceptCodesPanel key={b.id} cardId={b.id} accepted={codesAccepted} />
      )}

      <nav className="card-actions" aria-label={t('office.details.actions')}>
        <a
          className="button-link"
          href={cardHref(b.id)}
          aria-current={!action ? 'page' : undefined}
        >
          {t('office.details.overview')}
        </a>
        {!deleted && (
          <>
            <a
              className="button-link"
              href={cardHref(b.id, 'edit')}
              aria-current={action === 'edit' ? 'page' : undefined}
            >
              {t('office.actions.edit')}
            </a>
            <a
              className="button-link"
              href={cardHref(b.id, 'stock')}
              aria-current={action === 'stock' ? 'page' : undefined}
            >
              {t('office.actions.stock')}
            </a>
          </>
        )}
        {b.use_custom_code && (
          <a
            className="button-link"
            href={cardHref(b.id, 'code')}
            aria-current={action === 'code' ? 'page' : undefined}
          >
            {t('office.actions.code')}
          </a>
        )}
        {!deleted && (
          <a
            className="button-link danger-link"
            href={cardHref(b.id, 'delete')}
            aria-current={action === 'delete' ? 'page' : undefined}
          >
            {t('office.actions.delete')}
          </a>
        )}
      </nav>

      {action === 'edit' && !deleted && <EditCardPanel card={card} onChanged={onChanged} />}
      {action === 'stock' && !deleted && <StockPanel card={card} onChanged={onChanged} />}
      {action === 'code' && b.use_custom_code && <CustomCodePanel card={card} />}
      {action === 'delete' && !deleted && <DeletePanel card={card} onChanged={onChanged} />}

      {!action && (
        <div className="details-grid">
          <DetailBlock title={t('office.details.value')}>
            {value && (
              <Row label={t('office.details.valueLabel')} testId="card-value">
                {valueText(value, t, fmt.lang)}
              </Row>
            )}
            <TypeRows card={card} />
          </DetailBlock>

          <DetailBlock title={t('office.details.validity')} testId="card-validity">
            <Row label={t('office.details.dateType')}>
              {t(`office.dateType.${b.date_info.type}`)}
            </Row>
            <ValidityRows card={card} />
            <Row label={t('office.details.weekdays')} testId="card-weekdays">
              <WeekdayLimits limits={body.advanced_info?.time_limit} />
            </Row>
          </DetailBlock>

          <DetailBlock title={t('office.details.stockTitle')} testId="card-stock">
            <Row label={t('office.details.quantity')}>{fmt.number(b.sku.quantity)}</Row>
            <Row label={t('office.details.total')}>
              {b.sku.total_quantity !== undefined ? fmt.number(b.sku.total_quantity) : undefined}
            </Row>
            <Row label={t('office.fields.get_limit')}>
              {b.get_limit !== undefined ? fmt.number(b.get_limit) : undefined}
            </Row>
          </DetailBlock>

          <DetailBlock title={t('office.details.stores')} testId="card-stores">
            <Row label={t('office.details.storesLabel')}>
              {b.use_all_locations
                ? t('office.details.allStores')
                : b.location_id_list && b.location_id_list.length > 0
                  ? fmt.list(b.location_id_list.map(String))
                  : t('office.details.noStores')}
            </Row>
          </DetailBlock>

          <DetailBlock title={t('office.details.customerSees')}>
            <Row label={t('office.fields.notice')} merchant>
              {b.notice}
            </Row>
            <Row label={t('office.fields.description')} merchant>
              {b.description ? <span className="pre-line">{b.description}</span> : undefined}
            </Row>
            <Row label={t('office.fields.color')}>
              {b.color ? (
                <>
                  <Swatch color={b.color} /> <span className="mono">{b.color}</span>
                </>
              ) : undefined}
            </Row>
            <Row label={t('office.fields.code_type')}>{t(`office.codeType.${b.code_type}`)}</Row>
            <Row label={t('office.fields.service_phone')} merchant>
              {b.service_phone}
            </Row>
            <Row label={t('office.fields.logo_url')}>
              {b.logo_url ? <span className="url">{b.logo_url}</span> : undefined}
            </Row>
            <Row label={t('office.fields.center_title')} merchant>
              {linkText(b.center_title, b.center_sub_title, b.center_url)}
            </Row>
            <Row label={t('office.fields.custom_url_name')} merchant>
              {linkText(b.custom_url_name, b.custom_url_sub_title, b.custom_url)}
            </Row>
            <Row label={t('office.fields.promotion_url_name')} merchant>
              {linkText(b.promotion_url_name, b.promotion_url_sub_title, b.promotion_url)}
            </Row>
            <Row label={t('office.fields.can_share')}>{yesNo(b.can_share)}</Row>
            <Row label={t('office.fields.can_give_friend')}>{yesNo(b.can_give_friend)}</Row>
            <Row label={t('office.details.abstract')} merchant>
              {body.advanced_info?.abstract?.abstract}
            </Row>
          </DetailBlock>

          <DetailBlock title={t('office.details.record')}>
            <Row label={t('office.details.customCode')}>{yesNo(b.use_custom_code === true)}</Row>
            <Row label={t('office.details.source')} merchant>
              {b.source}
            </Row>
            <Row label={t('office.details.created')}>
              {b.create_time !== undefined ? fmt.seconds(b.create_time) : undefined}
            </Row>
            <Row label={t('office.details.updated')}>
              {b.update_time !== undefined ? fmt.seconds(b.update_time) : undefined}
            </Row>
          </DetailBlock>
        </div>
      )}

      <details className="raw-json">
        <summary>
          <Trans i18nKey="office.details.rawJson" components={{ code: <code translate="no" /> }} />
        </summary>
        <pre data-testid="card-raw-json">{JSON.stringify(card, null, 2)}</pre>
      </details>
    </>
  );
}

function linkText(name?: string, sub?: string, url?: string): ReactNode {
  if (!name && !url) return undefined;
  return (
    <>
      {name}
      {sub ? <small className="muted"> · {sub}</small> : null}
      {url ? <span className="url block">{url}</span> : null}
    </>
  );
}

function DetailBlock({
  title,
  children,
  testId,
}: {
  title: string;
  children: ReactNode;
  testId?: string;
}) {
  return (
    <section className="detail-block" data-testid={testId}>
      <h3>{title}</h3>
      <dl className="detail-list">{children}</dl>
    </section>
  );
}

function ValidityRows({ card }: { card: Card }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const d = cardBody(card).base_info.date_info;
  switch (d.type) {
    case 'DATE_TYPE_FIX_TIME_RANGE':
      return (
        <Row label={t('office.details.window')}>
          {t('office.details.rangeText', {
            begin: fmt.seconds(d.begin_timestamp),
            end: fmt.seconds(d.end_timestamp),
          })}
        </Row>
      );
    case 'DATE_TYPE_FIX_TERM':
      return (
        <>
          <Row label={t('office.details.window')}>
            {(d.fixed_begin_term ?? 0) === 0
              ? t('office.details.termToday', { days: d.fixed_term })
              : t('office.details.termLater', { days: d.fixed_term, after: d.fixed_begin_term })}
          </Row>
          <Row label={t('office.details.cutOff')}>
            {d.end_timestamp !== undefined ? fmt.seconds(d.end_timestamp) : undefined}
          </Row>
        </>
      );
    case 'DATE_TYPE_PERMANENT':
      return <Row label={t('office.details.window')}>{t('office.details.permanent')}</Row>;
  }
}

function WeekdayLimits({ limits }: { limits: TimeLimit[] | undefined }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  if (!limits || limits.length === 0) return <>{t('office.details.everyDay')}</>;
  const hhmm = (h?: number, m?: number) =>
    `${String(h ?? 0).padStart(2, '0')}:${String(m ?? 0).padStart(2, '0')}`;
  // Days with the same hours are listed together: "Monday, …, Friday · 10:00–22:00".
  const groups = new Map<string, string[]>();
  for (const l of limits) {
    const hours =
      l.begin_hour !== undefined || l.end_hour !== undefined
        ? `${hhmm(l.begin_hour, l.begin_minute)}–${hhmm(l.end_hour ?? 24, l.end_minute)}`
        : '';
    groups.set(hours, [...(groups.get(hours) ?? []), t(`office.weekday.${l.type}`)]);
  }
  return (
    <>
      {[...groups].map(([hours, days]) => (
        <span key={hours} className="block">
          {fmt.list(days)}
          {hours && <> · {hours}</>}
        </span>
      ))}
    </>
  );
}

/** The fields only this type of card has. */
function TypeRows({ card }: { card: Card }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const yesNo = (v: boolean | undefined) =>
    v === undefined ? undefined : v ? t('office.yes') : t('office.no');
  const text = (v: string | undefined) =>
    v ? (
      <span className="pre-line" data-merchant="">
        {v}
      </span>
    ) : undefined;
  const time = (s: number | undefined) => (s !== undefined ? fmt.seconds(s) : undefined);
  switch (card.card_type) {
    case 'CASH':
      return (
        <>
          <Row label={t('office.details.reduceCost')}>{money(card.cash.reduce_cost, fmt.lang)}</Row>
          <Row label={t('office.details.leastCost')}>
            {card.cash.least_cost
              ? money(card.cash.least_cost, fmt.lang)
              : t('office.details.noMinimum')}
          </Row>
        </>
      );
    case 'DISCOUNT':
      return <Row label={t('office.details.discount')}>{`${card.discount.discount}%`}</Row>;
    case 'GIFT':
      return <Row label={t('office.details.gift')}>{text(card.gift.gift)}</Row>;
    case 'GROUPON':
      return <Row label={t('office.details.dealDetail')}>{text(card.groupon.deal_detail)}</Row>;
    case 'GENERAL_COUPON':
      return (
        <Row label={t('office.details.defaultDetail')}>
          {text(card.general_coupon.default_detail)}
        </Row>
      );
    case 'MEMBER_CARD': {
      const m = card.member_card;
      const custom = (
        f:
          | { name_type?: string | undefined; name?: string | undefined; url?: string | undefined }
          | undefined,
      ) =>
        f
          ? [
              f.name_type ? t(`office.nameType.${f.name_type}`, { defaultValue: f.name_type }) : '',
              f.name,
              f.url,
            ]
              .filter(Boolean)
              .join(' · ')
          : undefined;
      return (
        <>
          <Row label={t('office.fields.prerogative')}>{text(m.prerogative)}</Row>
          <Row label={t('office.details.supplyBonus')}>{yesNo(m.supply_bonus)}</Row>
          <Row label={t('office.details.supplyBalance')}>{yesNo(m.supply_balance)}</Row>
          <Row label={t('office.fields.bonus_rules')}>{text(m.bonus_rules)}</Row>
          <Row label={t('office.fields.bonus_cleared')}>{text(m.bonus_cleared)}</Row>
          <Row label={t('office.fields.balance_rules')}>{text(m.balance_rules)}</Row>
          <Row label={t('office.details.activateUrl')}>{m.activate_url}</Row>
          <Row label={t('office.details.bindOldCardUrl')}>{m.bind_old_card_url}</Row>
          <Row label={t('office.fields.custom_field1')} merchant>
            {custom(m.custom_field1)}
          </Row>
          <Row label={t('office.fields.custom_field2')} merchant>
            {custom(m.custom_field2)}
          </Row>
          <Row label={t('office.fields.custom_field3')} merchant>
            {custom(m.custom_field3)}
          </Row>
          <Row label={t('office.fields.custom_cell1')} merchant>
            {m.custom_cell1
              ? [m.custom_cell1.name, m.custom_cell1.tips, m.custom_cell1.url]
                  .filter(Boolean)
                  .join(' · ')
              : undefined}
          </Row>
        </>
      );
    }
    case 'SCENIC_TICKET':
      return (
        <>
          <Row label={t('office.details.ticketClass')} merchant>
            {card.scenic_ticket.ticket_class}
          </Row>
          <Row label={t('office.fields.guide_url')}>{card.scenic_ticket.guide_url}</Row>
        </>
      );
    case 'MOVIE_TICKET':
      return <Row label={t('office.fields.detail')}>{text(card.movie_ticket.detail)}</Row>;
    case 'BOARDING_PASS': {
      const p = card.boarding_pass;
      return (
        <>
          <Row label={t('office.details.route')} merchant>{`${p.from} → ${p.to}`}</Row>
          <Row label={t('office.details.flight')} merchant>
            {p.flight}
          </Row>
          <Row label={t('office.details.airModel')} merchant>
            {p.air_model}
          </Row>
          <Row label={t('office.fields.departure_time')}>{time(p.departure_time)}</Row>
          <Row label={t('office.fields.landing_time')}>{time(p.landing_time)}</Row>
          <Row label={t('office.fields.boarding_time')}>{time(p.boarding_time)}</Row>
          <Row label={t('office.fields.gate')} merchant>
            {p.gate}
          </Row>
          <Row label={t('office.details.checkInUrl')}>{p.check_in_url}</Row>
        </>
      );
    }
    case 'MEETING_TICKET':
      return (
        <>
          <Row label={t('office.details.meetingDetail')}>
            {text(card.meeting_ticket.meeting_detail)}
          </Row>
          <Row label={t('office.fields.map_url')}>{card.meeting_ticket.map_url}</Row>
        </>
      );
    case 'BUS_TICKET':
      return null;
  }
}

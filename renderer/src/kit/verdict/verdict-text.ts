/** Money and verdict details in the operator's language. */
import { kept } from '../../../../shared/kept';
import type { CardValue, Warning } from '../../../../shared/verdict';
import type { Translate } from '../text/language';

/** One formatter per language and precision. */
const moneyFormat = kept(
  (lang: string, digits: number) =>
    new Intl.NumberFormat(lang, {
      style: 'currency',
      currency: 'CNY',
      currencyDisplay: 'narrowSymbol',
      minimumFractionDigits: digits,
    }),
);

export function money(cents: number, lang: string): string {
  return moneyFormat(lang, cents % 100 === 0 ? 0 : 2).format(cents / 100);
}

export function valueText(value: CardValue, t: Translate, lang: string): string {
  switch (value.kind) {
    case 'discount': {
      const zhe = (100 - value.percentOff) / 10;
      return t('verdict.value.discount', { percent: value.percentOff, zhe });
    }
    case 'cash':
      return value.leastCost > 0
        ? t('verdict.value.cash_min', {
            amount: money(value.reduceCost, lang),
            min: money(value.leastCost, lang),
          })
        : t('verdict.value.cash', { amount: money(value.reduceCost, lang), min: '' });
    case 'gift':
      return t('verdict.value.gift', { gift: value.gift });
    case 'deal':
      return t('verdict.value.deal', { detail: value.detail });
    case 'general':
      return t('verdict.value.general', { detail: value.detail });
    case 'member':
      return t('verdict.value.member', { detail: value.prerogative });
    case 'ticket':
      return t('verdict.value.ticket', { detail: value.detail });
  }
}

export function warningText(w: Warning, t: Translate, lang: string): string {
  switch (w.kind) {
    case 'weekday':
      return t('verdict.warning.weekday', {
        days: w.allowed
          .map((d) => t(`verdict.weekday.${d}`))
          .join(lang.startsWith('zh') ? '、' : ', '),
        hours: w.hours ? ` ${w.hours}` : '',
        today: t(`verdict.weekday.${w.today}`),
      });
    case 'other_store':
      return t('verdict.warning.other_store');
    case 'min_spend':
      return t('verdict.warning.min_spend', { amount: money(w.amount, lang) });
    case 'card_details_missing':
      return t('verdict.warning.card_details_missing');
  }
}

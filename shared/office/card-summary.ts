/** A card's row in the back office's list, from card/get: the host and the screens alike. */
import type { CardSummary } from '../ops/back-office';
import { cardBody, type Card } from '../wechat/card';

export function summarise(card: Card): CardSummary {
  const b = cardBody(card).base_info;
  return {
    cardId: b.id,
    title: b.title,
    brand: b.brand_name,
    cardType: card.card_type,
    status: b.status,
    ...(b.color ? { color: b.color } : {}),
    quantity: b.sku.quantity,
    ...(b.sku.total_quantity !== undefined ? { total: b.sku.total_quantity } : {}),
    customCode: b.use_custom_code === true,
    dateType: b.date_info.type,
    ...(b.update_time !== undefined ? { updateTime: b.update_time } : {}),
  };
}

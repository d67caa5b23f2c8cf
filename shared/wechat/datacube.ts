/**
 * The four datacube/getcard* reports: requests and rows. Success answers carry no errcode,
 * only {"list": [...]}. Dates are 'YYYY-MM-DD'; the platform refuses spans over 62 days,
 * today and the future (61501) and any other spelling (61500).
 */
import { z } from 'zod';

export const DatacubeDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');

/** 0: cards made on the Official Accounts Platform; 1: cards made through the API. */
export const CondSource = z.union([z.literal(0), z.literal(1)]);

export const DatacubeRange = z.object({ begin_date: DatacubeDate, end_date: DatacubeDate });

export const BizUinInfoRequest = DatacubeRange.extend({ cond_source: CondSource });
export type BizUinInfoRequest = z.infer<typeof BizUinInfoRequest>;
export const CardInfoRequest = BizUinInfoRequest.extend({ card_id: z.string().optional() });
export type CardInfoRequest = z.infer<typeof CardInfoRequest>;
export const MemberCardInfoRequest = BizUinInfoRequest;
export type MemberCardInfoRequest = z.infer<typeof MemberCardInfoRequest>;
export const MemberCardDetailRequest = DatacubeRange.extend({ card_id: z.string() });
export type MemberCardDetailRequest = z.infer<typeof MemberCardDetailRequest>;

const n = z.number();
const counts = {
  view_cnt: n,
  view_user: n,
  receive_cnt: n,
  receive_user: n,
  verify_cnt: n,
  verify_user: n,
};

/** datacube/getcardbizuininfo: the merchant's coupons overall, one row per day. */
export const BizUinInfoRow = z.looseObject({
  ref_date: z.string(),
  ...counts,
  given_cnt: n,
  given_user: n,
  expire_cnt: n,
  expire_user: n,
});
export type BizUinInfoRow = z.infer<typeof BizUinInfoRow>;

/**
 * datacube/getcardcardinfo: free coupons per card and day. card_type is numeric here:
 * 0 discount, 1 cash, 2 gift, 3 general coupon, 4 groupon.
 */
export const CardInfoRow = BizUinInfoRow.extend({ card_id: z.string(), card_type: n });
export type CardInfoRow = z.infer<typeof CardInfoRow>;

/** datacube/getcardmembercardinfo: member cards overall, one row per day. */
export const MemberCardInfoRow = z.looseObject({
  ref_date: z.string(),
  ...counts,
  active_user: n,
  total_user: n,
  total_receive_user: n,
});
export type MemberCardInfoRow = z.infer<typeof MemberCardInfoRow>;

/** datacube/getcardmembercarddetail: one member card, one row per day. Fees in cents. */
export const MemberCardDetailRow = z.looseObject({
  ref_date: z.string(),
  merchanttype: n,
  cardid: z.string(),
  submerchantid: n,
  ...counts,
  active_cnt: n,
  active_user: n,
  total_user: n,
  new_user: n,
  payOriginalFee: n,
  fee: n,
});
export type MemberCardDetailRow = z.infer<typeof MemberCardDetailRow>;

export const datacubeList = <T extends z.ZodType>(row: T) => z.looseObject({ list: z.array(row) });

import { defineMessages } from '../define';

/** The counter's verdicts: the big word, what it means, what to do; values and warnings. */
export default defineMessages(
  {
    title: {
      redeemable: 'Redeemable',
      already_redeemed: 'Already redeemed',
      expired: 'Expired',
      not_yet_valid: 'Not valid yet',
      gifting: 'Being gifted',
      gift_timeout: 'Gift timed out',
      deleted: 'Deleted by customer',
      invalidated: 'Invalidated',
      unknown_code: 'Unknown code',
      not_allowed: 'Cannot be redeemed',
      could_not_check: 'Could not check',
      write_pending: 'Outcome pending',
      invalid_scan: 'Not a code',
      redeem_refused: 'Not redeemed — do not hand over goods',
      redeem_failed: 'Not redeemed — try again',
      redeem_unknown: 'Outcome unknown — do not hand over goods',
    },
    hint: {
      redeemable: 'Press Enter to redeem.',
      redeemable_check_only: 'Check-only mode: this terminal does not redeem.',
      already_redeemed: 'This code has been used. Do not give the discount.',
      already_redeemed_here:
        'Redeemed here at {{time}} by {{name}}. Do not give the discount again.',
      expired: 'The coupon expired on {{date}}. Do not give the discount.',
      expired_nodate: 'The coupon has expired. Do not give the discount.',
      not_yet_valid: 'Valid from {{date}}. Ask the customer to come back then.',
      gifting:
        'The customer is giving this coupon to a friend. It can be used once the gift is accepted or returned.',
      gift_timeout:
        'A gift of this coupon timed out. Ask the customer to open it in WeChat once, then scan again.',
      deleted: 'The customer deleted this coupon from WeChat. It cannot be used.',
      invalidated: 'This coupon was invalidated (refund or change). It cannot be used.',
      unknown_code:
        'Not a coupon of this merchant, passed on to someone else, or a card whose own codes this terminal does not accept yet.',
      not_accepted_here:
        'This terminal does not accept this card’s codes yet. Do not give the discount; a manager can turn on “Accept this card’s codes at this terminal” on the card’s page in the back office.',
      not_allowed: 'WeChat says this code cannot be redeemed now.',
      could_not_check:
        'Could not reach WeChat. Do not give the discount until the code is checked; scan again.',
      write_pending_redeem:
        'A redemption of this code at this terminal has no answer yet. Do not hand over goods: the terminal is checking with WeChat.',
      write_pending_invalidate:
        'This code is being invalidated for a refund at this terminal. Do not hand over goods or accept it.',
      already_redeemed_here_settled:
        'Redeemed here at {{time}} by {{name}} (the answer was lost; settled from WeChat). Do not give the discount again.',
      invalid_scan: 'What was scanned is not a coupon code.',
      redeem_refused:
        'WeChat refused the redemption. Do not give the discount and do not hand over goods. Press Esc and scan the code again to see its state.',
      redeem_failed:
        'Nothing was redeemed (WeChat could not be reached, or refused the call for the reason below). Do not hand over goods yet: check the code again and redeem when it is green.',
      redeem_unknown:
        'The redemption was sent but its answer was lost. Do not redeem again and do not hand over goods: the terminal is settling it with WeChat and will show the result here.',
    },
    invalid: {
      empty: 'Nothing was scanned.',
      too_long: 'Too long to be a coupon code.',
      bad_characters: 'Coupon codes contain only letters and digits.',
    },
    value: {
      discount: '{{percent}}% off',
      cash: '{{amount}} off',
      cash_min: '{{amount}} off a bill of {{min}} or more',
      gift: 'Gift: {{gift}}',
      deal: 'Deal: {{detail}}',
      general: '{{detail}}',
      member: 'Member card: {{detail}}',
      ticket: 'Ticket: {{detail}}',
    },
    warning: {
      weekday: 'Only on {{days}}{{hours}}: today is {{today}}.',
      other_store: 'Not listed for this store. Check before accepting.',
      min_spend: 'Minimum spend {{amount}}: check the bill.',
      card_details_missing:
        'Card details could not be loaded: check the value on the customer’s phone.',
    },
    weekday: {
      MONDAY: 'Monday',
      TUESDAY: 'Tuesday',
      WEDNESDAY: 'Wednesday',
      THURSDAY: 'Thursday',
      FRIDAY: 'Friday',
      SATURDAY: 'Saturday',
      SUNDAY: 'Sunday',
      HOLIDAY: 'holidays',
    },
    label: {
      window: 'Valid',
      owner: 'Customer',
      code: 'Code',
      notice: 'Notice',
      card: 'Card',
    },
    cannot_consume: 'WeChat says this code cannot be redeemed now.',
  },
  {
    title: {
      redeemable: '可以核销',
      already_redeemed: '已核销',
      expired: '已过期',
      not_yet_valid: '尚未生效',
      gifting: '转赠中',
      gift_timeout: '转赠超时',
      deleted: '用户已删除',
      invalidated: '已作废',
      unknown_code: '无效券码',
      not_allowed: '不可核销',
      could_not_check: '无法查询',
      write_pending: '结果待确认',
      invalid_scan: '不是券码',
      redeem_refused: '未核销 — 请勿交付商品',
      redeem_failed: '未核销 — 请重试',
      redeem_unknown: '结果未知 — 请勿交付商品',
    },
    hint: {
      redeemable: '按回车键核销。',
      redeemable_check_only: '仅查询模式：本终端不核销。',
      already_redeemed: '此券已被使用，请勿给予优惠。',
      already_redeemed_here: '已于 {{time}} 由 {{name}} 在本机核销，请勿重复给予优惠。',
      expired: '此券已于 {{date}} 过期，请勿给予优惠。',
      expired_nodate: '此券已过期，请勿给予优惠。',
      not_yet_valid: '自 {{date}} 起可用，请顾客届时再来。',
      gifting: '顾客正在将此券转赠给朋友。对方领取或退回后才能使用。',
      gift_timeout: '此券转赠已超时。请顾客在微信中打开一次此券后再扫。',
      deleted: '顾客已在微信中删除此券，无法使用。',
      invalidated: '此券已作废（退款或更换），无法使用。',
      unknown_code: '不是本商户的券、已转赠给他人，或是本机尚未接受其券码的卡券。',
      not_accepted_here:
        '这张券的券码本机尚未接受，请不要给优惠：请经理在后台该卡券页面开启「本机接受此卡券的券码」。',
      not_allowed: '微信表示此券当前不可核销。',
      could_not_check: '无法连接微信。查询成功前请勿给予优惠；请重新扫码。',
      write_pending_redeem: '本机对此券的核销尚未收到结果。请勿交付商品：终端正在向微信核实。',
      write_pending_invalidate: '此券正在本机办理退款作废。请勿交付商品，也不要接受此券。',
      already_redeemed_here_settled:
        '已于 {{time}} 由 {{name}} 在本机核销（应答丢失，已按微信状态确认）。请勿重复给予优惠。',
      invalid_scan: '扫到的内容不是券码。',
      redeem_refused:
        '微信拒绝了此次核销。请勿给予优惠，也请勿交付商品。按 Esc 后重新扫码可查看此券状态。',
      redeem_failed:
        '无法连接微信，此券未被核销。请先不要交付商品：重新查询此券，显示绿色后再核销。',
      redeem_unknown:
        '核销请求已发出，但应答丢失。请勿重复核销，也请勿交付商品：终端正在向微信确认，结果会显示在这里。',
    },
    invalid: {
      empty: '没有扫到内容。',
      too_long: '内容过长，不是券码。',
      bad_characters: '券码只包含字母和数字。',
    },
    value: {
      discount: '{{zhe}} 折',
      cash: '减 {{amount}}',
      cash_min: '满 {{min}} 减 {{amount}}',
      gift: '兑换：{{gift}}',
      deal: '团购：{{detail}}',
      general: '{{detail}}',
      member: '会员卡：{{detail}}',
      ticket: '票券：{{detail}}',
    },
    warning: {
      weekday: '仅限{{days}}{{hours}}使用：今天是{{today}}。',
      other_store: '本店不在此券的适用门店中，请核实后再接受。',
      min_spend: '最低消费 {{amount}}：请核对账单。',
      card_details_missing: '无法加载卡券详情：请在顾客手机上核对面值。',
    },
    weekday: {
      MONDAY: '周一',
      TUESDAY: '周二',
      WEDNESDAY: '周三',
      THURSDAY: '周四',
      FRIDAY: '周五',
      SATURDAY: '周六',
      SUNDAY: '周日',
      HOLIDAY: '节假日',
    },
    label: {
      window: '有效期',
      owner: '顾客',
      code: '券码',
      notice: '使用提醒',
      card: '卡券',
    },
    cannot_consume: '微信表示此券当前不可核销。',
  },
);

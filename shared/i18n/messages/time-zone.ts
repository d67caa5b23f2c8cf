import { defineMessages } from '../define';

/** Strings of the store's time-zone picker (set-up wizard and Settings > Terminal and store). */
export default defineMessages(
  {
    label: 'Store time zone',
    hint: 'Every time on the screens, the journal’s days and the coupons’ “today” follow this zone, whatever the computer’s clock is set to.',
    now: 'Now in this zone: {{time}}',
    search: 'Find a time zone',
    searchPlaceholder: 'Search: a city or UTC+8',
    matches_one: '{{count}} zone found',
    matches_other: '{{count}} zones found',
    noMatch: 'No time zone matches “{{query}}”. Try a city name in English, such as Shanghai.',
    common: 'China',
    others: 'Other time zones',
    invalid: 'Pick a time zone from the list (a name such as Asia/Shanghai).',
    zones: {
      shanghai: 'Beijing / Shanghai (China Standard Time)',
      hongKong: 'Hong Kong',
      macau: 'Macau',
      taipei: 'Taipei',
      urumqi: 'Ürümqi (Xinjiang time)',
    },
  },
  {
    label: '门店时区',
    hint: '屏幕上显示的所有时间、日志的日期和券的“今天”都按这个时区，与电脑本身的时钟设置无关。',
    now: '该时区现在：{{time}}',
    search: '查找时区',
    searchPlaceholder: '搜索：城市或 UTC+8',
    matches_one: '找到 {{count}} 个时区',
    matches_other: '找到 {{count}} 个时区',
    noMatch: '没有与“{{query}}”相符的时区。请用英文城市名搜索，例如 Shanghai。',
    common: '中国',
    others: '其他时区',
    invalid: '请从列表中选择时区（例如 Asia/Shanghai）。',
    zones: {
      shanghai: '北京 / 上海（中国标准时间）',
      hongKong: '香港',
      macau: '澳门',
      taipei: '台北',
      urumqi: '乌鲁木齐（新疆时间）',
    },
  },
);

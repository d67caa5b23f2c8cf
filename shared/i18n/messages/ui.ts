import { defineMessages } from '../define';

/** Strings of the screens' frame and of the counter screen. */
export default defineMessages(
  {
    app: {
      title: 'CardDesk',
      loading: 'Starting…',
      sandboxBanner: 'SANDBOX — demo data, nothing reaches WeChat',
      liveBadge: 'LIVE',
      language: 'Language',
      errcode: 'errcode {{errcode}}',
    },
    counter: {
      scanLabel: 'Scan or type a code',
      scanPlaceholder: 'Scan a code, or type it and press Enter',
      lookUp: 'Look up',
      checking: 'Checking…',
      ready: 'Ready for the next scan',
      placeholderNotice: 'Not connected to WeChat yet: this answer is a placeholder.',
      codeLabel: 'Code',
      statusLabel: 'Status',
    },
  },
  {
    app: {
      title: 'CardDesk 卡券核销台',
      loading: '正在启动…',
      sandboxBanner: '沙箱模式 — 演示数据，不会发送到微信',
      liveBadge: '正式',
      language: '语言',
      errcode: '错误码 {{errcode}}',
    },
    counter: {
      scanLabel: '扫码或输入券码',
      scanPlaceholder: '扫码，或输入券码后按回车',
      lookUp: '查询',
      checking: '正在查询…',
      ready: '请扫下一张券',
      placeholderNotice: '尚未连接微信：这是占位结果。',
      codeLabel: '券码',
      statusLabel: '状态',
    },
  },
);
